package org.dockerera.provider.docker.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.hc.core5.concurrent.Cancellable;

/**
 * The policy and the in-flight HTTP requests of one provider call. The code that runs a docker-java command
 * {@linkplain #bind() binds} a scope to its thread; {@link DockerTransport} reads the response timeout from it and
 * registers every request it opens, so that the hard deadline can {@linkplain #abort() abort} them: aborting closes
 * their sockets, which frees a thread blocked reading from a hung daemon (TCP and unix alike).
 *
 * <p>The scope is an {@link InheritableThreadLocal}, so docker-java's streaming threads (events, pull), which are
 * created while the scope is bound, carry it too.
 */
final class CallScope {

    private static final InheritableThreadLocal<CallScope> CURRENT = new InheritableThreadLocal<>();

    private final Duration responseTimeout;
    private final List<Cancellable> inFlight = new ArrayList<>();
    private boolean aborted;

    /**
     * @param responseTimeout bound on waiting for response bytes on the socket ({@link Duration#ZERO}: none, for
     *                        event streams whose start is watched separately)
     */
    CallScope(Duration responseTimeout) {
        this.responseTimeout = responseTimeout;
    }

    /** The scope bound to this thread, or null. */
    static CallScope current() {
        return CURRENT.get();
    }

    Duration responseTimeout() {
        return responseTimeout;
    }

    /** Binds this scope to the calling thread until the returned handle is closed. */
    Binding bind() {
        CallScope previous = CURRENT.get();
        CURRENT.set(this);
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** Registers a request; if the scope was already aborted the request is cancelled at once. */
    void register(Cancellable request) {
        boolean cancelNow;
        synchronized (this) {
            cancelNow = aborted;
            if (!cancelNow) {
                inFlight.add(request);
            }
        }
        if (cancelNow) {
            request.cancel();
        }
    }

    synchronized void unregister(Cancellable request) {
        inFlight.remove(request);
    }

    /** Cancels every request of this call (closing their connections) and any it opens later. */
    void abort() {
        List<Cancellable> toCancel;
        synchronized (this) {
            aborted = true;
            toCancel = new ArrayList<>(inFlight);
            inFlight.clear();
        }
        for (Cancellable c : toCancel) {
            try {
                c.cancel();
            } catch (RuntimeException e) {
                // best effort: the connection is being torn down anyway
            }
        }
    }

    synchronized boolean aborted() {
        return aborted;
    }

    /** Unbinds a scope. */
    interface Binding extends AutoCloseable {
        @Override
        void close();
    }
}
