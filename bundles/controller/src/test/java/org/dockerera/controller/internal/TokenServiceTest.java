package org.dockerera.controller.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.dockerera.api.DockereraException;
import org.dockerera.api.NewToken;
import org.dockerera.api.TokenScope;
import org.dockerera.spi.store.Entry;
import org.dockerera.store.embedded.internal.MVConfigStore;
import org.dockerera.store.embedded.internal.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenServiceTest {
    @TempDir
    Path dir;
    MVConfigStore store;
    TokenServiceImpl tokens;

    @BeforeEach
    void open() {
        store = new MVConfigStore(dir.resolve("store.mv"), Options.defaults());
        tokens = new TokenServiceImpl(store, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        tokens.deactivate();
        store.close();
    }

    @Test
    void theFirstStartWritesOneAdminTokenOwnerOnlyAndStoresOnlyItsHash() throws Exception {
        Path file = dir.resolve("data/dockerera/admin.token");
        tokens.bootstrapAdmin(file);
        String secret = Files.readString(file).trim();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        // at least 128 random bits: 24 bytes, base64url
        assertThat(secret).startsWith("dke_").hasSize(4 + 32);
        assertThat(tokens.authenticate(secret)).hasValueSatisfying(t -> assertThat(t.scope()).isEqualTo(TokenScope.ADMIN));
        for (Entry e : store.list("")) {
            assertThat(new String(e.value(), StandardCharsets.UTF_8)).doesNotContain(secret);
        }

        tokens.bootstrapAdmin(file); // a second start changes nothing
        assertThat(Files.readString(file).trim()).isEqualTo(secret);
        assertThat(tokens.list()).hasSize(1);
    }

    @Test
    void aRevokedTokenNoLongerAuthenticates() {
        NewToken t = tokens.create("ci", TokenScope.DEPLOY);
        assertThat(tokens.authenticate(t.token())).isPresent();
        tokens.revoke(t.id());
        assertThat(tokens.authenticate(t.token())).isEmpty();
        assertThatThrownBy(() -> tokens.revoke(t.id())).isInstanceOf(DockereraException.class)
                .hasMessageContaining(t.id());
    }

    @Test
    void wrongAndEmptySecretsDoNotAuthenticate() {
        NewToken t = tokens.create("reader", TokenScope.READ);
        assertThat(tokens.authenticate(t.token() + "x")).isEmpty();
        assertThat(tokens.authenticate("")).isEmpty();
        assertThat(tokens.authenticate(null)).isEmpty();
    }

    @Test
    void tokensSurviveAReopenOfTheStore() {
        NewToken t = tokens.create("ci", TokenScope.DEPLOY);
        tokens.deactivate();
        store.close();
        store = new MVConfigStore(dir.resolve("store.mv"), Options.defaults());
        tokens = new TokenServiceImpl(store, Clock.systemUTC());
        assertThat(tokens.authenticate(t.token())).hasValueSatisfying(x -> assertThat(x.name()).isEqualTo("ci"));
    }

    @Test
    void namesAreValidated() {
        assertThatThrownBy(() -> tokens.create("has space", TokenScope.READ)).isInstanceOf(DockereraException.class)
                .satisfies(e -> assertThat(((DockereraException) e).slug()).isEqualTo("invalid-token-name"));
    }
}
