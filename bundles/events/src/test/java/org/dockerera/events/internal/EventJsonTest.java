package org.dockerera.events.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.dockerera.api.events.Event;
import org.dockerera.api.events.EventTypes;
import org.junit.jupiter.api.Test;

class EventJsonTest {
    private static final Instant T = Instant.parse("2026-11-23T20:37:13.123Z");

    @Test
    void typeAndIsoTimeComeFirstAndAbsentFieldsAreOmitted() {
        String json = EventJson.write(new Event(EventTypes.HOST_DOWN, T, null, "h1", null, null, "no answer for 10 s"));

        assertThat(json).isEqualTo(
                "{\"type\":\"host.down\",\"time\":\"2026-11-23T20:37:13.123Z\",\"hostId\":\"h1\","
                        + "\"message\":\"no answer for 10 s\"}");
        assertThat(json).doesNotContain("null");
    }

    @Test
    void everyFieldIsWrittenWhenSet() {
        String json = EventJson.write(new Event(EventTypes.CONTAINER_DIED, T, "shop", "h2", 7, "d-42", "exit 137"));

        assertThat(json).isEqualTo("{\"type\":\"container.died\",\"time\":\"2026-11-23T20:37:13.123Z\",\"app\":\"shop\","
                + "\"hostId\":\"h2\",\"release\":7,\"deployId\":\"d-42\",\"message\":\"exit 137\"}");
    }

    @Test
    void readsBackWhatItWritesAndIgnoresUnknownFields() {
        Event event = new Event(EventTypes.CONTAINER_DIED, T, "shop", "h2", 7, "d-42", "exit 137");

        assertThat(EventJson.read(EventJson.write(event))).isEqualTo(event);
        assertThat(EventJson.read("{\"type\":\"host.up\",\"time\":\"2026-11-23T20:37:13.123Z\",\"extra\":1}"))
                .isEqualTo(new Event(EventTypes.HOST_UP, T, null, null, null, null, null));
    }

    @Test
    void refusesJsonWithoutType() {
        assertThatThrownBy(() -> EventJson.read("{\"time\":\"2026-11-23T20:37:13.123Z\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not an event");
    }
}
