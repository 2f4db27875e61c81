package org.dockerera.spi.store;

import org.dockerera.api.DockereraException;

/** A compare-and-set failed: somebody else wrote the key first. */
public class CasConflictException extends DockereraException {
    private static final long serialVersionUID = 1L;
    private final String key;
    private final long expected;
    private final long actual;

    public CasConflictException(String key, long expected, long actual) {
        super(Kind.CONFLICT, "concurrent-modification", "Concurrent modification",
                "'" + key + "' changed meanwhile (expected version " + expected + ", found " + actual
                        + "); read it again and retry");
        this.key = key;
        this.expected = expected;
        this.actual = actual;
    }

    public String key() {
        return key;
    }

    public long expected() {
        return expected;
    }

    /** The current version, 0 when the key is absent. */
    public long actual() {
        return actual;
    }
}
