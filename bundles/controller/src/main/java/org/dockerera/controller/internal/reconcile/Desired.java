package org.dockerera.controller.internal.reconcile;

import java.time.Instant;
import java.util.Objects;
import org.dockerera.api.App;
import org.dockerera.api.Release;
import org.dockerera.api.ReleaseStatus;

/**
 * What one app should run.
 *
 * @param app           the app with its settings resolved: instances, type (web instances are routed, workers are
 *                      not), health start timeout, drain and stop timeouts, restart policy, resources, constraints
 * @param target        the release the app should run (the newest one deployed); null before the first deploy. A
 *                      target whose status is {@link ReleaseStatus#FAILED} is given up: the active release is run.
 * @param active        the release serving now, null before the first successful deploy
 * @param rollout       batch size, surge and restart back-off
 * @param deployStarted when the rollout of {@code target} began; new instances that cannot be placed by this time
 *                      plus the health start timeout fail the release. Null: the target's own time.
 */
public record Desired(App app, Release target, Release active, Rollout rollout, Instant deployStarted) {
    public Desired {
        Objects.requireNonNull(app, "app");
        rollout = rollout == null ? Rollout.DEFAULT : rollout;
        if (target != null && !app.name().equals(target.app()) || active != null && !app.name().equals(active.app())) {
            throw new IllegalArgumentException("releases of another app given for " + app.name());
        }
    }

    /** The app running {@code target} while {@code active} serves, with the default knobs. */
    public static Desired of(App app, Release target, Release active) {
        return new Desired(app, target, active, Rollout.DEFAULT, null);
    }

    /** Whether {@code target} is being rolled out: neither active yet nor given up. */
    public boolean rollingOut() {
        return target != null && target.status() != ReleaseStatus.FAILED
                && (active == null || active.version() != target.version());
    }
}
