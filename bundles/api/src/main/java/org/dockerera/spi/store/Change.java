package org.dockerera.spi.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * One write in the change feed.
 *
 * @param revision the store revision of the write
 * @param key      the key written
 * @param type     put or delete
 * @param value    the new value; null for a delete
 */
public record Change(long revision, String key, Type type, byte[] value) {
    /** The kind of write. */
    public enum Type { PUT, DELETE }

    public Change {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Change c && revision == c.revision && key.equals(c.key) && type == c.type
                && Arrays.equals(value, c.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(revision, key, type) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Change[" + revision + " " + type + " " + key + "]";
    }
}
