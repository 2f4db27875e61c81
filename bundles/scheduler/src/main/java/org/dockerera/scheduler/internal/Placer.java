package org.dockerera.scheduler.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.StringJoiner;
import org.dockerera.spi.scheduler.HostSnapshot;
import org.dockerera.spi.scheduler.PlacementPlan;
import org.dockerera.spi.scheduler.PlacementRequest;
import org.dockerera.spi.scheduler.PlacementStrategy;
import org.dockerera.spi.scheduler.Rejections;

/**
 * The pure placement function: filters, then anti-affinity and the strategy's score, one instance at a time.
 * <p>
 * Cost per request: one pass over the hosts (filters and one score each) keeping the best {@code n} candidates in a
 * bounded heap, then {@code n} heap steps. Only the candidates matter: placing an instance only makes its host's
 * order key worse (one more instance of the app comes first in the key), so a host outside the initial best
 * {@code n} can only be reached after each of them took one, i.e. after {@code n} placements.
 */
public final class Placer {
    /** Hosts in preference order: fewer instances of the app, higher score, smaller id. */
    private static final Comparator<Candidate> BEST_FIRST = (a, b) -> {
        int c = Integer.compare(a.host.appInstances(), b.host.appInstances());
        if (c != 0) {
            return c;
        }
        c = Double.compare(b.score, a.score);
        return c != 0 ? c : a.host.id().compareTo(b.host.id());
    };

    private static final Category[] CATEGORIES = Category.values();

    private Placer() {
    }

    /** A host that passed every filter, with its tentative state while the request is placed. */
    private static final class Candidate {
        HostSnapshot host;
        double score;
        int placed;
        String blockedBy;
        Category blockedCategory;

        Candidate(HostSnapshot host, double score) {
            this.host = host;
            this.score = score;
        }
    }

    /** Places {@code request} on {@code hosts}, ranking with {@code strategy} (named {@code strategyName} in the plan). */
    public static PlacementPlan place(PlacementRequest request, List<HostSnapshot> hosts, String strategyName,
                                      PlacementStrategy strategy) {
        int n = request.instances();
        Chain chain = Chain.of(request);
        List<HostSnapshot> rejected = new ArrayList<>();
        int[] blocked = new int[CATEGORIES.length]; // hosts that cannot take (another) instance, by first reason
        PriorityQueue<Candidate> best = new PriorityQueue<>(Math.max(1, Math.min(n, hosts.size())), BEST_FIRST.reversed());
        int feasible = 0;
        int existing = 0;
        for (HostSnapshot h : hosts) {
            Filter rejecting = chain.firstRejecting(h, request);
            if (rejecting != null) {
                rejected.add(h); // its reasons are written if and when someone reads them
                blocked[rejecting.category().ordinal()]++;
                continue;
            }
            feasible++;
            existing += h.appInstances();
            if (n == 0) {
                continue;
            }
            if (best.size() == n && h.appInstances() > best.peek().host.appInstances()) {
                continue; // cannot beat the worst kept candidate whatever its score
            }
            Candidate c = new Candidate(h, score(strategy, h, request));
            if (best.size() < n) {
                best.add(c);
            } else if (BEST_FIRST.compare(c, best.peek()) < 0) {
                best.poll();
                best.add(c);
            }
        }

        List<Candidate> used = new ArrayList<>();
        List<String> assignments = new ArrayList<>(n);
        PriorityQueue<Candidate> queue = new PriorityQueue<>(Math.max(1, best.size()), BEST_FIRST);
        queue.addAll(best);
        List<Candidate> exhausted = new ArrayList<>();
        while (assignments.size() < n) {
            Candidate c = queue.poll();
            if (c == null) {
                break;
            }
            assignments.add(c.host.id());
            if (c.placed++ == 0) {
                used.add(c);
            }
            c.host = c.host.withPlaced(request);
            if (assignments.size() == n) {
                break; // done: no need to know whether this host could take another
            }
            Filter rejecting = chain.firstRejecting(c.host, request);
            if (rejecting != null) {
                c.blockedBy = rejecting.reason(c.host, request);
                c.blockedCategory = rejecting.category();
            }
            if (c.blockedBy == null) {
                c.score = score(strategy, c.host, request);
                queue.add(c);
            } else {
                exhausted.add(c);
            }
        }

        List<String> notes = new ArrayList<>();
        used.sort(Comparator.comparing(c -> c.host.id()));
        int total = n + existing;
        for (Candidate c : used) {
            if (c.host.appInstances() > 1) {
                notes.add("colocated " + c.host.appInstances() + " instances of " + request.app() + " on " + c.host.id()
                        + ": only " + count(feasible, "feasible host") + " for " + count(total, "instance"));
            }
        }
        boolean complete = assignments.size() == n;
        String failure = null;
        if (!complete) {
            exhausted.sort(Comparator.comparing(c -> c.host.id()));
            for (Candidate c : exhausted) {
                blocked[c.blockedCategory.ordinal()]++;
                if (c.blockedCategory != Category.DISTINCT_HOSTS) {
                    notes.add(c.host.id() + " can take no more after " + count(c.placed, "new instance") + ": "
                            + c.blockedBy);
                }
            }
            failure = failure(request, assignments.size(), hosts.size(), blocked);
        }
        Rejections rejections = Rejections.lazy(rejected.size(), () -> explain(chain, request, rejected));
        return new PlacementPlan(request.app(), strategyName, n, assignments, rejections, feasible, notes, complete,
                failure);
    }

    private static Map<String, List<String>> explain(Chain chain, PlacementRequest request,
                                                     List<HostSnapshot> rejected) {
        Map<String, List<String>> reasons = new HashMap<>(rejected.size() * 2);
        for (HostSnapshot h : rejected) {
            if (reasons.put(h.id(), chain.reasons(h, request)) != null) {
                throw new IllegalArgumentException("host ids given to place() must be unique: " + h.id() + " is there twice");
            }
        }
        return reasons;
    }

    static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static double score(PlacementStrategy strategy, HostSnapshot host, PlacementRequest request) {
        double s = strategy.score(host, request);
        return Double.isNaN(s) ? Double.NEGATIVE_INFINITY : s;
    }

    /** One sentence: how many were placed, what rules the hosts out, what to do. */
    private static String failure(PlacementRequest request, int placed, int hostCount, int[] blocked) {
        String head = "placed " + placed + " of " + count(request.instances(), "instance") + " of " + request.app() + ": ";
        if (hostCount == 0) {
            return head + "no hosts are registered; add a Docker host first";
        }
        StringJoiner why = new StringJoiner(", ");
        List<String> advice = new ArrayList<>();
        advice.add("add hosts");
        for (Category category : CATEGORIES) {
            int count = blocked[category.ordinal()];
            if (count == 0) {
                continue;
            }
            String what = category == Category.PORT ? "with port " + request.hostPort() + " already published"
                    : category.counted();
            why.add(count + " " + what);
            advice.add(category.advice());
        }
        return head + "no host can take " + (placed == 0 ? "any" : "another") + " (" + why + "); "
                + String.join(", ", advice.subList(0, advice.size() - 1)) + " or " + advice.get(advice.size() - 1);
    }
}
