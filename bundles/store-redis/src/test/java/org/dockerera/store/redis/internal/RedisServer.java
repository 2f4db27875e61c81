package org.dockerera.store.redis.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real {@code redis-server} (Debian's {@code /usr/bin/redis-server}, or {@code $REDIS_SERVER}) as a child process
 * for tests and the bench: on 127.0.0.1 and a free port, its data in a directory of its own, with the AOF fsync'd on
 * every write ({@code appendonly yes}, {@code appendfsync always}) and no RDB snapshots. {@link #stop()} shuts it
 * down gracefully, {@link #kill()} with SIGKILL; {@link #start()} starts it again on the same port and directory.
 */
public final class RedisServer implements AutoCloseable {
    private static final String BINARY = System.getenv().getOrDefault("REDIS_SERVER", "/usr/bin/redis-server");
    private static final Duration STARTUP = Duration.ofSeconds(30);

    private final Path dir;
    private final int port;
    private final List<String> extraArgs;
    private Process process;

    private RedisServer(Path dir, int port, List<String> extraArgs) {
        this.dir = dir;
        this.port = port;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** Starts a server with its data in {@code dir} on a free port. */
    public static RedisServer start(Path dir) throws IOException {
        return start(dir, List.of());
    }

    /** As {@link #start(Path)}, with more redis-server options ({@code --tls-port …}). */
    public static RedisServer start(Path dir, List<String> extraArgs) throws IOException {
        RedisServer server = new RedisServer(dir, freePort(), extraArgs);
        server.start();
        return server;
    }

    public static boolean available() {
        return Files.isExecutable(Path.of(BINARY));
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public Path dir() {
        return dir;
    }

    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /**
     * Starts the server (again, on the same port and data) and returns once it logs that it accepts connections
     * (its log is its standard output, read line by line by a thread that also copies it to {@code redis.log}) and
     * answers PING.
     */
    public synchronized void start() throws IOException {
        if (running()) {
            return;
        }
        Files.createDirectories(dir);
        List<String> command = new java.util.ArrayList<>(List.of(BINARY, "--bind", "127.0.0.1", "--port",
                Integer.toString(port), "--dir", dir.toAbsolutePath().toString(), "--appendonly", "yes",
                "--appendfsync", "always", "--save", "", "--daemonize", "no", "--protected-mode", "yes"));
        command.addAll(extraArgs);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread logger = new Thread(() -> copyLog(p, ready), "redis-server-" + port + "-log");
        logger.setDaemon(true);
        logger.start();
        try {
            ready.get(STARTUP.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while redis-server started", e);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new IOException("redis-server on port " + port + " did not start within " + STARTUP + ": " + log(), e);
        }
        if (!ping()) {
            p.destroyForcibly();
            throw new IOException("redis-server on port " + port + " says it is ready but does not answer PING: " + log());
        }
        process = p;
    }

    private void copyLog(Process p, CompletableFuture<Void> ready) {
        try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8));
             java.io.Writer out = Files.newBufferedWriter(dir.resolve("redis.log"), StandardCharsets.UTF_8,
                     java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) {
            for (String line; (line = in.readLine()) != null; ) {
                out.write(line);
                out.write('\n');
                out.flush();
                if (line.contains("Ready to accept connections")) {
                    ready.complete(null);
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
        ready.completeExceptionally(new IOException("redis-server exited"));
    }

    /** SIGTERM: Redis flushes and exits. */
    public synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            process = null;
        }
    }

    /** SIGKILL: a crash; only what was fsync'd to the AOF survives. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    /** kill -9, then start again on the same port and data. */
    public void crashAndRestart() throws IOException, InterruptedException {
        kill();
        start();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    /** One PING over a plain socket (no client library), true on +PONG. */
    private boolean ping() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64];
            int n = in.read(buf);
            return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    private String log() {
        try {
            String text = Files.readString(dir.resolve("redis.log"));
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** A port nobody listens on now, never 6379. */
    public static int freePort() throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int p = s.getLocalPort();
                if (p != 6379) {
                    return p;
                }
            }
        }
    }
}
