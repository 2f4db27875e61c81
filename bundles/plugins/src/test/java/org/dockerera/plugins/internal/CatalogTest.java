package org.dockerera.plugins.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.dockerera.api.PluginImplementation;
import org.dockerera.api.PluginPoint;
import org.junit.jupiter.api.Test;

class CatalogTest {
    private static Found up(Point p, String name, String bundle, String component) {
        return new Found(p, name, bundle, "0.1.0.SNAPSHOT", component, "up", null);
    }

    private static Map<String, List<PluginImplementation>> byPoint(List<PluginPoint> points) {
        return points.stream().collect(Collectors.toMap(PluginPoint::point, PluginPoint::implementations));
    }

    @Test
    void everyPointIsListedInOrderEvenWhenNothingImplementsIt() {
        assertThat(Catalog.build(List.of(), List.of(), null, null)).extracting(PluginPoint::point)
                .containsExactly("store", "provider", "strategy", "router", "routes");
    }

    @Test
    void theFacadesBackendAndTheConfiguredStrategyAreActiveTheOthersAreNot() {
        var points = byPoint(Catalog.build(List.of(
                up(Point.STORE, "redis", "dockerera-store-redis", "redis"),
                up(Point.STORE, "embedded", "dockerera-store-embedded", "embedded"),
                up(Point.STRATEGY, "spread", "dockerera-scheduler", "s"),
                up(Point.STRATEGY, "binpack", "dockerera-scheduler", "b"),
                up(Point.PROVIDER, "docker", "dockerera-provider-docker", "d"),
                new Found(Point.ROUTER, "haproxy", "dockerera-router-haproxy", "1", "h", "down: haproxy exited",
                        "http://127.0.0.1:8082"),
                up(Point.ROUTER, "builtin", "dockerera-router-builtin", "r")), List.of(), "embedded", "binpack"));

        assertThat(points.get("store")).extracting(PluginImplementation::name, PluginImplementation::active)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("embedded", true),
                        org.assertj.core.groups.Tuple.tuple("redis", false));
        assertThat(points.get("strategy")).extracting(PluginImplementation::name, PluginImplementation::active)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("binpack", true),
                        org.assertj.core.groups.Tuple.tuple("spread", false));
        assertThat(points.get("provider")).singleElement().satisfies(p -> assertThat(p.active()).isTrue());
        assertThat(points.get("router")).extracting(PluginImplementation::name, PluginImplementation::active,
                PluginImplementation::health).containsExactly(
                org.assertj.core.groups.Tuple.tuple("builtin", true, "up"),
                org.assertj.core.groups.Tuple.tuple("haproxy", false, "down: haproxy exited"));
    }

    @Test
    void aComponentWhoseActivationFailedIsListedOnceAsFailedAndNeverActive() {
        Found registered = up(Point.STRATEGY, "weighted", "example", "org.example.Weighted");
        Found failed = new Found(Point.STRATEGY, "weighted", "example", "1.0.0", "org.example.Weighted",
                "failed: activation failed: boom", null);
        var strategies = byPoint(Catalog.build(List.of(registered, up(Point.STRATEGY, "spread", "s", "sp")),
                List.of(failed), null, "weighted")).get("strategy");
        assertThat(strategies).hasSize(2);
        assertThat(strategies.get(1)).satisfies(w -> {
            assertThat(w.name()).isEqualTo("weighted");
            assertThat(w.health()).isEqualTo("failed: activation failed: boom");
            assertThat(w.failed()).isTrue();
            assertThat(w.active()).as("configured, but failed").isFalse();
            assertThat(w.version()).as("the registered one's").isEqualTo("0.1.0.SNAPSHOT");
        });
    }

    @Test
    void anUnresolvedBundleIsListedBesideTheWorkingImplementationsOfItsPoint() {
        Found broken = new Found(Point.STRATEGY, "broken.plugin", "broken.plugin", "1.0.0", null,
                "failed: bundle 99 does not resolve: missing requirement org.example.missing", "file:/x.jar");
        var strategies = byPoint(Catalog.build(List.of(up(Point.STRATEGY, "spread", "s", "sp")),
                List.of(broken, broken), null, "spread")).get("strategy");
        assertThat(strategies).extracting(PluginImplementation::name).containsExactly("broken.plugin", "spread");
        assertThat(strategies.get(0).failed()).isTrue();
        assertThat(strategies.get(1).active()).isTrue();
    }

    @Test
    void providesCapabilityHeadersNameTheirPoints() {
        assertThat(PluginsComponent.offeredPoints("osgi.service;objectClass:List<String>=\"org.dockerera.spi."
                + "scheduler.PlacementStrategy\";uses:=\"org.dockerera.spi.scheduler\",osgi.service;objectClass:"
                + "List<String>=\"org.apache.camel.builder.RouteBuilder\"")).containsExactly(Point.STRATEGY,
                Point.ROUTES);
        assertThat(PluginsComponent.offeredPoints("osgi.service;objectClass:List<String>=\"org.dockerera.api."
                + "AppService\"")).isEmpty();
        assertThat(PluginsComponent.offeredPoints(null)).isEmpty();
    }
}
