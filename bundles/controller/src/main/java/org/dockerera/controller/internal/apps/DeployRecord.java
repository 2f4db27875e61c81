package org.dockerera.controller.internal.apps;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.dockerera.api.Deploy;
import org.dockerera.api.DeployStatus;
import org.dockerera.api.events.Event;

/**
 * A deploy as stored under {@code deploys/<id>}: what was asked (kind, image, instances, rollback target), where it
 * is, and its events (the last {@value #MAX_EVENTS}).
 *
 * @param seq     queue order among all deploys
 * @param started when it left the queue (its release's start deadlines count from here)
 */
record DeployRecord(String id, String app, String kind, DeployStatus status, Integer release, String message,
                    Instant created, Instant started, Instant finished, long seq, String image, Integer instances,
                    Integer rollbackTo, String actor, List<Event> events) {
    static final int MAX_EVENTS = 500;

    DeployRecord {
        events = events == null ? List.of() : List.copyOf(events);
    }

    Deploy view() {
        return new Deploy(id, app, kind, status, release, message, created, finished);
    }

    boolean finishedAlready() {
        return status == DeployStatus.SUCCEEDED || status == DeployStatus.FAILED;
    }

    DeployRecord running(Integer rel, Instant at) {
        return new DeployRecord(id, app, kind, DeployStatus.RUNNING, rel, message, created,
                started != null ? started : at, null, seq, image, instances, rollbackTo, actor, events);
    }

    DeployRecord withMessage(String m) {
        return new DeployRecord(id, app, kind, status, release, m, created, started, finished, seq, image, instances,
                rollbackTo, actor, events);
    }

    DeployRecord finished(DeployStatus s, String m, Instant at) {
        return new DeployRecord(id, app, kind, s, release, m, created, started, at, seq, image, instances, rollbackTo,
                actor, events);
    }

    DeployRecord withEvent(Event e) {
        List<Event> next = new ArrayList<>(events);
        next.add(e);
        if (next.size() > MAX_EVENTS) {
            next = next.subList(next.size() - MAX_EVENTS, next.size());
        }
        return new DeployRecord(id, app, kind, status, release, message, created, started, finished, seq, image,
                instances, rollbackTo, actor, next);
    }
}
