package org.dockerera.router.apache.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One httpd parent process in its own server root, and the few ways to talk to it: {@code apache2 -t} (config test),
 * signals (graceful reload, graceful stop) and an HTTP request to the marker virtual host asking which config
 * generation serves, plus what httpd does not tell: whether a child of an older generation still holds the listening
 * socket (from /proc), and which httpd processes run on this config without being ours (strays of an earlier run).
 * The parent runs in the foreground ({@code -DFOREGROUND}) as this JVM's child, so its pid is known without a pid
 * file.
 */
final class Httpd {
    private final String binary;
    private final Path dir;
    private final Path conf;
    private final String probeHost;
    private final int port;
    private final int managerPort;
    private Process parent;

    Httpd(String binary, Path dir, String listenHost, int port, int managerPort) {
        this.binary = binary;
        this.dir = dir;
        this.conf = dir.resolve("httpd.conf");
        this.probeHost = probeHost(listenHost);
        this.port = port;
        this.managerPort = managerPort;
    }

    /** The address to reach a listener on {@code listenHost} from this machine. */
    static String probeHost(String listenHost) {
        String h = listenHost == null ? "" : listenHost.trim();
        if (h.isEmpty() || h.equals("*") || h.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        if (h.equals("::") || h.equals("[::]")) {
            return "::1";
        }
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    Path conf() {
        return conf;
    }

    /** Checks the binary and the modules are there, so that a missing package is named as such. */
    static void checkInstalled(String binary, String modulesDir) {
        if (!Files.isExecutable(Path.of(binary))) {
            throw new IllegalStateException("Apache httpd not found: " + binary + " is not an executable file. "
                    + "Install Debian's apache2 package (apt-get install apache2; scripts/env.sh up does it) or set "
                    + "binary in etc/org.dockerera.router.apache.cfg");
        }
        for (String m : Layout.MODULES) {
            if (!Files.isRegularFile(Path.of(modulesDir, "mod_" + m + ".so"))) {
                throw new IllegalStateException("Apache httpd module " + m + " not found in " + modulesDir
                        + " (mod_" + m + ".so): install Debian's apache2 package or set modulesDir in "
                        + "etc/org.dockerera.router.apache.cfg");
            }
        }
    }

    /**
     * {@code apache2 -t} on {@code file}: null when httpd accepts it, else what httpd said. Nothing is bound or
     * started by a config test.
     */
    String configtest(Path file) throws IOException {
        Process p = new ProcessBuilder(binary, "-t", "-d", dir.toString(), "-f", file.toString())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = String.join(" ", new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim)
                    .filter(l -> !l.isEmpty()).toList()); // one line, as error messages are
        }
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "apache2 -t did not finish within 30 s";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while apache2 -t ran", e);
        }
        return p.exitValue() == 0 ? null : (out.isEmpty() ? "apache2 -t exited with " + p.exitValue() : out);
    }

    /** Starts the parent on {@link #conf()}; its own output (before the error log opens) goes to httpd.out. */
    void start() throws IOException {
        Path out = dir.resolve("httpd.out");
        parent = new ProcessBuilder(binary, "-d", dir.toString(), "-f", conf.toString(), "-DFOREGROUND")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
        parent.getOutputStream().close();
    }

    boolean alive() {
        return parent != null && parent.isAlive();
    }

    long pid() {
        return parent == null ? -1 : parent.pid();
    }

    /** A graceful reload: the parent re-reads the config, old children finish what they serve, new ones start. */
    void gracefulReload() throws IOException {
        signal("USR1");
    }

    private void signal(String name) throws IOException {
        if (!alive()) {
            throw new IOException("httpd is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(parent.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IOException("kill -" + name + " " + parent.pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while signalling httpd", e);
        }
    }

    /**
     * The config generation the listener serves to a new connection now, -1 when it does not answer (or not with a
     * marker) within {@code timeout}.
     */
    long servingGeneration(Duration timeout) {
        try (Socket s = new Socket()) {
            int ms = (int) Math.max(1, timeout.toMillis());
            s.connect(new InetSocketAddress(probeHost, port), ms);
            s.setSoTimeout(ms);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + Layout.MARKER_HOST
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] head = readHead(s.getInputStream());
            String prefix = Layout.GENERATION_HEADER.toLowerCase(Locale.ROOT) + ":";
            for (String line : new String(head, StandardCharsets.ISO_8859_1).split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                    return Long.parseLong(line.substring(prefix.length()).trim());
                }
            }
            return -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static byte[] readHead(InputStream in) throws IOException {
        byte[] buf = new byte[8192];
        int n = 0;
        while (n < buf.length) {
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
            for (int i = 3; i < n; i++) {
                if (buf[i - 3] == '\r' && buf[i - 2] == '\n' && buf[i - 1] == '\r' && buf[i] == '\n') {
                    return Arrays.copyOf(buf, i);
                }
            }
        }
        return Arrays.copyOf(buf, n);
    }

    /**
     * Waits until a new connection is served by config {@code generation}: then the parent has read it and its new
     * children took over the listener (old ones only finish what they serve).
     *
     * @throws IOException when httpd exits meanwhile or does not get there within {@code timeout}
     */
    void awaitGeneration(long generation, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long seen = -1;
        while (System.nanoTime() < deadline) {
            seen = servingGeneration(Duration.ofSeconds(2));
            if (seen == generation) {
                return;
            }
            if (!alive()) {
                throw new IOException("httpd exited (" + parent.exitValue() + "): " + logTail());
            }
            LockSupport.parkNanos(10_000_000);
        }
        throw new IOException("httpd did not serve config generation " + generation + " within " + timeout.toMillis()
                + " ms (a new connection " + (seen < 0 ? "got no answer" : "was served by generation " + seen)
                + "): " + logTail());
    }

    /** The parent's children now (after a reload: the old generation's, until they exit). */
    Set<Long> children() {
        Set<Long> out = new HashSet<>();
        if (parent != null) {
            parent.children().forEach(c -> out.add(c.pid()));
        }
        return out;
    }

    /**
     * Waits until none of {@code oldChildren} holds a listening socket any more (the data port's or the manager's):
     * an old child that got the reload signal closes its copy of the listeners (and only finishes what it serves),
     * but under load it may still accept a connection in the instant after the new generation began to serve. Once no
     * old child holds them, every connection accepted is served by the new config. Read from /proc (Linux); where that
     * cannot be read, it returns at once.
     *
     * @throws IOException when an old child still listens after {@code timeout}
     */
    void awaitOldChildrenClosedListener(Set<Long> oldChildren, Duration timeout) throws IOException {
        Set<String> listener = listenerSockets();
        if (listener.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Long> listening = oldChildren.stream().filter(pid -> holdsAny(pid, listener)).toList();
            if (listening.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("httpd children " + listening + " of the previous config still listen after "
                        + timeout.toMillis() + " ms: " + logTail());
            }
            LockSupport.parkNanos(5_000_000);
        }
    }

    /** The {@code socket:[inode]} links of the listening sockets the parent holds on our ports, none if unreadable. */
    private Set<String> listenerSockets() {
        Set<String> onPort = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (String l : lines.subList(Math.min(1, lines.size()), lines.size())) {
                    String[] f = l.trim().split("\\s+");
                    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                    int local = f.length > 9 ? Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16) : -1;
                    if (f.length > 9 && f[3].equals("0A") && (local == port || local == managerPort)) {
                        onPort.add("socket:[" + f[9] + "]");
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no such table (no IPv6), or not Linux
            }
        }
        Set<String> held = new HashSet<>();
        if (parent != null) {
            for (String link : fdLinks(parent.pid())) {
                if (onPort.contains(link)) {
                    held.add(link);
                }
            }
        }
        return held;
    }

    private static boolean holdsAny(long pid, Set<String> sockets) {
        return fdLinks(pid).stream().anyMatch(sockets::contains);
    }

    /** Where a process's file descriptors point ({@code socket:[123]} …); empty when it is gone. */
    private static List<String> fdLinks(long pid) {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid),
                "fd"))) {
            for (Path fd : fds) {
                try {
                    out.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            // gone, or not ours to read
        }
        return out;
    }

    /**
     * Stops the parent and every child: a graceful stop (SIGWINCH: requests in flight finish, bounded by httpd's
     * GracefulShutdownTimeout), then SIGTERM, then SIGKILL for whatever is left.
     */
    void stop(Duration grace) {
        if (parent == null) {
            return;
        }
        List<ProcessHandle> family = new ArrayList<>(parent.descendants().toList());
        try {
            if (parent.isAlive()) {
                try {
                    signal("WINCH");
                } catch (IOException e) {
                    parent.destroy();
                }
                if (!parent.waitFor(grace.toMillis() + 5000, TimeUnit.MILLISECONDS)) {
                    parent.destroy();
                    if (!parent.waitFor(5, TimeUnit.SECONDS)) {
                        parent.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            parent.destroyForcibly();
        }
        family.addAll(parent.descendants().toList());
        killAll(family);
    }

    /**
     * Stops every httpd process running on this config that is not the current parent: what an earlier JVM that died
     * without stopping its httpd left serving (it holds the port), or the children of a parent that was killed.
     *
     * @return how many processes were stopped
     * @throws IOException when one of them does not go away
     */
    int stopStrays() throws IOException {
        long own = alive() ? parent.pid() : -1;
        List<ProcessHandle> strays = ProcessHandle.allProcesses()
                .filter(p -> p.pid() != own && p.parent().map(pp -> pp.pid() != own).orElse(true) && ours(p))
                .toList();
        Set<Long> pids = new HashSet<>();
        strays.forEach(p -> pids.add(p.pid()));
        for (ProcessHandle p : strays) {
            boolean childOfStray = p.parent().map(pp -> pids.contains(pp.pid())).orElse(false);
            boolean parentOfStrays = strays.stream().anyMatch(c -> c.parent().map(pp -> pp.pid() == p.pid())
                    .orElse(false));
            if (parentOfStrays) {
                p.destroy(); // SIGTERM: a parent stops its children
            } else if (!childOfStray) {
                p.destroyForcibly(); // a child whose parent died ignores SIGTERM
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (ProcessHandle p : strays) {
            try {
                p.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
        for (ProcessHandle p : strays) {
            try {
                p.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IOException("httpd process " + p.pid() + " left on " + conf + " does not stop: kill it", e);
            }
        }
        return strays.size();
    }

    private boolean ours(ProcessHandle h) {
        String[] args = h.info().arguments().orElse(new String[0]);
        return Arrays.asList(args).contains(conf.toString()) && Arrays.asList(args).contains("-DFOREGROUND");
    }

    private static void killAll(List<ProcessHandle> processes) {
        for (ProcessHandle p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        for (ProcessHandle p : processes) {
            try {
                p.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // gone or not ours to wait for
            }
        }
    }

    /** The last lines of httpd's error log and its own output, for error messages. */
    String logTail() {
        StringBuilder b = new StringBuilder();
        for (String name : List.of("httpd.out", "error.log")) {
            List<String> tail = tail(dir.resolve(name), 8);
            if (!tail.isEmpty()) {
                b.append(b.length() == 0 ? "" : " | ").append(name).append(": ").append(String.join(" / ", tail));
            }
        }
        return b.length() == 0 ? "(httpd logged nothing; see " + dir + ")" : b.toString();
    }

    /** The last {@code n} lines of a file (read from its last 16 KiB), none when it cannot be read. */
    static List<String> tail(Path file, int n) {
        try (SeekableByteChannel ch = Files.newByteChannel(file)) {
            long size = ch.size();
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size, 16 * 1024));
            ch.position(size - buf.capacity());
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // fill
            }
            List<String> lines = new ArrayList<>(List.of(new String(buf.array(), 0, buf.position(),
                    StandardCharsets.UTF_8).split("\n")));
            lines.removeIf(String::isBlank);
            return lines.subList(Math.max(0, lines.size() - n), lines.size());
        } catch (IOException e) {
            return List.of();
        }
    }
}
