package org.dockerera.scheduler.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.dockerera.spi.scheduler.HostSnapshot;

/** Plain host values for tests. */
final class Hosts {
    static final long MIB = 1024L * 1024;
    static final long GIB = 1024 * MIB;

    private Hosts() {
    }

    /** An up, schedulable, empty host; labels as {@code key=value} strings. */
    static HostSnapshot host(String id, double cpus, long memoryBytes, String... labels) {
        Map<String, String> l = new HashMap<>();
        for (String kv : labels) {
            int eq = kv.indexOf('=');
            l.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return HostSnapshot.of(id, l, cpus, memoryBytes);
    }

    /** A 4 CPU / 8 GiB host. */
    static HostSnapshot host(String id, String... labels) {
        return host(id, 4, 8 * GIB, labels);
    }

    static HostSnapshot withPorts(HostSnapshot h, Integer... ports) {
        return h.withUsedPorts(Set.of(ports));
    }
}
