package org.dockerera.api;

import java.util.List;
import java.util.Optional;

/** Registry credentials used for pulls. */
public interface RegistryService {
    List<Registry> list();

    /** Adds or replaces the login for {@code spec.server()}. */
    Registry add(RegistrySpec spec);

    void remove(String idOrServer);

    /** The login (password decrypted) for the registry an image reference names, if one is stored. */
    Optional<RegistrySpec> credentialsFor(String imageReference);
}
