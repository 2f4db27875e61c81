package org.dockerera.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dockerera.api.events.Event;
import org.junit.jupiter.api.Test;

/** The subscribe-first, buffer, dedupe and end rules of one deploy's event stream, without HTTP. */
class DeployEventFeedTest {
    static final Instant T = Instant.parse("2026-01-02T03:04:05Z");

    /** Frames as their event type, and whether the stream was ended. */
    static final class RecordingSink implements EventStreams.Sink {
        final List<String> types = new CopyOnWriteArrayList<>();
        volatile int ends;

        @Override
        public void send(byte[] frame) {
            String text = new String(frame, StandardCharsets.UTF_8);
            types.add(text.substring("event: ".length(), text.indexOf('\n')));
        }

        @Override
        public void end() {
            ends++;
        }
    }

    final DeployEventFeed feed = new DeployEventFeed("d-1", new Json());
    final RecordingSink sink = new RecordingSink();

    static Event event(String type, String deployId, int second) {
        return new Event(type, T.plusSeconds(second), "web.test", null, null, deployId, type);
    }

    @Test
    void liveEventsBeforeTheClientIsAttachedFollowTheStoredOnesAndEachIsSentOnce() {
        Event queued = event("deploy.queued", "d-1", 0);
        Event started = event("deploy.started", "d-1", 1);
        Event progress = event("deploy.progress", "d-1", 2);
        // published after subscribing, while the stored events were read: started got stored too, progress not yet
        feed.accept(started);
        feed.accept(progress);

        feed.start(sink, List.of(queued, started), false);

        assertThat(sink.types).containsExactly("deploy.queued", "deploy.started", "deploy.progress");
        assertThat(sink.ends).isZero();
    }

    @Test
    void otherDeploysEventsAreIgnored() {
        feed.start(sink, List.of(), false);

        feed.accept(event("deploy.progress", "d-2", 1));
        feed.accept(event("deploy.succeeded", "d-2", 2));
        feed.accept(Event.of("host.down", "no deploy at all"));

        assertThat(sink.types).isEmpty();
        assertThat(sink.ends).isZero();
    }

    @Test
    void theStreamEndsAfterSucceededAndNothingFollows() {
        feed.start(sink, List.of(event("deploy.queued", "d-1", 0)), false);

        feed.accept(event("deploy.succeeded", "d-1", 1));
        feed.accept(event("instance.stopped", "d-1", 2));

        assertThat(sink.types).containsExactly("deploy.queued", "deploy.succeeded");
        assertThat(sink.ends).isEqualTo(1);
    }

    @Test
    void theStreamEndsAfterFailed() {
        feed.start(sink, List.of(), false);

        feed.accept(event("deploy.failed", "d-1", 1));

        assertThat(sink.types).containsExactly("deploy.failed");
        assertThat(sink.ends).isEqualTo(1);
    }

    @Test
    void aFinishedDeployIsReplayedAndEndedAtOnce() {
        boolean waits = feed.start(sink, List.of(event("deploy.queued", "d-1", 0), event("deploy.succeeded", "d-1", 1)),
                true);

        assertThat(waits).isFalse();
        assertThat(sink.types).containsExactly("deploy.queued", "deploy.succeeded");
        assertThat(sink.ends).isEqualTo(1);
    }

    @Test
    void aDeployThatReadsFinishedBeforeItsFinalEventWaitsForThatEvent() {
        boolean waits = feed.start(sink, List.of(event("deploy.queued", "d-1", 0)), true);

        assertThat(waits).isTrue();
        assertThat(sink.ends).isZero();
        feed.accept(event("deploy.succeeded", "d-1", 1));
        feed.giveUp();

        assertThat(sink.types).containsExactly("deploy.queued", "deploy.succeeded");
        assertThat(sink.ends).isEqualTo(1);
    }

    @Test
    void aFinishedDeployWhoseFinalEventNeverComesEndsWhenTheWaitIsOver() {
        feed.start(sink, List.of(event("deploy.queued", "d-1", 0)), true);

        feed.giveUp();
        feed.accept(event("deploy.succeeded", "d-1", 1));

        assertThat(sink.types).containsExactly("deploy.queued");
        assertThat(sink.ends).isEqualTo(1);
    }

    @Test
    void givingUpOnARunningDeploysStreamBeforeItStartedDoesNothing() {
        feed.giveUp();
        boolean waits = feed.start(sink, List.of(), false);

        assertThat(waits).isFalse();
        assertThat(sink.ends).isZero();
    }
}
