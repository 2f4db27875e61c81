package org.dockerera.api;

import java.time.Instant;

/**
 * A finished migration between config store backends.
 *
 * @param from       the backend that was active
 * @param to         the backend active now
 * @param keys       keys copied (and found again in the target)
 * @param checksum   SHA-256 over every key and value, in key order, equal on both sides
 * @param fencedMs   how long writes were refused
 * @param revision   the target's revision after the copy (revisions restart on another backend: watchers re-list)
 * @param finished   when the switch happened
 */
public record StoreMigration(String from, String to, long keys, String checksum, long fencedMs, long revision,
                             Instant finished) {
}
