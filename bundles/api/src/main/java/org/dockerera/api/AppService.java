package org.dockerera.api;

import java.util.List;
import java.util.Map;

/**
 * Apps, their environment, releases and instances. Changes that alter running containers answer a {@link Deploy} to
 * follow ({@code 202}); metadata-only changes answer at once.
 */
public interface AppService {

    List<App> list();

    /** @throws DockereraException 404 {@code app-not-found} */
    App get(String name);

    /**
     * Records a new app (no instances run until its first deploy).
     *
     * @throws DockereraException 409 {@code app-exists}, 422 {@code invalid-*}
     */
    App create(AppSpec spec);

    /**
     * Changes settings. Changing {@code instances} scales (a deploy); changing what containers are made from (port,
     * command, type, resources, health, restart policy, stop timeout) rolls out a new release of the active image; the
     * rest (drain timeout, constraints for future placements) only updates the record ({@link AppUpdate#deploy} null).
     */
    AppUpdate patch(String name, AppSpec patch, String actor);

    /**
     * Removes the app: its instances are drained, stopped and removed, then its records. The returned deploy can be
     * followed; the app is gone from {@link #list} at once and its name is free once the deploy ended.
     */
    Deploy remove(String name, String actor);

    /** Environment, secret values masked, sorted by key. */
    List<EnvVar> env(String app);

    /**
     * JSON merge patch of the environment: a null value unsets the key. Keys already secret stay secret. Rolls out a
     * new release of the active image (or, before the first deploy, only records the change: then the deploy is null).
     */
    AppUpdate patchEnv(String app, Map<String, String> changes, String actor);

    /** Sets one variable, secret or not; rolls out like {@link #patchEnv}. */
    AppUpdate setEnv(String app, String key, String value, boolean secret, String actor);

    /** Newest first. */
    List<Release> releases(String app);

    /** @throws DockereraException 404 {@code release-not-found} */
    Release release(String app, int version);

    /** Instances of every release, with their published address and health. */
    List<Instance> instances(String app);

    /**
     * Instances as {@link #instances(String)}, with their CPU and memory use when {@code stats}: sampled from their
     * hosts in parallel, each given a bounded time (a slow or down host leaves its instances' stats null).
     *
     * @since 0.4
     */
    default List<Instance> instances(String app, boolean stats) {
        return instances(app);
    }

    /** What a change answered: the app as it is now and the deploy that applies it, if containers change. */
    record AppUpdate(App app, Deploy deploy) {
    }
}
