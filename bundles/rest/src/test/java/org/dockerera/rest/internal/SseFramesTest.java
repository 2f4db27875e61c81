package org.dockerera.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SseFramesTest {
    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void anEventIsItsTypeThenItsDataThenABlankLine() {
        assertThat(text(SseFrames.event("deploy.done", "{\"a\":1}"))).isEqualTo("event: deploy.done\ndata: {\"a\":1}\n\n");
    }

    @Test
    void newlinesCannotSplitAFrame() {
        assertThat(text(SseFrames.event("x\ny", "line1\nline2\r\nline3")))
                .isEqualTo("event: x y\ndata: line1\ndata: line2\ndata: line3\n\n");
    }

    @Test
    void heartbeatsAreComments() {
        assertThat(text(SseFrames.HEARTBEAT)).isEqualTo(": heartbeat\n\n");
        assertThat(text(SseFrames.OPEN)).startsWith("retry: 3000\n").endsWith("\n\n");
    }
}
