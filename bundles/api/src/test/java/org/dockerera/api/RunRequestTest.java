package org.dockerera.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a one-off run request must hold. */
class RunRequestTest {

    private static void invalid(RunRequest r, String detailPart) {
        assertThatThrownBy(r::validate).isInstanceOfSatisfying(DockereraException.class, e -> {
            assertThat(e.slug()).isEqualTo("invalid-request");
            assertThat(e.kind()).isEqualTo(DockereraException.Kind.INVALID);
            assertThat(e.detail()).contains(detailPart);
        });
    }

    @Test
    void aCommandWithOptionalEnvironmentIsValid() {
        RunRequest r = new RunRequest(List.of("/testapp", "--version"), null).validate();

        assertThat(r.env()).isEmpty();
        assertThat(new RunRequest(List.of("/app", ""), Map.of("K_1", "v")).validate().command())
                .as("empty arguments are arguments").containsExactly("/app", "");
    }

    @Test
    void theCommandIsRequiredNonEmptyWithoutNullsAndStartsWithAProgram() {
        invalid(new RunRequest(null, null), "'command' is required");
        invalid(new RunRequest(List.of(), null), "'command' is required");
        invalid(new RunRequest(Arrays.asList("/app", null), null), "command[1] is null");
        invalid(new RunRequest(List.of(" "), null), "command[0]");
    }

    @Test
    void environmentNamesMustBeVariableNamesWithValues() {
        invalid(new RunRequest(List.of("/app"), Map.of("1BAD", "v")), "'1BAD'");
        invalid(new RunRequest(List.of("/app"), Map.of("A-B", "v")), "'A-B'");
        java.util.Map<String, String> nullValue = new java.util.HashMap<>();
        nullValue.put("K", null);
        invalid(new RunRequest(List.of("/app"), nullValue), "needs a string value");
    }
}
