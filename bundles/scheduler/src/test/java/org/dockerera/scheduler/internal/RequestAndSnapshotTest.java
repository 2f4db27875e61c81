package org.dockerera.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dockerera.scheduler.internal.Hosts.GIB;
import static org.dockerera.scheduler.internal.Hosts.MIB;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dockerera.api.DockereraException;
import org.dockerera.spi.scheduler.Constraint;
import org.dockerera.spi.scheduler.HostSnapshot;
import org.dockerera.spi.scheduler.PlacementPlan;
import org.dockerera.spi.scheduler.PlacementRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The SPI values: validation of requests, the tentative host update, plan invariants. */
class RequestAndSnapshotTest {
    @Test
    void requestDefaultsAndBuilders() {
        PlacementRequest r = PlacementRequest.of("web", 3);
        assertThat(r.constraints()).isEmpty();
        assertThat(r.hostPort()).isZero();
        assertThat(r.distinctHosts()).isFalse();
        PlacementRequest full = r.withResources(0.5, 256 * MIB).withConstraints("env==prod", "distinct-hosts")
                .withHostPort(8080).withInstances(4);
        assertThat(full).isEqualTo(new PlacementRequest("web", 4, 0.5, 256 * MIB,
                List.of(Constraint.equal("env", "prod"), Constraint.DISTINCT_HOSTS), 8080));
        assertThat(full.distinctHosts()).isTrue();
        assertThat(new PlacementRequest("web", 1, 0, 0, null, 0).constraints()).isEmpty();
    }

    @Test
    void requestConstraintsAreCopied() {
        List<Constraint> mutable = new java.util.ArrayList<>(List.of(Constraint.equal("env", "prod")));
        PlacementRequest r = new PlacementRequest("web", 1, 0, 0, mutable, 0);
        mutable.clear();
        assertThat(r.constraints()).hasSize(1);
    }

    @Test
    void badRequestsAre422s() {
        invalid(() -> PlacementRequest.of(" ", 1), "invalid-placement", "placement needs an app name");
        invalid(() -> PlacementRequest.of(null, 1), "invalid-placement", "placement needs an app name");
        invalid(() -> PlacementRequest.of("web", -1), "invalid-placement", "instances of web must be 0 or more, got -1");
        invalid(() -> PlacementRequest.of("web", 1).withResources(-0.5, 0), "invalid-placement",
                "CPU request of web must be 0 or a positive number, got -0.5");
        invalid(() -> PlacementRequest.of("web", 1).withResources(Double.NaN, 0), "invalid-placement",
                "CPU request of web must be 0 or a positive number, got NaN");
        invalid(() -> PlacementRequest.of("web", 1).withResources(Double.POSITIVE_INFINITY, 0), "invalid-placement",
                "CPU request of web must be 0 or a positive number, got Infinity");
        invalid(() -> PlacementRequest.of("web", 1).withResources(0, -1), "invalid-placement",
                "memory request of web must be 0 or more bytes, got -1");
        invalid(() -> PlacementRequest.of("web", 1).withHostPort(65536), "invalid-placement",
                "host port of web must be between 1 and 65535 (0 = none), got 65536");
        invalid(() -> PlacementRequest.of("web", 1).withHostPort(-1), "invalid-placement",
                "host port of web must be between 1 and 65535 (0 = none), got -1");
        invalid(() -> PlacementRequest.of("web", 1).withConstraints("env=prod"), "invalid-constraint",
                "constraint 'env=prod' has no operator: write key==value, key!=value or distinct-hosts (e.g. env==prod)");
    }

    @Test
    void contradictoryConstraintsAreRefusedUpFront() {
        invalid(() -> PlacementRequest.of("web", 1).withConstraints("env==prod", "env==dev"), "invalid-constraint",
                "constraints env==prod and env==dev of web can never both hold: remove one of them");
        invalid(() -> PlacementRequest.of("web", 1).withConstraints("env!=prod", "env==prod"), "invalid-constraint",
                "constraints env==prod and env!=prod of web can never both hold: remove one of them");
        // these can hold together
        assertThat(PlacementRequest.of("web", 1).withConstraints("env==prod", "env!=dev", "env==prod", "disk==ssd")
                .constraints()).hasSize(4);
        assertThat(PlacementRequest.of("web", 1).withConstraints("env!=prod", "env!=dev").constraints()).hasSize(2);
    }

    @Test
    void placingOnAHostAccumulatesRequestsPortsAndCounts() {
        HostSnapshot h = Hosts.host("h-1", 4, 8 * GIB).withLoad(1, GIB, 1, 5);
        PlacementRequest r = PlacementRequest.of("web", 2).withResources(0.5, 256 * MIB).withHostPort(8080);
        HostSnapshot once = h.withPlaced(r);
        HostSnapshot twice = once.withPlaced(r);
        assertThat(once.requestedCpus()).isEqualTo(1.5);
        assertThat(once.requestedMemoryBytes()).isEqualTo(GIB + 256 * MIB);
        assertThat(once.usedPorts()).containsExactly(8080);
        assertThat(once.appInstances()).isEqualTo(2);
        assertThat(once.instances()).isEqualTo(6);
        assertThat(twice.requestedCpus()).isEqualTo(2.0);
        assertThat(twice.freeCpus()).isEqualTo(2.0);
        assertThat(twice.freeMemoryBytes()).isEqualTo(8 * GIB - GIB - 512 * MIB);
        assertThat(twice.appInstances()).isEqualTo(3);
        assertThat(h.requestedCpus()).as("snapshots are values").isEqualTo(1.0);
        assertThat(h.withPlaced(PlacementRequest.of("web", 1)).usedPorts()).isSameAs(h.usedPorts());
    }

    @Test
    void snapshotCopiesItsCollectionsAndRejectsNegatives() {
        Map<String, String> labels = new HashMap<>(Map.of("env", "prod"));
        Set<Integer> ports = new HashSet<>(Set.of(80));
        HostSnapshot h = new HostSnapshot("h-1", true, true, labels, 1, GIB, 0, 0, ports, 0, 0);
        labels.clear();
        ports.clear();
        assertThat(h.labels()).containsEntry("env", "prod");
        assertThat(h.usedPorts()).containsExactly(80);
        assertThat(new HostSnapshot("h-1", true, true, null, 1, GIB, 0, 0, null, 0, 0).labels()).isEmpty();
        assertThat(h.withUp(false).up()).isFalse();
        assertThat(h.withSchedulable(false).schedulable()).isFalse();
        assertThat(h.withAppInstances(3).appInstances()).isEqualTo(3);
        assertThatThrownBy(() -> new HostSnapshot("h-1", true, true, null, -1, GIB, 0, 0, null, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host h-1");
        assertThatThrownBy(() -> h.withAppInstances(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostSnapshot.of(null, Map.of(), 1, 1)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void planHasAFailureExactlyWhenIncompleteAndSortsRejections() {
        Map<String, List<String>> rejections = new HashMap<>();
        rejections.put("h-9", List.of("down"));
        rejections.put("h-1", List.of("cordoned"));
        PlacementPlan plan = new PlacementPlan("web", "spread", 3, List.of("h-2", "h-3", "h-2"), rejections, 2,
                List.of(), true, null);
        assertThat(plan.rejections().keySet()).containsExactly("h-1", "h-9");
        assertThat(plan.placed()).isEqualTo(3);
        assertThat(plan.countsByHost()).containsExactly(Map.entry("h-2", 2), Map.entry("h-3", 1));
        assertThatThrownBy(() -> new PlacementPlan("web", "spread", 1, List.of(), Map.of(), 0, List.of(), false, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PlacementPlan("web", "spread", 1, List.of("h"), Map.of(), 1, List.of(), true, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        PlacementPlan failed = PlacementPlan.failed(PlacementRequest.of("web", 2), "nope", "why");
        assertThat(failed.complete()).isFalse();
        assertThat(failed.failure()).isEqualTo("why");
        assertThat(failed.instances()).isEqualTo(2);
        assertThat(failed.assignments()).isEmpty();
    }

    private static void invalid(Executable call, String slug, String detail) {
        assertThatThrownBy(call::execute).isInstanceOfSatisfying(DockereraException.class, e -> {
            assertThat(e.kind().status()).isEqualTo(422);
            assertThat(e.slug()).isEqualTo(slug);
            assertThat(e.detail()).isEqualTo(detail);
        });
    }
}
