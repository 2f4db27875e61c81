package org.dockerera.store.couchbase.internal;

import static com.couchbase.client.java.kv.GetOptions.getOptions;
import static com.couchbase.client.java.kv.IncrementOptions.incrementOptions;
import static com.couchbase.client.java.kv.InsertOptions.insertOptions;
import static com.couchbase.client.java.kv.RemoveOptions.removeOptions;
import static com.couchbase.client.java.kv.ReplaceOptions.replaceOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import com.couchbase.client.core.error.CouchbaseException;
import com.couchbase.client.core.error.DocumentNotFoundException;
import com.couchbase.client.java.Collection;
import com.couchbase.client.java.codec.RawBinaryTranscoder;
import com.couchbase.client.java.kv.GetOptions;
import com.couchbase.client.java.kv.GetResult;
import com.couchbase.client.java.kv.InsertOptions;
import com.couchbase.client.java.kv.ReplaceOptions;

/**
 * The few key-value operations the store uses, on raw bytes. Semantic outcomes stay Couchbase exceptions
 * ({@code DocumentExistsException}, {@code CasMismatchException}, {@code DocumentNotFoundException}) for the caller
 * to decide; a missing document on a read is {@code null}.
 */
final class Kv {
    /** A document's bytes and CAS. */
    record Doc(byte[] bytes, long cas) {
    }

    private static final GetOptions GET = getOptions().transcoder(RawBinaryTranscoder.INSTANCE);
    private static final InsertOptions INSERT = insertOptions().transcoder(RawBinaryTranscoder.INSTANCE);

    private final Collection collection;

    Kv(Collection collection) {
        this.collection = collection;
    }

    Doc get(String id) {
        try {
            GetResult r = collection.get(id, GET);
            return new Doc(r.contentAs(byte[].class), r.cas());
        } catch (DocumentNotFoundException e) {
            return null;
        }
    }

    /** Reads all {@code ids} in parallel; null where a document is missing. */
    List<Doc> getAll(List<String> ids) {
        List<CompletableFuture<Doc>> futures = new ArrayList<>(ids.size());
        for (String id : ids) {
            futures.add(collection.async().get(id, GET)
                    .thenApply(r -> new Doc(r.contentAs(byte[].class), r.cas()))
                    .exceptionally(e -> {
                        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                        if (cause instanceof DocumentNotFoundException) {
                            return null;
                        }
                        throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
                    }));
        }
        List<Doc> docs = new ArrayList<>(ids.size());
        for (CompletableFuture<Doc> f : futures) {
            docs.add(join(f));
        }
        return docs;
    }

    /** Removes all {@code ids} in parallel, ignoring missing ones. */
    void removeAll(List<String> ids) {
        List<CompletableFuture<?>> futures = new ArrayList<>(ids.size());
        for (String id : ids) {
            futures.add(collection.async().remove(id).handle((r, e) -> {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                if (cause == null || cause instanceof DocumentNotFoundException) {
                    return null;
                }
                throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
            }));
        }
        futures.forEach(Kv::join);
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new CouchbaseException("key-value operation failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CouchbaseException("interrupted", e);
        }
    }

    long insert(String id, byte[] bytes) {
        return collection.insert(id, bytes, INSERT).cas();
    }

    long replace(String id, byte[] bytes, long cas) {
        ReplaceOptions options = replaceOptions().transcoder(RawBinaryTranscoder.INSTANCE).cas(cas);
        return collection.replace(id, bytes, options).cas();
    }

    void remove(String id, long cas) {
        collection.remove(id, removeOptions().cas(cas));
    }

    /** Couchbase's atomic counter: creates it at 1, else adds 1; returns the new value. */
    long increment(String id) {
        return collection.binary().increment(id, incrementOptions().initial(1).delta(1)).content();
    }
}
