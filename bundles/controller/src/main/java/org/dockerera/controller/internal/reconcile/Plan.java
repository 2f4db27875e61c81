package org.dockerera.controller.internal.reconcile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.dockerera.spi.scheduler.PlacementPlan;

/**
 * What to do now to bring one app closer to its desired state.
 *
 * @param actions   to carry out in order; empty when there is nothing to do until something changes
 * @param waits     what the app is waiting for (health, router acknowledgements, drain timeouts, back-offs, hosts)
 * @param notes     things worth telling the user that need no action (an instance left stopped by its restart
 *                  policy, colocated instances)
 * @param placement the scheduler's answer when new instances were placed (with every rejected host's reasons),
 *                  null when nothing needed placing
 * @param progress  counts for progress messages
 * @param nextCheck when to run the reconciler again if nothing changes before (the earliest {@link Wait#until});
 *                  null when only an event can change anything. After carrying out a non-empty plan, run it again.
 */
public record Plan(List<Action> actions, List<Wait> waits, List<String> notes, PlacementPlan placement,
                   Progress progress, Instant nextCheck) {
    public Plan {
        actions = List.copyOf(actions);
        waits = List.copyOf(waits);
        notes = List.copyOf(notes);
        Objects.requireNonNull(progress, "progress");
    }

    /** Nothing to do and nothing awaited: the app is as desired. */
    public boolean settled() {
        return actions.isEmpty() && waits.isEmpty();
    }

    /** The actions of one kind, in plan order. */
    public <A extends Action> List<A> actions(Class<A> kind) {
        return actions.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /** How many instances should have been placed but could not be (see {@link #placement} for why). */
    public int unplaced() {
        return placement == null ? 0 : placement.instances() - placement.placed();
    }

    /** The plan as lines of text, for logs and {@code --explain}. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (Action a : actions) {
            lines.add(a.toString());
        }
        for (Wait w : waits) {
            lines.add("waiting: " + w);
        }
        for (String n : notes) {
            lines.add("note: " + n);
        }
        if (placement != null && !placement.complete()) {
            lines.add("cannot place " + unplaced() + " instance(s): " + placement.failure());
            placement.rejections().forEach((host, why) -> lines.add("  " + host + ": " + String.join(", ", why)));
        }
        return lines;
    }
}
