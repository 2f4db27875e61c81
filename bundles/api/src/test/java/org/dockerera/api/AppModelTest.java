package org.dockerera.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AppModelTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aNewAppGetsTheDocumentedDefaults() {
        App app = App.create(AppSpec.named("my.app.com"), T0);
        assertThat(app.instances()).isEqualTo(2);
        assertThat(app.type()).isEqualTo(ProcessType.WEB);
        assertThat(app.port()).isEqualTo(8080);
        assertThat(app.health()).isEqualTo(HealthCheck.DEFAULT);
        assertThat(app.restartPolicy()).isEqualTo("on-failure");
        assertThat(app.activeRelease()).isNull();
        assertThat(app.constraints()).isEmpty();
    }

    @Test
    void aPatchChangesOnlyTheFieldsItSets() {
        App app = App.create(new AppSpec("web.test", 3, null, 9000, null, null, null, null, null, null,
                List.of("env==prod")), T0);
        App patched = app.patch(new AppSpec(null, 0, null, null, null,
                new HealthCheck("/health", 500, null, null, null, null, null), null, null, null, null, null), T0.plusSeconds(1));
        assertThat(patched.instances()).isZero();
        assertThat(patched.port()).isEqualTo(9000);
        assertThat(patched.constraints()).containsExactly("env==prod");
        assertThat(patched.health().path()).isEqualTo("/health");
        assertThat(patched.health().intervalMs()).isEqualTo(500);
        assertThat(patched.health().timeoutMs()).isEqualTo(HealthCheck.DEFAULT.timeoutMs());
        assertThat(patched.created()).isEqualTo(T0);
        assertThat(patched.updated()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void anAppCannotBeRenamedByAPatch() {
        App app = App.create(AppSpec.named("a.test"), T0);
        assertThatThrownBy(() -> app.patch(AppSpec.named("b.test"), T0)).isInstanceOf(DockereraException.class)
                .hasMessageContaining("renamed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"My.App", "-app.test", "app-.test", "a..b", "app_test", ""})
    void namesMustBeDnsNames(String name) {
        assertThatThrownBy(() -> AppSpec.named(name)).isInstanceOf(DockereraException.class)
                .satisfies(e -> assertThat(((DockereraException) e).slug()).isEqualTo("invalid-app-name"));
    }

    @Test
    void badSettingsAreRefusedWithTheirOwnProblemType() {
        assertThatThrownBy(() -> new AppSpec("a.test", -1, null, null, null, null, null, null, null, null, null))
                .hasMessageContaining("instances must be 0 or more");
        assertThatThrownBy(() -> new AppSpec("a.test", null, null, 70000, null, null, null, null, null, null, null))
                .hasMessageContaining("port must be 1-65535");
        assertThatThrownBy(() -> new AppSpec("a.test", null, null, null, null, null, null, "sometimes", null, null, null))
                .hasMessageContaining("restartPolicy");
        assertThatThrownBy(() -> new HealthCheck("health", null, null, null, null, null, null))
                .hasMessageContaining("must start with '/'");
        assertThatThrownBy(() -> new Resources(2.0, null, 1.0, null)).hasMessageContaining("cannot exceed");
    }

    @Test
    void secretEnvValuesAreMaskedWhenListed() {
        assertThat(new EnvVar("DB_PASSWORD", "hunter2", true).masked().value()).isEqualTo(EnvVar.MASK);
        assertThat(new EnvVar("PORT", "8080", false).masked().value()).isEqualTo("8080");
        assertThatThrownBy(() -> new EnvVar("1BAD", "x", false)).isInstanceOf(DockereraException.class);
    }
}
