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
 */
public record Instance(String id, String app, int release, String hostId, String containerId, String address,
                       InstanceState state, Instant since) {
}
