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
     * The lines the container wrote, each with the engine's timestamp and its stream (stdout or stderr), oldest first,
     * as far as the engine keeps them; a stopped container's too.
     *
     * @since 0.3
     */
    default List<LogLine> logs(String containerId, LogOptions options) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot read timestamped logs");
    }

    /**
     * Follows the container's log: first the lines {@code options} select, then every new line as it is written,
     * until the container stops (then {@link LogFollower#ended} with null) or the returned handle is closed. The
     * stream's reads are unbounded (a quiet container writes nothing for hours); opening it is bounded by the call
     * timeout. Lines arrive on a thread of the stream's own.
     *
     * @since 0.3
     */
    default AutoCloseable followLogs(String containerId, LogOptions options, LogFollower follower) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot follow logs");
    }

    /**
     * One sample of a running container's CPU and memory use; null when it is not running. May take the engine's
     * sampling interval (about a second on Docker) plus the call's latency.
     *
     * @since 0.3
     */
    default ContainerStats stats(String containerId) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot read container stats");
    }

    /**
     * Waits at most {@code timeout} for the container to exit; answers its exit code, or null when it still runs
     * after that. An absent container is {@link ProviderException} {@code not-found-on-host}.
     *
     * @since 0.3
     */
    default Integer awaitExit(String containerId, Duration timeout) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot wait for containers");
    }

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
