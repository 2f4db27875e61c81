package org.dockerera.rest.internal;

import java.time.Duration;

/**
 * Tunables of the API (from {@code etc/org.dockerera.rest.cfg} in Karaf).
 *
 * @param sessionIdleTimeout a browser session expires after this long unused
 * @param sessionRecheck     how often a session re-confirms its token was not revoked elsewhere
 * @param heartbeat          interval of SSE heartbeat comments
 * @param maxBodyBytes       largest accepted request body
 * @param sseQueueLimit      frames an SSE client may fall behind before it is disconnected
 */
record RestSettings(Duration sessionIdleTimeout, Duration sessionRecheck, Duration heartbeat, int maxBodyBytes,
                    int sseQueueLimit) {
    static RestSettings defaults() {
        return new RestSettings(Duration.ofHours(12), Duration.ofSeconds(60), Duration.ofSeconds(15), 1024 * 1024, 1000);
    }
}
