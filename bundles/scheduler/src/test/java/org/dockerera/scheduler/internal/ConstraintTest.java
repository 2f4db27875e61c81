package org.dockerera.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.dockerera.api.DockereraException;
import org.dockerera.spi.scheduler.Constraint;
import org.dockerera.spi.scheduler.Constraint.Operator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ConstraintTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "env==prod|env|EQUALS|prod",
            "disk!=hdd|disk|NOT_EQUALS|hdd",
            "' env == prod '|env|EQUALS|prod",
            "disk != hdd|disk|NOT_EQUALS|hdd",
            "com.example/zone==eu-west-1a|com.example/zone|EQUALS|eu-west-1a",
            "node_role==manager|node_role|EQUALS|manager",
            "rack==r:12|rack|EQUALS|r:12",
            "Env==Prod|Env|EQUALS|Prod",
    })
    void parsesLabelConstraints(String text, String key, Operator op, String value) {
        Constraint c = Constraint.parse(text);
        assertThat(c).isEqualTo(new Constraint(key, op, value));
        assertThat(c.isLabel()).isTrue();
    }

    @Test
    void parsesDistinctHosts() {
        assertThat(Constraint.parse("distinct-hosts")).isSameAs(Constraint.DISTINCT_HOSTS);
        assertThat(Constraint.parse("  distinct-hosts ")).isSameAs(Constraint.DISTINCT_HOSTS);
        assertThat(Constraint.DISTINCT_HOSTS.isLabel()).isFalse();
        assertThat(Constraint.DISTINCT_HOSTS.matches(Map.of())).isTrue();
        assertThat(Constraint.DISTINCT_HOSTS.rejection(Map.of())).isNull();
    }

    @Test
    void printsAsWritten() {
        for (String text : List.of("env==prod", "disk!=hdd", "distinct-hosts", "com.example/zone==eu-1")) {
            assertThat(Constraint.parse(text)).hasToString(text);
            assertThat(Constraint.parse(Constraint.parse(text).toString())).isEqualTo(Constraint.parse(text));
        }
        assertThat(Constraint.parse(" env == prod ")).hasToString("env==prod");
        assertThat(Constraint.equal("env", "prod")).hasToString("env==prod");
        assertThat(Constraint.notEqual("disk", "hdd")).hasToString("disk!=hdd");
    }

    @Test
    void parseAllKeepsOrderAndTreatsNullAsNone() {
        assertThat(Constraint.parseAll(List.of("env==prod", "distinct-hosts", "disk!=hdd")))
                .containsExactly(Constraint.equal("env", "prod"), Constraint.DISTINCT_HOSTS, Constraint.notEqual("disk", "hdd"));
        assertThat(Constraint.parseAll(null)).isEmpty();
        assertThat(Constraint.parseAll(List.of())).isEmpty();
    }

    @Test
    void parseAllFailsOnTheFirstBadOne() {
        assertThatThrownBy(() -> Constraint.parseAll(List.of("env==prod", "zone=eu")))
                .isInstanceOf(DockereraException.class).hasMessageContaining("'zone=eu' has no operator");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "\t"})
    void emptyIsInvalid(String text) {
        assertInvalid(text, "constraint is empty: write key==value, key!=value or distinct-hosts (e.g. env==prod)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "env=prod|constraint 'env=prod' has no operator: write key==value, key!=value or distinct-hosts (e.g. env==prod)",
            "env|constraint 'env' has no operator: write key==value, key!=value or distinct-hosts (e.g. env==prod)",
            "Distinct-Hosts|constraint 'Distinct-Hosts' has no operator: write key==value, key!=value or distinct-hosts (e.g. env==prod)",
            "distinct_hosts|constraint 'distinct_hosts' has no operator: write key==value, key!=value or distinct-hosts (e.g. env==prod)",
            "env<>prod|constraint 'env<>prod' has no operator: write key==value, key!=value or distinct-hosts (e.g. env==prod)",
            "==prod|constraint '==prod' has no label name before '==': write key==value, key!=value or distinct-hosts (e.g. env==prod)",
            "' != hdd'|constraint '!= hdd' has no label name before '!=': write key==value, key!=value or distinct-hosts (e.g. env==prod)",
            "env==|constraint 'env==' has no value after '==': write key==value, key!=value or distinct-hosts (e.g. env==prod)",
            "disk!=|constraint 'disk!=' has no value after '!=': write key==value, key!=value or distinct-hosts (e.g. env==prod)",
            "env==a==b|constraint 'env==a==b' has more than one operator: write key==value, key!=value or distinct-hosts (e.g. env==prod)",
            "env!=a==b|constraint 'env!=a==b' has more than one operator: write key==value, key!=value or distinct-hosts (e.g. env==prod)",
            "bad key==x|constraint 'bad key==x': label name 'bad key' is not valid: use letters, digits and . _ - / (e.g. env==prod)",
            "-env==x|constraint '-env==x': label name '-env' is not valid: use letters, digits and . _ - / (e.g. env==prod)",
            "env==two words|constraint 'env==two words': value 'two words' is not valid: it must be non-empty, without spaces, '=' or '!' (e.g. env==prod)",
            "env==!x|constraint 'env==!x': value '!x' is not valid: it must be non-empty, without spaces, '=' or '!' (e.g. env==prod)",
            "env===x|constraint 'env===x': value '=x' is not valid: it must be non-empty, without spaces, '=' or '!' (e.g. env==prod)",
    })
    void badSyntaxIsA422SayingHowToWriteIt(String text, String detail) {
        assertInvalid(text, detail);
    }

    @Test
    void recordConstructorValidatesToo() {
        assertThatThrownBy(() -> Constraint.equal("bad key", "x")).isInstanceOf(DockereraException.class)
                .hasMessage("constraint bad key==x: label name 'bad key' is not valid: use letters, digits and . _ - / (e.g. env==prod)");
        assertThatThrownBy(() -> Constraint.notEqual("disk", "")).isInstanceOf(DockereraException.class)
                .hasMessageContaining("value '' is not valid");
        assertThatThrownBy(() -> new Constraint("env", Operator.DISTINCT_HOSTS, "x")).isInstanceOf(DockereraException.class)
                .hasMessage("constraint distinct-hosts takes no label and no value");
    }

    @Test
    void equalsNeedsTheLabelWithThatValue() {
        Constraint c = Constraint.parse("env==prod");
        assertThat(c.matches(Map.of("env", "prod"))).isTrue();
        assertThat(c.rejection(Map.of("env", "prod", "disk", "ssd"))).isNull();
        assertThat(c.matches(Map.of("env", "dev"))).isFalse();
        assertThat(c.rejection(Map.of("env", "dev"))).isEqualTo("constraint env==prod: label env is 'dev'");
        assertThat(c.rejection(Map.of())).isEqualTo("constraint env==prod: no label env");
        assertThat(c.rejection(Map.of("env", "Prod"))).as("case matters").isEqualTo("constraint env==prod: label env is 'Prod'");
    }

    @Test
    void notEqualsAcceptsHostsWithoutTheLabel() {
        Constraint c = Constraint.parse("disk!=hdd");
        assertThat(c.matches(Map.of())).isTrue();
        assertThat(c.matches(Map.of("disk", "ssd"))).isTrue();
        assertThat(c.matches(Map.of("disk", "hdd"))).isFalse();
        assertThat(c.rejection(Map.of("disk", "hdd"))).isEqualTo("constraint disk!=hdd: label disk is 'hdd'");
    }

    private static void assertInvalid(String text, String detail) {
        assertThatThrownBy(() -> Constraint.parse(text))
                .isInstanceOfSatisfying(DockereraException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DockereraException.Kind.INVALID);
                    assertThat(e.kind().status()).isEqualTo(422);
                    assertThat(e.slug()).isEqualTo("invalid-constraint");
                    assertThat(e.detail()).isEqualTo(detail);
                });
    }
}
