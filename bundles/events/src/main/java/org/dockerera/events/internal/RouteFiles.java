package org.dockerera.events.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;

import org.dockerera.api.events.RouteFileStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the routes directory on its own thread and keeps the context's file routes in step with it: a new or
 * changed {@code *.yaml}, {@code *.yml} or {@code *.xml} file is loaded (replacing the routes of its previous version),
 * a deleted one has its routes removed. Names starting with {@code .} or ending in {@code ~} (editors' temporary
 * files) and other extensions are ignored.
 *
 * <p>Partial writes: a file is read only once its size and modification time stayed the same for {@link #quiet}
 * (a WatchService event, or a scan every 2 s as a fallback, starts the count), and only loaded when its content
 * (SHA-256) differs from what was last loaded or failed. Writing a file elsewhere and moving it in is atomic anyway.
 */
final class RouteFiles implements AutoCloseable {
    static final Duration QUIET = Duration.ofMillis(300);
    private static final Duration IDLE_SCAN = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(RouteFiles.class);

    private final CamelRuntime runtime;
    private final Path dir;
    private final Duration quiet;
    private final Map<String, RouteFileStatus> statuses = new ConcurrentSkipListMap<>();
    /** Per file on this thread: the last stamp seen, when it was first seen, and the hash last acted upon. */
    private final Map<String, Seen> seen = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private WatchService watch;

    private record Stamp(long size, long modified) {
    }

    private static final class Seen {
        Stamp stamp;
        long since;
        String hash;
    }

    RouteFiles(CamelRuntime runtime, Path dir, Duration quiet) {
        this.runtime = runtime;
        this.dir = dir;
        this.quiet = quiet;
        this.thread = new Thread(this::run, "dockerera-route-files");
        thread.setDaemon(true);
    }

    Path directory() {
        return dir;
    }

    void start() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            LOG.warn("Route files: cannot create {}: {}", dir, e.toString());
        }
        LOG.info("Loading Camel route files (*.yaml, *.yml, *.xml) from {}, live", dir);
        thread.start();
    }

    List<RouteFileStatus> statuses() {
        return new ArrayList<>(statuses.values());
    }

    @Override
    public void close() {
        running = false;
        WatchService w = watch;
        if (w != null) {
            try {
                w.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        WatchKey key = null;
        try {
            while (running) {
                if (key == null || !key.isValid()) {
                    key = register();
                }
                boolean pending = scan();
                WatchService w = watch;
                Duration wait = pending ? quiet : IDLE_SCAN;
                if (w == null) {
                    Thread.sleep(wait.toMillis()); // no directory to watch yet: poll for it
                    continue;
                }
                WatchKey signalled = w.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
                if (signalled != null) {
                    signalled.pollEvents();
                    signalled.reset();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException stopping) {
            // closed
        } catch (RuntimeException | Error e) {
            LOG.error("Route files watcher stopped unexpectedly; route files are no longer reloaded", e);
        }
    }

    private WatchKey register() {
        try {
            if (watch == null) {
                watch = dir.getFileSystem().newWatchService();
            }
            if (!Files.isDirectory(dir)) {
                return null;
            }
            return dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException e) {
            LOG.debug("Route files: cannot watch {} ({}); scanning it instead", dir, e.toString());
            return null;
        }
    }

    /** One pass over the directory; true while some file is still settling. */
    private boolean scan() throws InterruptedException {
        Map<String, Stamp> present = new HashMap<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
                for (Path p : stream) {
                    String name = p.getFileName().toString();
                    if (!isRouteFile(name)) {
                        continue;
                    }
                    try {
                        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                        if (a.isRegularFile()) {
                            present.put(name, new Stamp(a.size(), a.lastModifiedTime().toMillis()));
                        }
                    } catch (NoSuchFileException gone) {
                        // deleted meanwhile
                    }
                }
            } catch (IOException e) {
                LOG.debug("Route files: cannot list {}: {}", dir, e.toString());
                return true;
            }
        }
        for (String gone : new ArrayList<>(seen.keySet())) {
            if (!present.containsKey(gone)) {
                seen.remove(gone);
                statuses.remove(gone);
                Set<String> removed = runtime.unloadFile(gone);
                LOG.info("Route file {} deleted: removed its routes {}", gone, removed);
            }
        }
        boolean pending = false;
        long now = System.nanoTime();
        for (Map.Entry<String, Stamp> e : present.entrySet()) {
            Seen s = seen.computeIfAbsent(e.getKey(), k -> new Seen());
            if (!e.getValue().equals(s.stamp)) {
                s.stamp = e.getValue();
                s.since = now;
                pending = true;
            } else if (s.since != 0) {
                if (now - s.since < quiet.toNanos()) {
                    pending = true;
                } else {
                    s.since = 0;
                    load(e.getKey(), s);
                }
            }
        }
        return pending;
    }

    private void load(String name, Seen s) throws InterruptedException {
        String text;
        try {
            text = Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
        } catch (NoSuchFileException gone) {
            return; // the next scan removes it
        } catch (IOException e) {
            fail(name, s, null, new RouteFileException(null, null, "cannot read the file: " + e));
            return;
        }
        String hash = sha256(text);
        if (hash.equals(s.hash)) {
            return;
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        s.hash = hash;
        try {
            Set<String> ids = runtime.loadFile(name, text);
            statuses.put(name, new RouteFileStatus(name, RouteFileStatus.LOADED, List.copyOf(ids), null, null, null,
                    Instant.now()));
            LOG.info("Route file {} loaded: routes {}", name, ids);
        } catch (RouteFileException e) {
            fail(name, s, text, e);
        }
    }

    private void fail(String name, Seen s, String text, RouteFileException e) {
        Set<String> kept = runtime.fileRoutes(name);
        statuses.put(name, new RouteFileStatus(name, RouteFileStatus.FAILED, List.copyOf(kept), e.line(), e.column(),
                e.reason(), Instant.now()));
        String where = e.line() == null ? "" : " line " + e.line() + (e.column() == null ? "" : ", column " + e.column());
        String keptText = kept.isEmpty() ? "none of its routes runs" : "its previous version's routes " + kept
                + " keep running";
        if (e.getCause() != null) {
            LOG.error("Route file {} not loaded ({}):{} {}", name, keptText, where, e.reason(), e.getCause());
        } else {
            LOG.error("Route file {} not loaded ({}):{} {}", name, keptText, where, e.reason());
        }
    }

    static boolean isRouteFile(String name) {
        return !name.startsWith(".") && !name.endsWith("~")
                && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".xml"));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
