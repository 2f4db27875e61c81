package org.dockerera.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.dockerera.scheduler.internal.BinpackStrategy;
import org.dockerera.scheduler.internal.Placer;
import org.dockerera.scheduler.internal.RandomStrategy;
import org.dockerera.scheduler.internal.SpreadStrategy;
import org.dockerera.spi.scheduler.HostSnapshot;
import org.dockerera.spi.scheduler.PlacementPlan;
import org.dockerera.spi.scheduler.PlacementRequest;
import org.dockerera.spi.scheduler.PlacementStrategy;

/**
 * Places every app of a simulated cluster (10 instances each), request after request, each seeing the hosts as the
 * earlier ones left them. Prints min/median/max wall time of ROUNDS runs after warm-up, per size and strategy, with
 * how much was placed, and the ratio to a reference run: one bare greedy pass over the hosts per request.
 */
public final class SchedulerBench {
    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;
    private static final int PER_APP = 10;

    private record Size(int hosts, int apps) {
        @Override
        public String toString() {
            return String.format("%,d instances on %,d hosts", apps * PER_APP, hosts);
        }
    }

    private record Outcome(long nanos, long placed, int incomplete, long rejections, int colocating) {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String only = args.length > 1 ? args[1] : "all";
        List<Size> sizes = new ArrayList<>();
        if (!only.equals("large")) {
            sizes.add(new Size(1_000, 1_000));
        }
        if (!only.equals("small")) {
            sizes.add(new Size(10_000, 10_000));
        }
        Map<String, Supplier<PlacementStrategy>> strategies = new java.util.LinkedHashMap<>();
        strategies.put("spread", SpreadStrategy::new);
        strategies.put("binpack", BinpackStrategy::new);
        strategies.put("random", () -> new RandomStrategy(7));
        if (args.length > 2) {
            strategies.keySet().retainAll(List.of(args[2].split(",")));
        }
        System.out.printf("java %s, %d CPUs, %d timed rounds after warm-up%n%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), rounds);
        for (Size size : sizes) {
            List<HostSnapshot> hosts = hosts(size.hosts(), new Random(1));
            List<PlacementRequest> requests = requests(size.apps(), new Random(2));
            // warm up (JIT) for at least 2 rounds and 5 s
            long warmEnd = System.nanoTime() + 5_000_000_000L;
            for (int i = 0; i < 2 || System.nanoTime() < warmEnd; i++) {
                reference(hosts, requests);
                for (Supplier<PlacementStrategy> s : strategies.values()) {
                    run(hosts, requests, s.get());
                }
            }
            List<Double> ref = new ArrayList<>();
            Map<String, List<Double>> times = new java.util.LinkedHashMap<>();
            Map<String, Outcome> last = new HashMap<>();
            for (int r = 0; r < rounds; r++) {
                ref.add(reference(hosts, requests) / 1e6);
                for (Map.Entry<String, Supplier<PlacementStrategy>> e : strategies.entrySet()) {
                    Outcome o = run(hosts, requests, e.getValue().get());
                    times.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(o.nanos() / 1e6);
                    last.put(e.getKey(), o);
                }
            }
            System.out.println(size + " (" + size.apps() + " requests of " + PER_APP + "):");
            print("reference: bare greedy pass per request", ref, "");
            for (Map.Entry<String, List<Double>> e : times.entrySet()) {
                Outcome o = last.get(e.getKey());
                double median = median(e.getValue());
                print(e.getKey(), e.getValue(), String.format("x%.1f of reference; %,d placed, %d plans incomplete, "
                                + "%,d host rejections explained, %d plans colocating; %,.0f instances/s",
                        median / median(ref), o.placed(), o.incomplete(), o.rejections(), o.colocating(),
                        o.placed() / (median / 1e3)));
            }
            System.out.println();
        }
    }

    /** Simulated hosts: mixed sizes and labels, a few down or cordoned, some ports taken, light existing load. */
    static List<HostSnapshot> hosts(int count, Random random) {
        List<HostSnapshot> hosts = new ArrayList<>(count);
        double[] cpus = {2, 4, 8, 16};
        long[] memory = {4 * GIB, 8 * GIB, 16 * GIB, 32 * GIB};
        for (int i = 0; i < count; i++) {
            int size = random.nextInt(4);
            Map<String, String> labels = Map.of("env", random.nextInt(10) < 7 ? "prod" : "dev",
                    "disk", random.nextBoolean() ? "ssd" : "hdd", "zone", "z" + random.nextInt(3));
            HostSnapshot h = HostSnapshot.of(String.format("host-%05d", i), labels, cpus[size], memory[size])
                    .withLoad(cpus[size] * random.nextInt(3) / 8, memory[size] * random.nextInt(3) / 8, 0,
                            random.nextInt(5));
            if (random.nextInt(100) < 2) {
                h = h.withUp(false);
            } else if (random.nextInt(100) < 1) {
                h = h.withSchedulable(false);
            }
            if (random.nextInt(10) == 0) {
                h = h.withUsedPorts(Set.of(8000 + random.nextInt(50)));
            }
            hosts.add(h);
        }
        Collections.shuffle(hosts, random);
        return hosts;
    }

    /** One request per app: mixed requests, some constraints, distinct-hosts and fixed ports. */
    static List<PlacementRequest> requests(int apps, Random random) {
        double[] cpus = {0, 0.25, 0.5, 1};
        long[] memory = {0, 256 * MIB, 512 * MIB, GIB};
        List<PlacementRequest> out = new ArrayList<>(apps);
        for (int a = 0; a < apps; a++) {
            List<String> constraints = new ArrayList<>();
            if (random.nextInt(5) == 0) {
                constraints.add("env==prod");
            }
            if (random.nextInt(10) == 0) {
                constraints.add("disk!=hdd");
            }
            if (random.nextInt(20) == 0) {
                constraints.add("distinct-hosts");
            }
            PlacementRequest r = PlacementRequest.of("app-" + a + ".test", PER_APP)
                    .withResources(cpus[random.nextInt(4)], memory[random.nextInt(4)])
                    .withConstraints(constraints.toArray(String[]::new));
            out.add(random.nextInt(20) == 0 ? r.withHostPort(8000 + random.nextInt(50)) : r);
        }
        return out;
    }

    /** Every request against the hosts as the earlier ones left them; the time includes updating the snapshots. */
    static Outcome run(List<HostSnapshot> initial, List<PlacementRequest> requests, PlacementStrategy strategy) {
        HostSnapshot[] hosts = initial.toArray(HostSnapshot[]::new);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < hosts.length; i++) {
            index.put(hosts[i].id(), i);
        }
        List<HostSnapshot> view = Arrays.asList(hosts);
        long placed = 0;
        long rejections = 0;
        int incomplete = 0;
        int colocating = 0;
        long t0 = System.nanoTime();
        for (PlacementRequest r : requests) {
            PlacementPlan plan = Placer.place(r, view, "bench", strategy);
            for (String id : plan.assignments()) {
                int i = index.get(id);
                hosts[i] = hosts[i].withPlaced(r);
            }
            for (String id : plan.assignments()) {
                int i = index.get(id);
                if (hosts[i].appInstances() != 0) {
                    hosts[i] = hosts[i].withAppInstances(0); // the next request is another app
                }
            }
            placed += plan.placed();
            rejections += plan.rejections().size();
            incomplete += plan.complete() ? 0 : 1;
            colocating += plan.notes().isEmpty() ? 0 : 1;
        }
        return new Outcome(System.nanoTime() - t0, placed, incomplete, rejections, colocating);
    }

    /**
     * The floor: per request one pass over every host with a fit check (up, schedulable, free CPU and memory), keeping
     * the one with the most free CPU, which takes all the request's instances. No constraints, reasons or ranking.
     */
    static long reference(List<HostSnapshot> initial, List<PlacementRequest> requests) {
        int n = initial.size();
        boolean[] ok = new boolean[n];
        double[] freeCpu = new double[n];
        long[] freeMem = new long[n];
        for (int i = 0; i < n; i++) {
            HostSnapshot h = initial.get(i);
            ok[i] = h.up() && h.schedulable();
            freeCpu[i] = h.freeCpus();
            freeMem[i] = h.freeMemoryBytes();
        }
        long t0 = System.nanoTime();
        for (PlacementRequest r : requests) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (ok[i] && freeCpu[i] >= r.cpus() && freeMem[i] >= r.memoryBytes()
                        && (best < 0 || freeCpu[i] > freeCpu[best])) {
                    best = i;
                }
            }
            if (best >= 0) {
                freeCpu[best] -= r.cpus();
                freeMem[best] -= r.memoryBytes();
            }
        }
        return System.nanoTime() - t0;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }

    private static void print(String what, List<Double> ms, String extra) {
        List<Double> s = new ArrayList<>(ms);
        Collections.sort(s);
        System.out.printf("  %-40s min %8.1f ms  median %8.1f ms  max %8.1f ms  %s%n", what, s.get(0), median(s),
                s.get(s.size() - 1), extra);
    }
}
