package org.dockerera.controller.internal.apps;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which retained lines an app keeps: at most {@code max} across its gone instances, those captured last kept, so the
 * oldest captures lose their lines first (a capture that keeps some keeps its newest ones). Pure.
 */
final class Retention {
    private Retention() {
    }

    /** What to write back (changed captures) and what to delete. */
    record Plan(List<RetainedLog> rewrite, List<String> drop) {
    }

    static Plan trim(List<RetainedLog> all, int max) {
        List<RetainedLog> newestFirst = new ArrayList<>(all);
        newestFirst.sort(Comparator.comparing(RetainedLog::captured).thenComparing(RetainedLog::instance).reversed());
        List<RetainedLog> rewrite = new ArrayList<>();
        List<String> drop = new ArrayList<>();
        int left = Math.max(0, max);
        for (RetainedLog r : newestFirst) {
            int n = r.lines().size();
            if (left == 0 || n == 0) {
                drop.add(r.instance());
            } else if (n > left) {
                rewrite.add(r.withLines(r.lines().subList(n - left, n)));
                left = 0;
            } else {
                left -= n;
            }
        }
        return new Plan(rewrite, drop);
    }
}
