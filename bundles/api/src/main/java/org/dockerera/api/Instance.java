package org.dockerera.api;

import java.time.Instant;

/**
 * One running container of an app.
 *
 * @param id          dockerera's instance id (also the container name suffix)
 * @param app         app name
 * @param release     release version it runs
 * @param hostId      host it runs on
 * @param containerId the engine's container id
 * @param address     published {@code host-ip:port} the controller and routers dial
 * @param state       observed state
 * @param since       when it entered that state
 * @param stats       its CPU and memory use when asked for ({@link AppService#instances(String, boolean)}) and
 *                    known; null otherwise (not running, host down or slow)
 */
public record Instance(String id, String app, int release, String hostId, String containerId, String address,
                       InstanceState state, Instant since, InstanceStats stats) {

    /** An instance without stats. */
    public Instance(String id, String app, int release, String hostId, String containerId, String address,
                    InstanceState state, Instant since) {
        this(id, app, release, hostId, containerId, address, state, since, null);
    }

    public Instance withStats(InstanceStats s) {
        return new Instance(id, app, release, hostId, containerId, address, state, since, s);
    }
}
