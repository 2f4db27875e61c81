package org.dockerera.spi.scheduler;

/**
 * Ranks the feasible hosts for the next instance: the pluggable half of placement (the filters are fixed).
 * <p>
 * Register implementations as OSGi services with the property {@value #PROPERTY} naming the strategy
 * ({@code spread}, {@code binpack}, {@code random}, …); the scheduler uses the one named by {@code strategy} in
 * {@code etc/org.dockerera.scheduler.cfg} and switches when that changes.
 * <p>
 * The scheduler orders hosts by, in turn: fewer instances of the app (anti-affinity, always first), higher
 * {@link #score}, smaller host id. Scores of different hosts are compared within one request only.
 */
public interface PlacementStrategy {
    /** The service property that names a strategy. */
    String PROPERTY = "dockerera.strategy";

    /**
     * How good {@code host} is for one more instance of {@code request}; higher is better. {@code host} is the
     * tentative state (earlier instances of the same request already counted in) and has passed every filter, so
     * the instance fits. Called once per feasible host and again each time an instance lands on it; implementations
     * must be thread-safe (requests of different apps are placed concurrently) and fast (no I/O).
     */
    double score(HostSnapshot host, PlacementRequest request);
}
