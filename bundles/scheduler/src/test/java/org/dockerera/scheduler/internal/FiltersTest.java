package org.dockerera.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dockerera.scheduler.internal.Hosts.GIB;
import static org.dockerera.scheduler.internal.Hosts.MIB;
import static org.dockerera.scheduler.internal.Hosts.host;

import java.util.List;
import org.dockerera.spi.scheduler.Constraint;
import org.dockerera.spi.scheduler.HostSnapshot;
import org.dockerera.spi.scheduler.PlacementRequest;
import org.junit.jupiter.api.Test;

/** Every filter, what it lets through and the reason it gives otherwise. */
class FiltersTest {
    private static final PlacementRequest WEB = PlacementRequest.of("web", 1);

    @Test
    void upRejectsADownHost() {
        assertThat(Filters.UP.reject(host("h-1"), WEB)).isNull();
        assertThat(Filters.UP.reject(host("h-1").withUp(false), WEB)).isEqualTo("down");
        assertThat(Filters.UP.category()).isEqualTo(Category.DOWN);
    }

    @Test
    void schedulableRejectsACordonedHost() {
        assertThat(Filters.SCHEDULABLE.reject(host("h-1"), WEB)).isNull();
        assertThat(Filters.SCHEDULABLE.reject(host("h-1").withSchedulable(false), WEB)).isEqualTo("cordoned");
        assertThat(Filters.SCHEDULABLE.category()).isEqualTo(Category.CORDONED);
    }

    @Test
    void constraintFilterGivesTheLabelItSaw() {
        Filter eq = Filters.constraint(Constraint.parse("env==prod"));
        assertThat(eq.category()).isEqualTo(Category.CONSTRAINT);
        assertThat(eq.reject(host("h-1", "env=prod"), WEB)).isNull();
        assertThat(eq.reject(host("h-1", "env=dev"), WEB)).isEqualTo("constraint env==prod: label env is 'dev'");
        assertThat(eq.reject(host("h-1"), WEB)).isEqualTo("constraint env==prod: no label env");
        Filter ne = Filters.constraint(Constraint.parse("disk!=hdd"));
        assertThat(ne.reject(host("h-1", "disk=ssd"), WEB)).isNull();
        assertThat(ne.reject(host("h-1"), WEB)).isNull();
        assertThat(ne.reject(host("h-1", "disk=hdd"), WEB)).isEqualTo("constraint disk!=hdd: label disk is 'hdd'");
    }

    @Test
    void distinctHostsRejectsAHostThatRunsTheAppAlready() {
        assertThat(Filters.DISTINCT_HOSTS.reject(host("h-1"), WEB)).isNull();
        assertThat(Filters.DISTINCT_HOSTS.reject(host("h-1").withAppInstances(1), WEB))
                .isEqualTo("distinct-hosts: already runs 1 instance of web");
        assertThat(Filters.DISTINCT_HOSTS.reject(host("h-1").withAppInstances(2), WEB))
                .isEqualTo("distinct-hosts: already runs 2 instances of web");
        assertThat(Filters.DISTINCT_HOSTS.category()).isEqualTo(Category.DISTINCT_HOSTS);
    }

    @Test
    void cpuExactFitPassesAndAnyMoreIsRejected() {
        HostSnapshot h = host("h-1", 2, GIB).withLoad(1.5, 0, 0, 3);
        assertThat(Filters.CPU.reject(h, WEB.withResources(0.5, 0))).isNull();
        assertThat(Filters.CPU.reject(h, WEB.withResources(0.501, 0))).isEqualTo("needs 0.501 CPU, 0.5 free of 2");
        assertThat(Filters.CPU.reject(host("h-1", 2, GIB).withLoad(1.75, 0, 0, 1), WEB.withResources(0.5, 0)))
                .isEqualTo("needs 0.5 CPU, 0.25 free of 2");
        assertThat(Filters.CPU.category()).isEqualTo(Category.RESOURCES);
    }

    @Test
    void cpuSumsToleranceKeepsDecimalFractionsExact() {
        // 0.1 + 0.2 is 0.30000000000000004 in doubles; a 0.4 CPU host still fits another 0.1
        HostSnapshot h = host("h-1", 0.4, GIB).withLoad(0.1 + 0.2, 0, 0, 2);
        assertThat(Filters.CPU.reject(h, WEB.withResources(0.1, 0))).isNull();
        assertThat(Filters.CPU.reject(h, WEB.withResources(0.11, 0))).isEqualTo("needs 0.11 CPU, 0.1 free of 0.4");
    }

    @Test
    void memoryExactFitPassesAndOneByteOverIsRejected() {
        HostSnapshot h = host("h-1", 2, GIB).withLoad(0, 512 * MIB, 0, 1);
        assertThat(Filters.MEMORY.reject(h, WEB.withResources(0, 512 * MIB))).isNull();
        assertThat(Filters.MEMORY.reject(h, WEB.withResources(0, 512 * MIB + 1)))
                .isEqualTo("needs 536870913 bytes memory, 512 MiB free of 1 GiB");
        assertThat(Filters.MEMORY.reject(host("h-1", 2, GIB), WEB.withResources(0, GIB + 1)))
                .isEqualTo("needs 1073741825 bytes memory, 1 GiB free of 1 GiB");
        assertThat(Filters.MEMORY.category()).isEqualTo(Category.RESOURCES);
    }

    @Test
    void overcommittedHostShowsNothingFree() {
        HostSnapshot h = host("h-1", 2, GIB).withLoad(3, 2 * GIB, 0, 4);
        assertThat(Filters.CPU.reject(h, WEB.withResources(0.5, 0))).isEqualTo("needs 0.5 CPU, 0 free of 2");
        assertThat(Filters.MEMORY.reject(h, WEB.withResources(0, MIB))).isEqualTo("needs 1 MiB memory, 0 bytes free of 1 GiB");
    }

    @Test
    void portRejectsAHostThatPublishesItAlready() {
        HostSnapshot h = Hosts.withPorts(host("h-1"), 8080, 9000);
        assertThat(Filters.PORT.reject(h, WEB.withHostPort(8080))).isEqualTo("port 8080 already published");
        assertThat(Filters.PORT.reject(h, WEB.withHostPort(8081))).isNull();
        assertThat(Filters.PORT.category()).isEqualTo(Category.PORT);
    }

    @Test
    void chainHasOnlyTheFiltersTheRequestNeeds() {
        assertThat(Filters.chain(WEB)).containsExactly(Filters.UP, Filters.SCHEDULABLE);
        List<Filter> full = Filters.chain(WEB.withResources(0.5, MIB).withHostPort(80)
                .withConstraints("env==prod", "distinct-hosts", "disk!=hdd"));
        assertThat(full).hasSize(8);
        assertThat(full.subList(0, 2)).containsExactly(Filters.UP, Filters.SCHEDULABLE);
        assertThat(full.get(2).reject(host("h", "env=dev"), WEB)).isEqualTo("constraint env==prod: label env is 'dev'");
        assertThat(full.get(3).reject(host("h", "disk=hdd"), WEB)).isEqualTo("constraint disk!=hdd: label disk is 'hdd'");
        assertThat(full.subList(4, 8)).containsExactly(Filters.DISTINCT_HOSTS, Filters.CPU, Filters.MEMORY, Filters.PORT);
    }

    @Test
    void requestsOfZeroAreNotCheckedEvenOnAnOvercommittedHost() {
        HostSnapshot h = host("h-1", 2, GIB).withLoad(3, 2 * GIB, 0, 4);
        for (Filter f : Filters.chain(WEB)) {
            assertThat(f.reject(h, WEB)).isNull();
        }
    }

    @Test
    void numbersInReasonsAreExact() {
        assertThat(Format.cpus(0.25)).isEqualTo("0.25");
        assertThat(Format.cpus(2.0)).isEqualTo("2");
        assertThat(Format.cpus(0)).isEqualTo("0");
        assertThat(Format.cpus(0.1 + 0.2)).isEqualTo("0.3");
        assertThat(Format.cpus(16)).isEqualTo("16");
        assertThat(Format.bytes(0)).isEqualTo("0 bytes");
        assertThat(Format.bytes(1)).isEqualTo("1 byte");
        assertThat(Format.bytes(1536)).isEqualTo("1536 bytes");
        assertThat(Format.bytes(2048)).isEqualTo("2 KiB");
        assertThat(Format.bytes(256 * MIB)).isEqualTo("256 MiB");
        assertThat(Format.bytes(1536 * MIB)).isEqualTo("1536 MiB");
        assertThat(Format.bytes(64 * GIB)).isEqualTo("64 GiB");
    }
}
