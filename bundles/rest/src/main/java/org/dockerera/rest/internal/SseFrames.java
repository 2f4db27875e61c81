package org.dockerera.rest.internal;

import java.nio.charset.StandardCharsets;

/** The text/event-stream wire format. */
final class SseFrames {
    /** Sent first: tells the client to reconnect after 3 s and gets the headers out at once. */
    static final byte[] OPEN = ("retry: 3000\n: connected\n\n").getBytes(StandardCharsets.UTF_8);
    static final byte[] HEARTBEAT = (": heartbeat\n\n").getBytes(StandardCharsets.UTF_8);

    private SseFrames() {
    }

    /**
     * {@code event: <type>} and one {@code data:} line per line of {@code data} (compact JSON has none, but a frame
     * must never be split by a stray newline), then a blank line.
     */
    static byte[] event(String type, String data) {
        StringBuilder sb = new StringBuilder(data.length() + type.length() + 16);
        sb.append("event: ").append(oneLine(type)).append('\n');
        for (String line : data.split("\r\n|\r|\n", -1)) {
            sb.append("data: ").append(line).append('\n');
        }
        sb.append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A frame with an {@code id:} line (clients resume from it with {@code Last-Event-ID}). */
    static byte[] event(String type, String id, String data) {
        byte[] body = event(type, data);
        byte[] head = ("id: " + oneLine(id) + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + body.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\r\n]", " ");
    }
}
