package org.dockerera.api;

/**
 * One-off runs of an app's active release. A run's container carries no published port and is never taken for an
 * instance of the app; it is removed once it exited and its output was read. A finished run (with its output) is
 * kept for a while, so a late reader still gets it.
 */
public interface RunService {

    /**
     * Starts {@code request} in a new container of the app's active release on a host placement picks.
     *
     * @throws DockereraException 404 {@code app-not-found}, 409 {@code not-deployed}, 422 {@code invalid-request},
     *                            503 when no host can take it
     */
    Run start(String app, RunRequest request, String actor);

    /** @throws DockereraException 404 {@code app-not-found}, {@code run-not-found} */
    Run get(String app, String id);

    /**
     * Prepares reading a run's output from its start: checks app and run; nothing is delivered until
     * {@link RunOutput#start}.
     *
     * @throws DockereraException 404 {@code app-not-found}, {@code run-not-found}
     */
    RunOutput output(String app, String id);

    /**
     * Kills the run's container and removes it; the run is forgotten.
     *
     * @throws DockereraException 404 {@code app-not-found}, {@code run-not-found}
     */
    void remove(String app, String id);

    /** Receives a run's output. */
    interface OutputListener {
        /** One line ({@code stream}: {@code stdout} or {@code stderr}), in the order the run wrote them. */
        void line(String stream, String line);

        /** The run exited ({@code exitCode} null when its host could not tell); nothing follows. */
        void exit(Integer exitCode);
    }

    /** A run's output being read. */
    interface RunOutput extends AutoCloseable {
        /** Delivers every line from the run's start, then new ones as it writes them, then its exit. */
        void start(OutputListener listener);

        @Override
        void close();
    }
}
