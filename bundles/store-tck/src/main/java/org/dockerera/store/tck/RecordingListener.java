package org.dockerera.store.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.dockerera.spi.store.Change;
import org.dockerera.spi.store.ChangeListener;

/**
 * A {@link ChangeListener} that records what it is told, for assertions. Thread-safe; the accessors return copies.
 * An optional predicate makes {@link #onChange} throw for chosen changes, to prove a failing listener does not stop
 * its watch.
 */
public final class RecordingListener implements ChangeListener {
    private final List<Change> changes = new ArrayList<>();
    private final List<Long> resyncs = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private final List<String> threads = new ArrayList<>();
    private final Predicate<Change> throwOn;

    public RecordingListener() {
        this(c -> false);
    }

    public RecordingListener(Predicate<Change> throwOn) {
        this.throwOn = throwOn;
    }

    @Override
    public synchronized void onChange(Change change) {
        changes.add(change);
        threads.add(Thread.currentThread().getName());
        if (throwOn.test(change)) {
            throw new IllegalStateException("listener failure requested by the test for " + change);
        }
    }

    @Override
    public synchronized void onResync(long revision) {
        resyncs.add(revision);
    }

    @Override
    public synchronized void onError(Throwable error) {
        errors.add(error);
    }

    public synchronized List<Change> changes() {
        return List.copyOf(changes);
    }

    public synchronized List<String> keys() {
        return changes.stream().map(Change::key).toList();
    }

    public synchronized List<Long> revisions() {
        return changes.stream().map(Change::revision).toList();
    }

    public synchronized List<Long> resyncs() {
        return List.copyOf(resyncs);
    }

    public synchronized List<Throwable> errors() {
        return List.copyOf(errors);
    }

    public synchronized List<String> threads() {
        return List.copyOf(threads);
    }
}
