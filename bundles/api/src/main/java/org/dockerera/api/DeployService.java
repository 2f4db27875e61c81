package org.dockerera.api;

import java.util.List;
import org.dockerera.api.events.Event;

/**
 * Changes to an app's running containers. Each returns at once with a {@link Deploy} in status {@code pending} or
 * {@code running}; deploys of one app run one at a time in the order they were asked for, apps in parallel.
 * {@code actor} is the name of the token that asked (recorded in the release).
 */
public interface DeployService {

    /**
     * Rolls out {@code request.image} as a new release (pinned to the digest the registry gives when pulled).
     *
     * @throws DockereraException 404 {@code app-not-found}, 422 {@code invalid-image}/{@code invalid-instances}
     */
    Deploy deploy(String app, DeployRequest request, String actor);

    /** What {@link #deploy} would place where, and why each rejected host was rejected; changes nothing. */
    Explanation explain(String app, DeployRequest request);

    /**
     * A new release with the image and environment of {@code release}, or (null) of the release that was active
     * before the current one, skipping failed ones.
     *
     * @throws DockereraException 404 {@code release-not-found}, 409 {@code no-previous-release}
     */
    Deploy rollback(String app, Integer release, String actor);

    /** Run {@code instances} instances (0 stops the app) of the active release. */
    Deploy scale(String app, int instances, String actor);

    /** Replaces every instance one by one (a new release with the same image and environment). */
    Deploy restart(String app, String actor);

    /** @throws DockereraException 404 {@code deploy-not-found} */
    Deploy get(String id);

    /** Deploys of an app, newest first (the last 50). */
    List<Deploy> list(String app);

    /** The events of one deploy so far, oldest first. */
    List<Event> events(String deployId);
}
