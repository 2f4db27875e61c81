package org.dockerera.controller.internal.reconcile;

import java.util.List;

/** Plans in a short form tests can compare exactly (reasons are asserted separately where they matter). */
final class Brief {
    private Brief() {
    }

    static List<String> of(Plan plan) {
        return plan.actions().stream().map(Brief::of).toList();
    }

    static String of(Action a) {
        if (a instanceof Action.StartInstance s) {
            return "start v" + s.release() + " on " + s.hostId();
        } else if (a instanceof Action.Replace r) {
            return "replace " + r.instanceId() + " with v" + r.release() + " on " + r.hostId();
        } else if (a instanceof Action.Restart r) {
            return "restart " + r.instanceId() + " #" + r.attempt();
        } else if (a instanceof Action.RouteIn r) {
            return "route in " + String.join(",", r.instanceIds());
        } else if (a instanceof Action.RouteOut r) {
            return "route out " + String.join(",", r.instanceIds());
        } else if (a instanceof Action.Retire r) {
            return "retire " + r.instanceId();
        } else if (a instanceof Action.Stop s) {
            return "stop " + s.instanceId();
        } else if (a instanceof Action.Remove r) {
            return "remove " + r.instanceId();
        } else if (a instanceof Action.RemoveOrphan o) {
            return "remove orphan " + (o.instanceId() != null ? o.instanceId() : o.containerId()) + " on " + o.hostId();
        } else if (a instanceof Action.Forget f) {
            return "forget " + f.instanceId();
        } else if (a instanceof Action.MarkActive m) {
            return "active v" + m.release();
        } else if (a instanceof Action.MarkFailed m) {
            return "failed v" + m.release();
        }
        throw new AssertionError(a);
    }
}
