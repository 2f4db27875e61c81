package org.dockerera.router.apache.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the running httpd's balancers hold, and how to bring them to a new table at run time through the
 * {@code balancer-manager} (pure: no I/O).
 * <p>
 * What httpd 2.4's balancer-manager can do (tried on Debian's 2.4.71): add a member to a balancer that has room
 * ({@code b_wyes=1&b_nwrkr=URL}: the balancer's {@code growth}; the member starts disabled), and enable or disable
 * a member ({@code w=URL&w_status_D=0|1}), each request carrying the balancer's nonce (from the manager's page) and a
 * {@code Referer} naming the virtual host. What it cannot: change a member's URL, remove a member, or set a new
 * member's {@code connectiontimeout} and {@code retry} (it gets {@code ProxyTimeout} and httpd's 60 s). So an instance
 * address new to a balancer takes one of its free member slots for good (until the next reload), an address that
 * leaves the table is disabled (requests in flight on it finish; no new one goes to it), and one that comes back is
 * enabled again. A reload is needed only when host names (or a host's app) change, or when a balancer has no free
 * slot left for a new address; it renders every balancer afresh with just the table's instances.
 */
final class Balancers {
    /**
     * One host's balancer as httpd holds it.
     *
     * @param index    its position among the virtual hosts (1-based): balancer {@code site<index>}
     * @param site     the host, app and instances it was last brought to
     * @param capacity how many members it can hold (rendered ones + growth)
     * @param members  its members' {@code ip:port}, in httpd's order, to whether they are enabled
     */
    record Balancer(int index, Layout.Site site, int capacity, Map<String, Boolean> members) {
        Balancer {
            members = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }

        String name() {
            return Layout.balancer(index);
        }

        /** The {@code Host} of manager requests for this balancer. */
        String managerHost() {
            return Layout.managerHost(index);
        }

        /** The {@code Referer} httpd accepts for changes (its host must be the virtual host's ServerName). */
        String referer() {
            return "http://" + Layout.serverName(site) + "/";
        }

        Set<String> enabled() {
            Set<String> out = new LinkedHashSet<>();
            members.forEach((m, on) -> {
                if (on) {
                    out.add(m);
                }
            });
            return out;
        }
    }

    /** One balancer-manager request. */
    record Action(Kind kind, Balancer balancer, String member) {
        enum Kind { ADD, ENABLE, DISABLE }

        /** The form parameters of the request, without the nonce. */
        String form() {
            String url = "http://" + member;
            switch (kind) {
                case ADD:
                    return "b=" + balancer.name() + "&b_wyes=1&b_nwrkr=" + url;
                case ENABLE:
                    return "b=" + balancer.name() + "&w=" + url + "&w_status_D=0";
                default:
                    return "b=" + balancer.name() + "&w=" + url + "&w_status_D=1";
            }
        }

        @Override
        public String toString() {
            return kind.name().toLowerCase(Locale.ROOT) + " " + member + " in " + balancer.name() + " ("
                    + balancer.site().host() + ")";
        }
    }

    /**
     * The way to a table: a reload (with why), or the manager requests in order (new members in and enabled first,
     * then old ones disabled, so a host never lacks an instance in between) and the balancers they lead to.
     */
    record Plan(String reload, List<Action> actions, Map<String, Balancer> next) {
        boolean reloads() {
            return reload != null;
        }

        /** The balancers the actions touch, by host. */
        Map<String, Balancer> touched() {
            Map<String, Balancer> out = new LinkedHashMap<>();
            for (Action a : actions) {
                out.put(a.balancer().site().host(), next.get(a.balancer().site().host()));
            }
            return out;
        }
    }

    private Balancers() {
    }

    /** The balancers a freshly rendered config for {@code sites} holds, by host. */
    static Map<String, Balancer> rendered(List<Layout.Site> sites, int memberSlots) {
        Map<String, Balancer> out = new LinkedHashMap<>();
        int k = 0;
        for (Layout.Site s : sites) {
            k++;
            Map<String, Boolean> members = new LinkedHashMap<>();
            s.backends().forEach(b -> members.put(b, true));
            out.put(s.host(), new Balancer(k, s, s.backends().size() + memberSlots, members));
        }
        return out;
    }

    /** From {@code current} (by host, in config order) to {@code sites} ({@link Layout#sites}). */
    static Plan plan(Map<String, Balancer> current, List<Layout.Site> sites) {
        List<String> had = new ArrayList<>();
        current.values().forEach(b -> had.add(b.site().host() + " (" + b.site().app() + ")"));
        List<String> want = new ArrayList<>();
        sites.forEach(s -> want.add(s.host() + " (" + s.app() + ")"));
        if (!had.equals(want)) {
            List<String> added = new ArrayList<>(want);
            added.removeAll(had);
            List<String> removed = new ArrayList<>(had);
            removed.removeAll(want);
            return new Plan("host names changed: " + (added.isEmpty() ? "" : "+" + added)
                    + (removed.isEmpty() ? "" : (added.isEmpty() ? "" : " ") + "-" + removed), List.of(), current);
        }
        List<Action> in = new ArrayList<>();
        List<Action> out = new ArrayList<>();
        Map<String, Balancer> next = new LinkedHashMap<>();
        for (Layout.Site site : sites) {
            Balancer b = current.get(site.host());
            Map<String, Boolean> members = new LinkedHashMap<>(b.members());
            for (String x : site.backends()) {
                if (!members.containsKey(x) && !wellFormed(x)) {
                    // the manager would refuse it half-way through; apache2 -t says why before anything changes
                    return new Plan("instance address " + x + " of " + site.host() + " is for apache2 -t to judge",
                            List.of(), current);
                }
            }
            long fresh = site.backends().stream().filter(x -> !members.containsKey(x)).count();
            if (members.size() + fresh > b.capacity()) {
                return new Plan("the balancer of " + site.host() + " has no room for " + fresh + " new instance "
                        + "address(es): " + members.size() + " of its " + b.capacity() + " member slots are taken",
                        List.of(), current);
            }
            for (String x : site.backends()) {
                Boolean on = members.get(x);
                if (on == null) {
                    in.add(new Action(Action.Kind.ADD, b, x));
                    in.add(new Action(Action.Kind.ENABLE, b, x));
                } else if (!on) {
                    in.add(new Action(Action.Kind.ENABLE, b, x));
                }
                members.put(x, true);
            }
            for (Map.Entry<String, Boolean> m : b.members().entrySet()) {
                if (m.getValue() && !site.backends().contains(m.getKey())) {
                    out.add(new Action(Action.Kind.DISABLE, b, m.getKey()));
                    members.put(m.getKey(), false);
                }
            }
            next.put(site.host(), new Balancer(b.index(), site, b.capacity(), members));
        }
        List<Action> actions = new ArrayList<>(in);
        actions.addAll(out);
        return new Plan(null, actions, next);
    }

    /** Whether {@code backend} is a plain {@code host:port} (port 1 to 65535) that httpd takes as a member URL. */
    static boolean wellFormed(String backend) {
        try {
            java.net.URI u = new java.net.URI("http://" + backend);
            return u.getHost() != null && u.getPort() >= 1 && u.getPort() <= 65535 && u.getRawUserInfo() == null
                    && u.getRawPath().isEmpty() && u.getRawQuery() == null && u.getRawFragment() == null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /** One balancer on the manager's page. */
    record Listed(String nonce, int capacity, Map<String, Boolean> members) {
        Listed {
            members = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }
    }

    private static final Pattern SECTION = Pattern.compile(
            "<h3>LoadBalancer Status for <a href=\"[^\"]*\\?b=([^&\"]+)&amp;nonce=([0-9A-Za-z-]+)\">");
    private static final Pattern CAPACITY = Pattern.compile("<td>(\\d+) \\[(\\d+) Used\\]</td>");
    private static final Pattern WORKER = Pattern.compile("<tr>\\s*<td><a href=\"[^\"]*\">(?:<i>)?([^<]+)(?:</i>)?</a>"
            + "</td><td>[^<]*</td><td>[^<]*</td><td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td>");

    /**
     * The balancers on a balancer-manager page (the HTML one: the XML one lacks the nonce), by name ({@code site3}):
     * nonce, capacity ({@code MaxMembers}) and members ({@code ip:port}, lower case) to enabled (httpd's status
     * without {@code Dis}; a member in error state is still enabled).
     *
     * @throws IllegalArgumentException when the page is not a balancer-manager page
     */
    static Map<String, Listed> parse(String html) {
        if (!html.contains("<title>Balancer Manager</title>")) {
            throw new IllegalArgumentException("not a balancer-manager page: "
                    + html.substring(0, Math.min(200, html.length())).replaceAll("\\s+", " "));
        }
        Map<String, Listed> out = new LinkedHashMap<>();
        Matcher section = SECTION.matcher(html);
        List<int[]> bounds = new ArrayList<>();
        List<String[]> heads = new ArrayList<>();
        while (section.find()) {
            bounds.add(new int[] {section.start(), html.length()});
            heads.add(new String[] {section.group(1), section.group(2)});
            if (bounds.size() > 1) {
                bounds.get(bounds.size() - 2)[1] = section.start();
            }
        }
        for (int i = 0; i < bounds.size(); i++) {
            String part = html.substring(bounds.get(i)[0], bounds.get(i)[1]);
            Matcher cap = CAPACITY.matcher(part);
            if (!cap.find()) {
                throw new IllegalArgumentException("balancer " + heads.get(i)[0] + ": no MaxMembers on the page");
            }
            Map<String, Boolean> members = new LinkedHashMap<>();
            Matcher w = WORKER.matcher(part);
            while (w.find()) {
                members.put(member(w.group(1)), !List.of(w.group(2).trim().split("\\s+")).contains("Dis"));
            }
            out.put(heads.get(i)[0], new Listed(heads.get(i)[1], Integer.parseInt(cap.group(1)), members));
        }
        return out;
    }

    /** A member URL as the manager lists it ({@code http://10.0.0.1:80}) to the table's form ({@code 10.0.0.1:80}). */
    static String member(String url) {
        String m = url.trim().toLowerCase(Locale.ROOT);
        if (m.startsWith("http://")) {
            m = m.substring(7);
        }
        while (m.endsWith("/")) {
            m = m.substring(0, m.length() - 1);
        }
        return m;
    }

    /**
     * Whether {@code listed} (what the page shows) is {@code expected}: the same members, each enabled or disabled
     * alike, and the same capacity; null when it is, else what differs.
     */
    static String mismatch(Balancer expected, Listed listed) {
        if (listed == null) {
            return "balancer " + expected.name() + " (" + expected.site().host() + ") is not on the manager's page";
        }
        if (!listed.members().equals(expected.members())) {
            return "balancer " + expected.name() + " (" + expected.site().host() + ") lists " + listed.members()
                    + ", not " + expected.members();
        }
        if (listed.capacity() != expected.capacity()) {
            return "balancer " + expected.name() + " (" + expected.site().host() + ") holds " + listed.capacity()
                    + " members, not " + expected.capacity();
        }
        return null;
    }
}
