package org.dockerera.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dockerera.scheduler.internal.Hosts.GIB;
import static org.dockerera.scheduler.internal.Hosts.MIB;
import static org.dockerera.scheduler.internal.Hosts.host;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.dockerera.spi.scheduler.HostSnapshot;
import org.dockerera.spi.scheduler.PlacementPlan;
import org.dockerera.spi.scheduler.PlacementRequest;
import org.dockerera.spi.scheduler.PlacementStrategy;
import org.junit.jupiter.api.Test;

/** The placement function with plain values: filters, anti-affinity, strategies, incremental state, failures. */
class PlacerTest {
    private static final PlacementStrategy SPREAD = new SpreadStrategy();
    private static final PlacementStrategy BINPACK = new BinpackStrategy();

    private static PlacementPlan spread(PlacementRequest request, HostSnapshot... hosts) {
        return Placer.place(request, List.of(hosts), "spread", SPREAD);
    }

    private static PlacementPlan binpack(PlacementRequest request, HostSnapshot... hosts) {
        return Placer.place(request, List.of(hosts), "binpack", BINPACK);
    }

    @Test
    void zeroHostsFailsSayingToAddOne() {
        PlacementPlan plan = spread(PlacementRequest.of("web", 2));
        assertThat(plan.complete()).isFalse();
        assertThat(plan.assignments()).isEmpty();
        assertThat(plan.rejections()).isEmpty();
        assertThat(plan.feasibleHosts()).isZero();
        assertThat(plan.failure()).isEqualTo("placed 0 of 2 instances of web: no hosts are registered; add a Docker host first");
        assertThat(plan.app()).isEqualTo("web");
        assertThat(plan.strategy()).isEqualTo("spread");
        assertThat(plan.instances()).isEqualTo(2);
    }

    @Test
    void zeroInstancesIsCompleteAndStillExplainsTheHosts() {
        PlacementPlan plan = spread(PlacementRequest.of("web", 0), host("h-1"), host("h-2").withUp(false));
        assertThat(plan.complete()).isTrue();
        assertThat(plan.failure()).isNull();
        assertThat(plan.assignments()).isEmpty();
        assertThat(plan.notes()).isEmpty();
        assertThat(plan.rejections()).containsExactly(Map.entry("h-2", List.of("down")));
        assertThat(plan.feasibleHosts()).isEqualTo(1);
        assertThat(spread(PlacementRequest.of("web", 0)).complete()).as("even with no hosts").isTrue();
    }

    @Test
    void allHostsDown() {
        PlacementPlan plan = spread(PlacementRequest.of("web", 2), host("h-1").withUp(false), host("h-2").withUp(false),
                host("h-3").withUp(false));
        assertThat(plan.complete()).isFalse();
        assertThat(plan.assignments()).isEmpty();
        assertThat(plan.rejections()).containsOnlyKeys("h-1", "h-2", "h-3").allSatisfy((id, why) -> assertThat(why)
                .containsExactly("down"));
        assertThat(plan.failure())
                .isEqualTo("placed 0 of 2 instances of web: no host can take any (3 down); add hosts or bring the down hosts back");
    }

    @Test
    void spreadAndBinpackPlaceDifferentlyOnUnequalHosts() {
        HostSnapshot small = host("small", 2, 4 * GIB);
        HostSnapshot medium = host("medium", 4, 8 * GIB);
        HostSnapshot large = host("large", 8, 16 * GIB);
        PlacementRequest r = PlacementRequest.of("web", 2).withResources(0.5, 512 * MIB);
        assertThat(spread(r, small, medium, large).assignments()).containsExactly("large", "medium");
        assertThat(binpack(r, small, medium, large).assignments()).containsExactly("small", "medium");
    }

    @Test
    void spreadAndBinpackDifferOnUnequalHostsEvenWithoutRequests() {
        HostSnapshot small = host("small", 2, 4 * GIB);
        HostSnapshot medium = host("medium", 4, 8 * GIB);
        HostSnapshot large = host("large", 8, 16 * GIB);
        PlacementRequest r = PlacementRequest.of("web", 2);
        assertThat(spread(r, small, medium, large).assignments()).containsExactly("large", "medium");
        assertThat(binpack(r, small, medium, large).assignments()).containsExactly("small", "medium");
    }

    @Test
    void spreadPicksTheLeastLoadedAndBinpackTheMostLoadedThatFits() {
        HostSnapshot busy = host("h-1", 4, 8 * GIB).withLoad(3, 4 * GIB, 0, 6);
        HostSnapshot idle = host("h-2", 4, 8 * GIB);
        HostSnapshot full = host("h-0", 4, 8 * GIB).withLoad(3.75, 0, 0, 7);
        PlacementRequest r = PlacementRequest.of("web", 1).withResources(0.5, 256 * MIB);
        assertThat(spread(r, busy, idle, full).assignments()).containsExactly("h-2");
        PlacementPlan packed = binpack(r, busy, idle, full);
        assertThat(packed.assignments()).containsExactly("h-1");
        assertThat(packed.rejections()).containsExactly(Map.entry("h-0", List.of("needs 0.5 CPU, 0.25 free of 4")));
    }

    @Test
    void spreadSpreadsAppsWithoutRequestsByInstanceCount() {
        HostSnapshot crowded = host("h-1").withLoad(0, 0, 0, 5);
        HostSnapshot quiet = host("h-2").withLoad(0, 0, 0, 1);
        assertThat(spread(PlacementRequest.of("web", 1), crowded, quiet).assignments()).containsExactly("h-2");
        assertThat(binpack(PlacementRequest.of("web", 1), crowded, quiet).assignments()).containsExactly("h-1");
    }

    @Test
    void hostsWithoutKnownCapacityStillSpreadByInstanceCount() {
        HostSnapshot a = host("h-1", 0, 0).withLoad(0, 0, 0, 3);
        HostSnapshot b = host("h-2", 0, 0).withLoad(0, 0, 0, 2);
        assertThat(spread(PlacementRequest.of("web", 1), a, b).assignments()).containsExactly("h-2");
        assertThat(binpack(PlacementRequest.of("web", 1), a, b).assignments()).containsExactly("h-1");
    }

    @Test
    void randomIsReproducibleWithASeedAndOnlyUsesFeasibleHosts() {
        List<HostSnapshot> hosts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            HostSnapshot h = host(String.format("h-%02d", i));
            hosts.add(i % 2 == 0 ? h : h.withUp(false));
        }
        PlacementRequest r = PlacementRequest.of("web", 4);
        PlacementPlan one = Placer.place(r, hosts, "random", new RandomStrategy(42));
        PlacementPlan again = Placer.place(r, hosts, "random", new RandomStrategy(42));
        assertThat(again).isEqualTo(one);
        assertThat(one.complete()).isTrue();
        assertThat(new HashSet<>(one.assignments())).hasSize(4);
        assertThat(one.assignments()).allSatisfy(id -> assertThat(Integer.parseInt(id.substring(2)) % 2).isZero());
        assertThat(one.rejections()).hasSize(10);
        Set<List<String>> differentSeeds = new HashSet<>();
        for (long seed = 1; seed <= 10; seed++) {
            differentSeeds.add(Placer.place(r, hosts, "random", new RandomStrategy(seed)).assignments());
        }
        assertThat(differentSeeds).as("random is not a fixed order").hasSizeGreaterThan(1);
    }

    @Test
    void randomStillSpreadsInstancesOfOneAppFirst() {
        List<HostSnapshot> hosts = List.of(host("h-1"), host("h-2"), host("h-3"));
        for (long seed = 0; seed < 20; seed++) {
            PlacementPlan plan = Placer.place(PlacementRequest.of("web", 3), hosts, "random", new RandomStrategy(seed));
            assertThat(plan.assignments()).containsExactlyInAnyOrder("h-1", "h-2", "h-3");
        }
    }

    @Test
    void distinctHostsWhileThereAreEnoughForEveryStrategy() {
        List<HostSnapshot> hosts = List.of(host("h-1", 8, 16 * GIB), host("h-2", 2, GIB), host("h-3"), host("h-4"),
                host("h-5", 1, GIB));
        PlacementRequest r = PlacementRequest.of("web", 5).withResources(0.25, 64 * MIB);
        for (PlacementStrategy s : List.of(SPREAD, BINPACK, new RandomStrategy(7))) {
            PlacementPlan plan = Placer.place(r, hosts, "s", s);
            assertThat(plan.assignments()).containsExactlyInAnyOrder("h-1", "h-2", "h-3", "h-4", "h-5");
            assertThat(plan.notes()).isEmpty();
            assertThat(plan.complete()).isTrue();
        }
    }

    @Test
    void colocatesOnlyWhenThereAreNotEnoughFeasibleHostsAndSaysSo() {
        PlacementPlan plan = spread(PlacementRequest.of("web", 3), host("h-1"), host("h-2"), host("h-3").withUp(false));
        assertThat(plan.complete()).isTrue();
        assertThat(plan.assignments()).containsExactly("h-1", "h-2", "h-1");
        assertThat(plan.notes()).containsExactly("colocated 2 instances of web on h-1: only 2 feasible hosts for 3 instances");
        assertThat(plan.rejections()).containsExactly(Map.entry("h-3", List.of("down")));
    }

    @Test
    void colocatesAllOnTheOnlyFeasibleHost() {
        PlacementPlan plan = binpack(PlacementRequest.of("web", 3), host("h-1"), host("h-2").withSchedulable(false));
        assertThat(plan.complete()).isTrue();
        assertThat(plan.assignments()).containsExactly("h-1", "h-1", "h-1");
        assertThat(plan.notes()).containsExactly("colocated 3 instances of web on h-1: only 1 feasible host for 3 instances");
        assertThat(plan.feasibleHosts()).isEqualTo(1);
    }

    @Test
    void colocationNoteCountsInstancesAlreadyRunning() {
        // scale 2 -> 4 on three hosts: the two new ones go to the empty host, then next to an existing one
        PlacementPlan plan = spread(PlacementRequest.of("web", 2), host("h-1").withAppInstances(1),
                host("h-2").withAppInstances(1), host("h-3"));
        assertThat(plan.assignments()).containsExactly("h-3", "h-1");
        assertThat(plan.notes()).containsExactly("colocated 2 instances of web on h-1: only 3 feasible hosts for 4 instances");
    }

    @Test
    void distinctHostsMakesSpreadingStrict() {
        PlacementPlan plan = spread(PlacementRequest.of("web", 3).withConstraints("distinct-hosts"), host("h-1"), host("h-2"));
        assertThat(plan.complete()).isFalse();
        assertThat(plan.assignments()).containsExactly("h-1", "h-2");
        assertThat(plan.notes()).isEmpty();
        assertThat(plan.failure()).isEqualTo("placed 2 of 3 instances of web: no host can take another (2 already running one "
                + "(distinct-hosts)); add hosts or drop the distinct-hosts constraint");
    }

    @Test
    void distinctHostsRejectsHostsThatRunTheAppAlready() {
        PlacementPlan plan = spread(PlacementRequest.of("web", 2).withConstraints("distinct-hosts"),
                host("h-1").withAppInstances(1), host("h-2"));
        assertThat(plan.assignments()).containsExactly("h-2");
        assertThat(plan.rejections()).containsExactly(Map.entry("h-1", List.of("distinct-hosts: already runs 1 instance of web")));
        assertThat(plan.failure()).isEqualTo("placed 1 of 2 instances of web: no host can take another (2 already running one "
                + "(distinct-hosts)); add hosts or drop the distinct-hosts constraint");
    }

    @Test
    void antiAffinityComesBeforeTheStrategy() {
        // binpack would love the busy h-1, but it already runs web
        HostSnapshot busy = host("h-1", 4, 8 * GIB).withLoad(2, 2 * GIB, 1, 4);
        PlacementPlan plan = binpack(PlacementRequest.of("web", 1).withResources(0.5, 0), busy, host("h-2"), host("h-3"));
        assertThat(plan.assignments()).containsExactly("h-2");
    }

    @Test
    void requestsAccumulateAcrossTheInstancesOfOneRequest() {
        PlacementPlan plan = spread(PlacementRequest.of("web", 5).withResources(1, 0), host("h-1", 2, GIB),
                host("h-2", 2, GIB));
        assertThat(plan.assignments()).containsExactly("h-1", "h-2", "h-1", "h-2");
        assertThat(plan.complete()).isFalse();
        assertThat(plan.notes()).containsExactly(
                "colocated 2 instances of web on h-1: only 2 feasible hosts for 5 instances",
                "colocated 2 instances of web on h-2: only 2 feasible hosts for 5 instances",
                "h-1 can take no more after 2 new instances: needs 1 CPU, 0 free of 2",
                "h-2 can take no more after 2 new instances: needs 1 CPU, 0 free of 2");
        assertThat(plan.failure()).isEqualTo("placed 4 of 5 instances of web: no host can take another (2 without enough free "
                + "CPU or memory); add hosts or lower the CPU/memory requests");
    }

    @Test
    void memoryAccumulatesToAnExactFit() {
        PlacementPlan plan = spread(PlacementRequest.of("web", 3).withResources(0, 512 * MIB), host("h-1", 1, GIB));
        assertThat(plan.assignments()).containsExactly("h-1", "h-1");
        assertThat(plan.notes()).contains("h-1 can take no more after 2 new instances: needs 512 MiB memory, 0 bytes free of 1 GiB");
        assertThat(spread(PlacementRequest.of("web", 2).withResources(0, 512 * MIB), host("h-1", 1, GIB)).complete()).isTrue();
    }

    @Test
    void binpackFillsOneHostBeforeTheNextAcrossInstances() {
        // anti-affinity first, then binpack's preference for the fuller host
        PlacementPlan plan = binpack(PlacementRequest.of("web", 4).withResources(1, 0), host("h-a", 2, 8 * GIB),
                host("h-b", 4, 8 * GIB));
        assertThat(plan.assignments()).containsExactly("h-a", "h-b", "h-a", "h-b");
        PlacementPlan spread = spread(PlacementRequest.of("web", 4).withResources(1, 0), host("h-a", 2, 8 * GIB),
                host("h-b", 4, 8 * GIB));
        assertThat(spread.assignments()).containsExactly("h-b", "h-a", "h-b", "h-a");
    }

    @Test
    void aFixedHostPortAllowsOneInstancePerHost() {
        PlacementPlan plan = spread(PlacementRequest.of("web", 3).withHostPort(8080), host("h-1"), host("h-2"),
                Hosts.withPorts(host("h-3"), 8080));
        assertThat(plan.assignments()).containsExactly("h-1", "h-2");
        assertThat(plan.rejections()).containsExactly(Map.entry("h-3", List.of("port 8080 already published")));
        assertThat(plan.notes()).containsExactly("h-1 can take no more after 1 new instance: port 8080 already published",
                "h-2 can take no more after 1 new instance: port 8080 already published");
        assertThat(plan.failure()).isEqualTo("placed 2 of 3 instances of web: no host can take another (3 with port 8080 "
                + "already published); add hosts or publish another host port");
    }

    @Test
    void tiesGoToTheSmallerHostIdWhateverTheInputOrder() {
        HostSnapshot[] hosts = {host("h-3"), host("h-1"), host("h-2")};
        assertThat(spread(PlacementRequest.of("web", 2), hosts).assignments()).containsExactly("h-1", "h-2");
        assertThat(binpack(PlacementRequest.of("web", 2), hosts).assignments()).containsExactly("h-1", "h-2");
        assertThat(spread(PlacementRequest.of("web", 4), hosts).assignments()).containsExactly("h-1", "h-2", "h-3", "h-1");
    }

    @Test
    void everyRejectedHostCarriesAllItsReasons() {
        PlacementRequest r = PlacementRequest.of("web", 2).withResources(0.5, 512 * MIB).withHostPort(8080)
                .withConstraints("env==prod", "disk!=hdd");
        HostSnapshot[] hosts = {
                host("a-down", "env=prod").withUp(false),
                host("b-cordoned", "env=prod").withSchedulable(false),
                host("c-dev", "env=dev"),
                host("d-nolabel"),
                host("e-hdd", "env=prod", "disk=hdd"),
                host("f-cpu", 1, 8 * GIB, "env=prod").withLoad(0.75, 0, 0, 3),
                host("g-mem", 4, 8 * GIB, "env=prod").withLoad(0, 8 * GIB - 256 * MIB, 0, 9),
                Hosts.withPorts(host("h-port", "env=prod"), 8080),
                Hosts.withPorts(host("i-all", 1, 8 * GIB, "env=dev", "disk=hdd"), 8080).withLoad(0.75, 0, 0, 1)
                        .withUp(false).withSchedulable(false),
                host("j-good", "env=prod", "disk=ssd"),
                host("k-good", "env=prod"),
        };
        PlacementPlan plan = spread(r, hosts);
        assertThat(plan.complete()).isTrue();
        assertThat(plan.assignments()).containsExactly("j-good", "k-good");
        assertThat(plan.feasibleHosts()).isEqualTo(2);
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("a-down", List.of("down"));
        expected.put("b-cordoned", List.of("cordoned"));
        expected.put("c-dev", List.of("constraint env==prod: label env is 'dev'"));
        expected.put("d-nolabel", List.of("constraint env==prod: no label env"));
        expected.put("e-hdd", List.of("constraint disk!=hdd: label disk is 'hdd'"));
        expected.put("f-cpu", List.of("needs 0.5 CPU, 0.25 free of 1"));
        expected.put("g-mem", List.of("needs 512 MiB memory, 256 MiB free of 8 GiB"));
        expected.put("h-port", List.of("port 8080 already published"));
        expected.put("i-all", List.of("down", "cordoned", "constraint env==prod: label env is 'dev'",
                "constraint disk!=hdd: label disk is 'hdd'", "needs 0.5 CPU, 0.25 free of 1", "port 8080 already published"));
        assertThat(plan.rejections()).containsExactlyEntriesOf(expected);

        PlacementPlan tooMany = spread(r.withInstances(3), hosts);
        assertThat(tooMany.assignments()).containsExactly("j-good", "k-good");
        assertThat(tooMany.rejections()).containsExactlyEntriesOf(expected);
        assertThat(tooMany.failure()).isEqualTo("placed 2 of 3 instances of web: no host can take another (2 down, "
                + "1 cordoned, 3 ruled out by constraints, 2 without enough free CPU or memory, 3 with port 8080 already "
                + "published); add hosts, bring the down hosts back, uncordon hosts, relax the constraints, lower the "
                + "CPU/memory requests or publish another host port");
    }

    @Test
    void failureCountsEachHostOnceByItsFirstReason() {
        PlacementPlan plan = spread(PlacementRequest.of("web", 1).withConstraints("env==prod"), host("a").withUp(false),
                host("b").withSchedulable(false), host("c", "env=dev"));
        assertThat(plan.failure()).isEqualTo("placed 0 of 1 instance of web: no host can take any (1 down, 1 cordoned, "
                + "1 ruled out by constraints); add hosts, bring the down hosts back, uncordon hosts or relax the constraints");
        assertThat(plan.rejections().get("a")).containsExactly("down", "constraint env==prod: no label env");
    }

    @Test
    void aStrategyAnsweringNaNRanksLast() {
        PlacementStrategy nanForH1 = (h, r) -> h.id().equals("h-1") ? Double.NaN : 0;
        PlacementPlan plan = Placer.place(PlacementRequest.of("web", 1), List.of(host("h-1"), host("h-2")), "odd", nanForH1);
        assertThat(plan.assignments()).containsExactly("h-2");
    }

    @Test
    void theStrategySeesTheTentativeStateOfEachHost() {
        List<String> seen = new ArrayList<>();
        PlacementStrategy recording = (h, r) -> {
            seen.add(h.id() + ":" + h.appInstances() + ":" + h.requestedCpus() + ":" + h.instances());
            return 0;
        };
        Placer.place(PlacementRequest.of("web", 3).withResources(0.5, 0), List.of(host("h-1"), host("h-2")), "rec", recording);
        assertThat(seen).containsExactly("h-1:0:0.0:0", "h-2:0:0.0:0", "h-1:1:0.5:1", "h-2:1:0.5:1");
    }

    @Test
    void inputOrderDoesNotChangeThePlan() {
        Random random = new Random(3);
        for (int round = 0; round < 50; round++) {
            List<HostSnapshot> hosts = randomHosts(random, 1 + random.nextInt(15));
            PlacementRequest r = randomRequest(random);
            List<HostSnapshot> shuffled = new ArrayList<>(hosts);
            Collections.shuffle(shuffled, random);
            for (PlacementStrategy s : List.of(SPREAD, BINPACK)) {
                assertThat(Placer.place(r, shuffled, "s", s)).isEqualTo(Placer.place(r, hosts, "s", s));
            }
        }
    }

    /** The bounded candidate selection gives exactly what re-ranking every host for every instance gives. */
    @Test
    void matchesANaiveReferenceOnManyRandomCases() {
        Random random = new Random(20240601);
        for (int round = 0; round < 1000; round++) {
            List<HostSnapshot> hosts = randomHosts(random, random.nextInt(25));
            PlacementRequest r = randomRequest(random);
            for (PlacementStrategy s : List.of(SPREAD, BINPACK)) {
                PlacementPlan plan = Placer.place(r, hosts, "s", s);
                List<String> expected = naive(r, hosts, s);
                assertThat(plan.assignments()).as("round %d, %s, %s on %s", round, s, r, hosts).isEqualTo(expected);
                assertThat(plan.complete()).isEqualTo(expected.size() == r.instances());
                assertThat(plan.rejections().size() + plan.feasibleHosts()).isEqualTo(hosts.size());
            }
        }
    }

    private static List<String> naive(PlacementRequest r, List<HostSnapshot> hosts, PlacementStrategy s) {
        List<Filter> chain = Filters.chain(r);
        Map<String, HostSnapshot> state = new TreeMap<>();
        for (HostSnapshot h : hosts) {
            if (chain.stream().allMatch(f -> f.reject(h, r) == null)) {
                state.put(h.id(), h);
            }
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < r.instances(); i++) {
            HostSnapshot best = null;
            double bestScore = 0;
            for (HostSnapshot h : state.values()) {
                if (chain.stream().anyMatch(f -> f.reject(h, r) != null)) {
                    continue;
                }
                double score = s.score(h, r);
                if (best == null || h.appInstances() < best.appInstances()
                        || h.appInstances() == best.appInstances() && score > bestScore) {
                    best = h;
                    bestScore = score;
                }
            }
            if (best == null) {
                break;
            }
            out.add(best.id());
            state.put(best.id(), best.withPlaced(r));
        }
        return out;
    }

    static List<HostSnapshot> randomHosts(Random random, int count) {
        List<HostSnapshot> hosts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double cpus = new double[]{0, 1, 2, 4, 8}[random.nextInt(5)];
            long mem = new long[]{0, GIB, 2 * GIB, 8 * GIB}[random.nextInt(4)];
            HostSnapshot h = host("h-" + i, cpus, mem, random.nextInt(3) == 0 ? "env=dev" : "env=prod",
                    random.nextBoolean() ? "disk=ssd" : "disk=hdd");
            h = h.withLoad(cpus * random.nextInt(4) / 4, mem * random.nextInt(4) / 4, random.nextInt(3), random.nextInt(10));
            if (random.nextInt(10) == 0) {
                h = h.withUp(false);
            }
            if (random.nextInt(10) == 0) {
                h = h.withSchedulable(false);
            }
            if (random.nextInt(5) == 0) {
                h = h.withUsedPorts(Set.of(8080));
            }
            hosts.add(h);
        }
        return hosts;
    }

    static PlacementRequest randomRequest(Random random) {
        PlacementRequest r = PlacementRequest.of("web", random.nextInt(13))
                .withResources(new double[]{0, 0.25, 0.5, 1}[random.nextInt(4)],
                        new long[]{0, 256 * MIB, GIB}[random.nextInt(3)]);
        List<String> constraints = new ArrayList<>();
        if (random.nextInt(3) == 0) {
            constraints.add("env==prod");
        }
        if (random.nextInt(4) == 0) {
            constraints.add("disk!=hdd");
        }
        if (random.nextInt(4) == 0) {
            constraints.add("distinct-hosts");
        }
        r = r.withConstraints(constraints.toArray(String[]::new));
        return random.nextInt(5) == 0 ? r.withHostPort(8080) : r;
    }
}
