package org.dockerera.api;

import java.util.List;
import java.util.function.Consumer;

/**
 * An app's log: the lines its instances wrote, merged by time. Live instances are read from their hosts; the last
 * lines of instances that were replaced, failed or scaled away are kept by the controller (a bounded number per app),
 * so they survive a redeploy.
 */
public interface LogService {

    /**
     * Oldest first: the newest {@link LogQuery#lines()} lines across instances (live and gone) that match.
     *
     * @throws DockereraException 404 {@code app-not-found}
     */
    List<LogEntry> logs(String app, LogQuery query);

    /**
     * Prepares following the app's log: checks the app and reads what {@link #logs} would answer now. Nothing is
     * delivered until {@link LogStream#start}.
     *
     * @throws DockereraException 404 {@code app-not-found}
     */
    LogStream follow(String app, LogQuery query);

    /** A followed log. */
    interface LogStream extends AutoCloseable {
        /**
         * Delivers the lines read when it was prepared, then every new line as the app's instances write it: those
         * running now and those started later (deploys, scaling, restarts), until {@link #close}. Lines come from
         * several threads, one at a time.
         */
        void start(Consumer<LogEntry> listener);

        @Override
        void close();
    }
}
