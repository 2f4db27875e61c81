package org.dockerera.store.couchbase.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

import org.dockerera.spi.store.Change;

/**
 * The binary layouts of the store's documents (stored with the SDK's raw binary transcoder, so values need no
 * base64). Every document starts with a one-byte tag and a format byte.
 *
 * <pre>
 * data    'D' 1 kind(0 live, 1 tombstone) version:long createRevision:long keyLength:int key value…
 * change  'C' 1 state(0 pending, 1 committed, 2 no-op) type(0 put, 1 delete) revision:long keyLength:int key value…
 * index   'I' 1 count:int (length:int key)…        keys sorted, unique
 * long    'L' 1 value:long                          the history floor and the watermark hint
 * </pre>
 */
final class Codec {
    private static final byte FORMAT = 1;

    private Codec() {
    }

    /** A data document: the current value of a key, or a tombstone (the key's last write was a delete). */
    record Data(boolean live, long version, long createRevision, String key, byte[] value) {
        static Data tombstone(String key, long version) {
            return new Data(false, version, 0, key, new byte[0]);
        }
    }

    enum State { PENDING, COMMITTED, NOOP }

    /** A change document: one revision of the feed. */
    record ChangeDoc(State state, Change.Type type, long revision, String key, byte[] value) {
        static ChangeDoc noop(long revision) {
            return new ChangeDoc(State.NOOP, Change.Type.PUT, revision, "", new byte[0]);
        }

        ChangeDoc with(State s) {
            return new ChangeDoc(s, type, revision, key, value);
        }

        Change toChange() {
            return new Change(revision, key, type, type == Change.Type.DELETE ? null : value.clone());
        }
    }

    static byte[] data(Data d) {
        byte[] key = d.key().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(2 + 1 + 8 + 8 + 4 + key.length + d.value().length);
        b.put((byte) 'D').put(FORMAT).put((byte) (d.live() ? 0 : 1)).putLong(d.version()).putLong(d.createRevision())
                .putInt(key.length).put(key).put(d.value());
        return b.array();
    }

    static Data data(byte[] bytes) {
        ByteBuffer b = header(bytes, 'D');
        boolean live = b.get() == 0;
        long version = b.getLong();
        long create = b.getLong();
        String key = string(b);
        return new Data(live, version, create, key, rest(b));
    }

    static byte[] change(ChangeDoc c) {
        byte[] key = c.key().getBytes(StandardCharsets.UTF_8);
        byte[] value = c.value() == null ? new byte[0] : c.value();
        ByteBuffer b = ByteBuffer.allocate(2 + 2 + 8 + 4 + key.length + value.length);
        b.put((byte) 'C').put(FORMAT).put((byte) c.state().ordinal()).put((byte) c.type().ordinal())
                .putLong(c.revision()).putInt(key.length).put(key).put(value);
        return b.array();
    }

    static ChangeDoc change(byte[] bytes) {
        ByteBuffer b = header(bytes, 'C');
        State state = State.values()[b.get()];
        Change.Type type = Change.Type.values()[b.get()];
        long revision = b.getLong();
        String key = string(b);
        return new ChangeDoc(state, type, revision, key, rest(b));
    }

    static byte[] index(TreeSet<String> keys) {
        List<byte[]> encoded = new ArrayList<>(keys.size());
        int size = 2 + 4;
        for (String k : keys) {
            byte[] e = k.getBytes(StandardCharsets.UTF_8);
            encoded.add(e);
            size += 4 + e.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put((byte) 'I').put(FORMAT).putInt(encoded.size());
        for (byte[] e : encoded) {
            b.putInt(e.length).put(e);
        }
        return b.array();
    }

    static TreeSet<String> index(byte[] bytes) {
        ByteBuffer b = header(bytes, 'I');
        int n = b.getInt();
        TreeSet<String> keys = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            keys.add(string(b));
        }
        return keys;
    }

    static byte[] number(long value) {
        return ByteBuffer.allocate(10).put((byte) 'L').put(FORMAT).putLong(value).array();
    }

    static long number(byte[] bytes) {
        return header(bytes, 'L').getLong();
    }

    /** The revision counter is a Couchbase counter document: ASCII decimal digits. */
    static long counter(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.US_ASCII).trim();
        return s.isEmpty() ? 0 : Long.parseLong(s);
    }

    private static ByteBuffer header(byte[] bytes, char tag) {
        if (bytes.length < 2 || bytes[0] != tag || bytes[1] != FORMAT) {
            throw new IllegalStateException("not a '" + tag + "' document of format " + FORMAT + ": "
                    + Arrays.toString(Arrays.copyOf(bytes, Math.min(bytes.length, 8))));
        }
        return ByteBuffer.wrap(bytes, 2, bytes.length - 2);
    }

    private static String string(ByteBuffer b) {
        int n = b.getInt();
        byte[] s = new byte[n];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static byte[] rest(ByteBuffer b) {
        byte[] r = new byte[b.remaining()];
        b.get(r);
        return r;
    }
}
