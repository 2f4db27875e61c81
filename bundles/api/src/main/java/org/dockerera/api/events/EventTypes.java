package org.dockerera.api.events;

/** The event types published so far; docs/events.md lists each with its JSON shape. */
public final class EventTypes {
    public static final String HOST_ADDED = "host.added";
    public static final String HOST_REMOVED = "host.removed";
    public static final String HOST_UP = "host.up";
    public static final String HOST_DOWN = "host.down";
    public static final String CONTAINER_DIED = "container.died";
    public static final String HOST_CORDONED = "host.cordoned";
    public static final String HOST_UNCORDONED = "host.uncordoned";
    public static final String HOST_DRAINING = "host.draining";
    public static final String HOST_DRAINED = "host.drained";
    public static final String APP_CREATED = "app.created";
    public static final String APP_UPDATED = "app.updated";
    public static final String APP_REMOVED = "app.removed";
    public static final String DEPLOY_QUEUED = "deploy.queued";
    public static final String DEPLOY_STARTED = "deploy.started";
    public static final String DEPLOY_PROGRESS = "deploy.progress";
    public static final String DEPLOY_SUCCEEDED = "deploy.succeeded";
    public static final String DEPLOY_FAILED = "deploy.failed";
    public static final String IMAGE_PULLED = "image.pulled";
    public static final String INSTANCE_STARTED = "instance.started";
    public static final String INSTANCE_HEALTHY = "instance.healthy";
    public static final String INSTANCE_UNHEALTHY = "instance.unhealthy";
    public static final String INSTANCE_FAILED = "instance.failed";
    public static final String INSTANCE_DRAINING = "instance.draining";
    public static final String INSTANCE_STOPPED = "instance.stopped";
    public static final String INSTANCE_RESCHEDULED = "instance.rescheduled";
    public static final String RELEASE_ACTIVE = "release.active";
    public static final String RELEASE_FAILED = "release.failed";
    public static final String ROUTES_CHANGED = "routes.changed";

    private EventTypes() {
    }
}
