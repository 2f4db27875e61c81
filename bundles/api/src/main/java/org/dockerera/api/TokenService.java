package org.dockerera.api;

import java.util.List;
import java.util.Optional;

/** API tokens. Only a hash of each secret is stored. */
public interface TokenService {
    NewToken create(String name, TokenScope scope);

    List<Token> list();

    void revoke(String id);

    /** The token a presented secret belongs to; records its use. Empty when unknown or revoked. */
    Optional<Token> authenticate(String secret);
}
