package org.dockerera.store.embedded.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.dockerera.spi.store.Change;
import org.dockerera.spi.store.Entry;

/**
 * The on-disk records. Values in the {@code data} map are {@code [version:8][createRevision:8][value…]}; values in the
 * {@code changes} map (keyed by revision) are {@code [type:1][keyLength:4][key UTF-8…][value…]}, type 0 for a put and
 * 1 for a delete (which has no value). Records are never handed out: every read copies.
 */
final class Codec {
    static final int ENTRY_HEADER = 16;
    private static final byte PUT = 0;
    private static final byte DELETE = 1;

    private Codec() {
    }

    static byte[] entry(long version, long createRevision, byte[] value) {
        return ByteBuffer.allocate(ENTRY_HEADER + value.length).putLong(version).putLong(createRevision).put(value)
                .array();
    }

    static long version(byte[] entry) {
        return ByteBuffer.wrap(entry).getLong(0);
    }

    static long createRevision(byte[] entry) {
        return ByteBuffer.wrap(entry).getLong(8);
    }

    static Entry toEntry(String key, byte[] entry) {
        return new Entry(key, Arrays.copyOfRange(entry, ENTRY_HEADER, entry.length), version(entry),
                createRevision(entry));
    }

    static byte[] put(String key, byte[] value) {
        byte[] k = key.getBytes(UTF_8);
        return ByteBuffer.allocate(5 + k.length + value.length).put(PUT).putInt(k.length).put(k).put(value).array();
    }

    static byte[] delete(String key) {
        byte[] k = key.getBytes(UTF_8);
        return ByteBuffer.allocate(5 + k.length).put(DELETE).putInt(k.length).put(k).array();
    }

    static String changeKey(byte[] change) {
        return new String(change, 5, ByteBuffer.wrap(change).getInt(1), UTF_8);
    }

    static Change toChange(long revision, byte[] change) {
        int keyLength = ByteBuffer.wrap(change).getInt(1);
        String key = new String(change, 5, keyLength, UTF_8);
        return switch (change[0]) {
            case PUT -> new Change(revision, key, Change.Type.PUT,
                    Arrays.copyOfRange(change, 5 + keyLength, change.length));
            case DELETE -> new Change(revision, key, Change.Type.DELETE, null);
            default -> throw new IllegalStateException("unknown change type " + change[0] + " at revision " + revision);
        };
    }
}
