package org.dockerera.rest.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.dockerera.api.events.Event;
import org.dockerera.api.events.EventTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's stream of one deploy ({@code GET /api/deploys/{id}/events}). It is subscribed to the event bus
 * <em>before</em> the stored events are read, so an event published in between is not lost: live events that arrive
 * before {@link #start} are buffered, and {@link #start} sends the stored events, then the buffered ones, each once.
 * The stream ends after {@code deploy.succeeded} or {@code deploy.failed}, after the replay when the deploy had
 * finished already, and nothing is sent after that. The controller marks a deploy finished just before it stores and
 * publishes its final event, so a deploy may read as finished while that event is still on its way: then the stream
 * waits for it, and {@link #giveUp} ends it should it never come.
 */
final class DeployEventFeed implements Consumer<Event> {
    private static final Logger LOG = LoggerFactory.getLogger(DeployEventFeed.class);

    private final String deployId;
    private final Json json;
    /** Live events that came before the client was attached. */
    private final List<Event> early = new ArrayList<>();
    /** What was sent, to drop the events that are both stored and buffered. */
    private final Set<Event> sent = new HashSet<>();
    private EventStreams.Sink sink;
    private boolean ended;

    DeployEventFeed(String deployId, Json json) {
        this.deployId = deployId;
        this.json = json;
    }

    static boolean terminal(Event e) {
        return EventTypes.DEPLOY_SUCCEEDED.equals(e.type()) || EventTypes.DEPLOY_FAILED.equals(e.type());
    }

    /** An event from the bus: this deploy's are sent (or buffered until {@link #start}), others ignored. */
    @Override
    public synchronized void accept(Event e) {
        if (ended || !deployId.equals(e.deployId())) {
            return;
        }
        if (sink == null) {
            early.add(e);
            return;
        }
        emit(e);
    }

    /**
     * Attaches the client: sends {@code stored} (read after subscribing), then the live events that came meanwhile and
     * were not among them; the stream ends when one of them ended the deploy.
     *
     * @param finished whether the deploy had ended when it was read (after {@code stored})
     * @return true when the deploy is finished but its final event has not come yet: the caller schedules
     *         {@link #giveUp}
     */
    synchronized boolean start(EventStreams.Sink sink, List<Event> stored, boolean finished) {
        this.sink = sink;
        for (Event e : stored) {
            emit(e);
        }
        for (Event e : early) {
            emit(e);
        }
        early.clear();
        return finished && !ended;
    }

    /** Ends the stream unless it has ended: the final event of a finished deploy did not come in time. */
    synchronized void giveUp() {
        if (sink != null && !ended) {
            LOG.debug("deploy {} is finished but its final event did not come; ending its stream", deployId);
            end();
        }
    }

    private void emit(Event e) {
        if (ended || !sent.add(e)) {
            return;
        }
        try {
            sink.send(SseFrames.event(e.type(), json.writeString(e)));
        } catch (IOException ex) {
            LOG.warn("cannot render event {} of deploy {} as JSON; not sent", e.type(), deployId, ex);
        }
        if (terminal(e)) {
            end();
        }
    }

    private void end() {
        if (!ended) {
            ended = true;
            sink.end();
        }
    }
}
