package org.dockerera.spi.store;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A stored value.
 *
 * @param key            the key
 * @param value          the bytes stored
 * @param version        the revision of the last write of this key
 * @param createRevision the revision that created it
 */
public record Entry(String key, byte[] value, long version, long createRevision) {
    public Entry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    public String valueAsString() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry e && key.equals(e.key) && java.util.Arrays.equals(value, e.value)
                && version == e.version && createRevision == e.createRevision;
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, version, createRevision) * 31 + java.util.Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Entry[" + key + " v" + version + " (" + value.length + " bytes)]";
    }
}
