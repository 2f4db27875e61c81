package org.dockerera.store.embedded.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * An H2 file system ({@code faulty:/path}) over the real one that lets a test fail the disk, fail fsync, hold an
 * fsync at a gate, and count writes and forces. Public only because H2 instantiates wrappers reflectively.
 */
public final class FaultyFilePath extends FilePathWrapper {
    static final String SCHEME = "faulty";
    private static final Map<String, Disk> DISKS = new ConcurrentHashMap<>();

    static {
        FilePath.register(new FaultyFilePath());
    }

    /** What the injected disk does. */
    enum Mode {
        HEALTHY,
        /** every open, read, write and force fails, as with a detached or dead disk */
        GONE,
        /** writes succeed, fsync fails */
        FSYNC_FAILS
    }

    /** The state of one file. */
    static final class Disk {
        volatile Mode mode = Mode.HEALTHY;
        final AtomicLong writes = new AtomicLong();
        final AtomicLong forces = new AtomicLong();
        /** The write count covered by the newest completed force. */
        final AtomicLong forcedWrites = new AtomicLong();
        /** When set, the next force waits here until counted down. */
        volatile CountDownLatch forceGate;
        final CountDownLatch forceWaiting = new CountDownLatch(1);

        long unforcedWrites() {
            return writes.get() - forcedWrites.get();
        }
    }

    public FaultyFilePath() {
    }

    static String fileName(Path file) {
        return SCHEME + ":" + file.toAbsolutePath();
    }

    static Disk disk(Path file) {
        return DISKS.computeIfAbsent(file.toAbsolutePath().toString(), k -> new Disk());
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        Disk disk = disk(Path.of(name.substring(SCHEME.length() + 1)));
        if (disk.mode == Mode.GONE) {
            throw new IOException("injected fault: the disk is gone");
        }
        return new Channel(getBase().open(mode), disk);
    }

    private static final class Channel extends FileBase {
        private final FileChannel base;
        private final Disk disk;

        Channel(FileChannel base, Disk disk) {
            this.base = base;
            this.disk = disk;
        }

        private void check() throws IOException {
            if (disk.mode == Mode.GONE) {
                throw new IOException("injected fault: the disk is gone");
            }
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            check();
            return base.read(dst);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            check();
            return base.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            check();
            disk.writes.incrementAndGet();
            return base.write(src);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            check();
            disk.writes.incrementAndGet();
            return base.write(src, position);
        }

        @Override
        public long position() throws IOException {
            return base.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            base.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            check();
            return base.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            check();
            disk.writes.incrementAndGet();
            base.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            CountDownLatch gate = disk.forceGate;
            if (gate != null) {
                disk.forceGate = null;
                disk.forceWaiting.countDown();
                try {
                    if (!gate.await(60, TimeUnit.SECONDS)) {
                        throw new IOException("the test never opened the force gate");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            check();
            if (disk.mode == Mode.FSYNC_FAILS) {
                throw new IOException("injected fault: fsync failed");
            }
            long covered = disk.writes.get();
            base.force(metaData);
            disk.forces.incrementAndGet();
            disk.forcedWrites.accumulateAndGet(covered, Math::max);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return base.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            base.close();
        }
    }
}
