package org.dockerera.store.embedded.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * An H2 file system ({@code dockerera-uninterruptible:path}) whose file operations run on threads nobody interrupts.
 *
 * <p>A {@link FileChannel} is closed, for every thread, when a thread blocked in one of its operations is interrupted.
 * The store's callers are engine threads, HTTP request threads and Camel consumers, any of which may be interrupted
 * (a component deactivated, an executor shut down, a client gone); the first such interrupt inside MVStore's reads,
 * chunk writes or fsync used to close the file under every caller and fail the store. In EngineIT a controller
 * stopped mid-deploy did exactly that, and the reopen lost a deploy record. So each channel operation is handed to
 * an I/O thread of this class and awaited without giving up on an interrupt: the caller's interrupt status is kept for
 * it to act on once the store call returns. The handoff costs a few microseconds per operation; MVStore reads pages
 * through its cache and writes one chunk per commit, so the operations are few.
 *
 * <p>Public only because H2 instantiates wrappers reflectively.
 */
public final class UninterruptibleFilePath extends FilePathWrapper {
    static final String SCHEME = "dockerera-uninterruptible";

    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Daemon threads that end after a minute idle; never interrupted, never shut down. */
    private static final ExecutorService IO = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "dockerera-store-io-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    static {
        FilePath.register(new UninterruptibleFilePath());
    }

    public UninterruptibleFilePath() {
    }

    /** The name under which MVStore opens {@code fileName} (a path, or a path under another H2 file system). */
    static String fileName(String fileName) {
        return SCHEME + ":" + fileName;
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        FilePath base = getBase();
        return new Channel(call(() -> base.open(mode)));
    }

    private interface IoCall<T> {
        T run() throws IOException;
    }

    /** Runs {@code io} on an I/O thread and waits for it, however often this thread is interrupted meanwhile. */
    private static <T> T call(IoCall<T> io) throws IOException {
        Future<T> result = IO.submit(io::run);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException) {
                        throw (IOException) cause;
                    }
                    if (cause instanceof RuntimeException) {
                        throw (RuntimeException) cause;
                    }
                    if (cause instanceof Error) {
                        throw (Error) cause;
                    }
                    throw new UncheckedIOException(new IOException(cause));
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final class Channel extends FileBase {
        private final FileChannel base;

        Channel(FileChannel base) {
            this.base = base;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return call(() -> base.read(dst));
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return call(() -> base.read(dst, position));
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return call(() -> base.write(src));
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return call(() -> base.write(src, position));
        }

        @Override
        public long position() throws IOException {
            return call(base::position);
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            call(() -> base.position(newPosition));
            return this;
        }

        @Override
        public long size() throws IOException {
            return call(base::size);
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            call(() -> base.truncate(size));
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            call(() -> {
                base.force(metaData);
                return null;
            });
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return call(() -> base.tryLock(position, size, shared));
        }

        @Override
        protected void implCloseChannel() throws IOException {
            call(() -> {
                base.close();
                return null;
            });
        }

        @Override
        public String toString() {
            return SCHEME + ":" + base;
        }
    }
}
