package org.dockerera.controller.internal;

import java.util.Optional;
import org.dockerera.spi.provider.HostConnection;

/** What the deploy engine needs of the hosts beyond {@link org.dockerera.api.HostService}: bundle-private. */
public interface HostRegistry {
    /** The monitored connection to a host, if it is known. */
    Optional<HostConnection> connection(String hostId);

    /**
     * The address published container ports bind to on the host, and that the controller and routers dial: the IP of
     * a {@code tcp://} host, 127.0.0.1 for a local {@code unix://} one.
     */
    String publishAddress(String hostId);

    /**
     * Whether the host's status is settled: it answered a heartbeat, or was declared down. Right after a controller
     * start, hosts are neither until their first heartbeat (or the down timeout): decisions about their instances
     * wait.
     */
    boolean known(String hostId);

    /** A draining host has no instance left: keep it cordoned, stop draining, announce {@code host.drained}. */
    void markDrained(String hostId);
}
