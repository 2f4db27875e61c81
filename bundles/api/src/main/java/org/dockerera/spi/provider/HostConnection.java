package org.dockerera.spi.provider;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Calls to one host. Every method is bounded by the endpoint's timeouts and throws
 * {@link ProviderException} when the host is unreachable, slow or refuses.
 */
public interface HostConnection extends AutoCloseable {

    /** Engine id, version, CPUs, memory, container counts. */
    EngineInfo info();

    /** Containers carrying all of {@code labels} (all containers when empty); stopped ones too when {@code all}. */
    List<ContainerInfo> containers(Map<String, String> labels, boolean all);

    /** Creates (does not start) a container; returns its id. */
    String create(ContainerSpec spec);

    void start(String containerId);

    /** SIGTERM, then SIGKILL after {@code timeout}. Stopping a stopped container is not an error. */
    void stop(String containerId, Duration timeout);

    /** Removing an absent container is not an error. */
    void remove(String containerId, boolean force);

    /**
     * Pulls {@code image} ({@code registry/name:tag}) with optional credentials.
     *
     * @return the repo digest the registry gave ({@code registry/name@sha256:…}), or null if it reported none
     */
    String pull(String image, RegistryCredentials credentials);

    /** The last {@code tail} lines the container wrote (stdout and stderr interleaved); empty when it has none. */
    List<String> logs(String containerId, int tail);

    /**
     * Removes an image from the host. Absent is not an error; an image still used by a container is refused
     * ({@link ProviderException} {@code host-refused}).
     */
    void removeImage(String image);

    /**
     * Streams the host's container events (start, die, stop …) until closed. {@code onError} is called once when the
     * stream breaks; the caller re-subscribes.
     */
    AutoCloseable events(Consumer<ContainerEvent> listener, Consumer<Throwable> onError);

    @Override
    void close();
}
