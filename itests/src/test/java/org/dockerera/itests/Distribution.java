package org.dockerera.itests;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** A private copy of the assembled distribution, driven through bin/start, bin/stop and kill -9. */
public final class Distribution implements AutoCloseable {
    private final Path home;
    private final int httpPort;
    private final int sshPort;

    private Distribution(Path home, int httpPort, int sshPort) {
        this.home = home;
        this.httpPort = httpPort;
        this.sshPort = sshPort;
    }

    /** Copies the unpacked distribution into {@code workDir} and gives it free ports; local auto-registration off. */
    public static Distribution create(Path workDir) throws IOException {
        Path unpacked = Path.of(System.getProperty("dockerera.distribution", "target/dist"));
        Path source;
        try (Stream<Path> s = Files.list(unpacked)) {
            source = s.filter(p -> Files.isDirectory(p.resolve("bin"))).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no distribution unpacked under " + unpacked));
        }
        Path home = workDir.resolve(source.getFileName());
        copyTree(source, home);
        Distribution d = new Distribution(home, freePort(), freePort());
        d.setProperty("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", String.valueOf(d.httpPort));
        d.setProperty("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(d.sshPort));
        d.setProperty("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", String.valueOf(freePort()));
        d.setProperty("etc/org.apache.karaf.management.cfg", "rmiServerPort", String.valueOf(freePort()));
        d.setProperty("etc/org.dockerera.controller.cfg", "autoRegisterLocal", "false");
        d.routerPort = freePort();
        d.setProperty("etc/org.dockerera.router.builtin.cfg", "listenHost", "127.0.0.1");
        d.setProperty("etc/org.dockerera.router.builtin.cfg", "port", String.valueOf(d.routerPort));
        d.routerHttpsPort = freePort();
        d.setProperty("etc/org.dockerera.router.builtin.cfg", "httpsPort", String.valueOf(d.routerHttpsPort));
        d.setProperty("etc/org.dockerera.controller.cfg", "heartbeatIntervalMs", "1000");
        d.setProperty("etc/org.dockerera.controller.cfg", "downAfterMs", "4000");
        // offline: every bundle must come from the distribution's own system repository
        Files.writeString(home.resolve("etc/org.ops4j.pax.url.mvn.cfg"), "\n"
                        + "org.ops4j.pax.url.mvn.repositories =\n"
                        + "org.ops4j.pax.url.mvn.localRepository = " + workDir.resolve("no-maven-repository") + "\n"
                        + "org.ops4j.pax.url.mvn.offline = true\n",
                java.nio.file.StandardOpenOption.APPEND);
        return d;
    }

    private int routerPort;
    private int routerHttpsPort;

    /** The built-in router's HTTPS port. */
    public int routerHttpsPort() {
        return routerHttpsPort;
    }

    /** Where the distribution's built-in router listens (127.0.0.1). */
    public int routerPort() {
        return routerPort;
    }

    public Path home() {
        return home;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    public void setProperty(String file, String key, String value) throws IOException {
        Path f = home.resolve(file);
        List<String> lines = Files.exists(f) ? new ArrayList<>(Files.readAllLines(f)) : new ArrayList<>();
        boolean replaced = false;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).trim();
            if (l.matches("\\Q" + key + "\\E\\s*[=:].*")) {
                lines.set(i, key + " = " + value);
                replaced = true;
            }
        }
        if (!replaced) {
            lines.add(key + " = " + value);
        }
        Files.write(f, lines);
    }

    public void start() throws IOException, InterruptedException {
        run("bin/start");
    }

    /**
     * Waits until {@code GET /api/health} answers 200. If it does not within {@code atMost}, fails with what a
     * post-mortem from a CI log needs, the gist on the first line: whether the Karaf JVM runs, what holds the HTTP
     * port, and karaf.log's last errors and lines.
     */
    public void awaitApi(Duration atMost) {
        Api api = new Api(baseUrl());
        try {
            Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> api.get("/api/health", null).status() == 200);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(diagnosis("no 200 from " + baseUrl() + "/api/health within " + atMost), e);
        }
    }

    /** The admin token the first start wrote to {@code data/dockerera/admin.token}, once it is there in full. */
    public String adminToken() {
        Path file = home.resolve("data/dockerera/admin.token");
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(() -> Files.readString(file).trim(), t -> !t.isEmpty());
    }

    /** {@code what}, then the state of this copy: JVM, HTTP port, start script output, karaf.log errors and tail. */
    public String diagnosis(String what) {
        Optional<ProcessHandle> jvm = process();
        String port = listeners(httpPort);
        List<String> log;
        try {
            log = log().lines().collect(Collectors.toList());
        } catch (IOException e) {
            log = List.of("(karaf.log unreadable: " + e + ")");
        }
        List<String> errors = log.stream().filter(l -> l.contains("| ERROR |") || l.contains("| WARN  |"))
                .collect(Collectors.toList());
        StringBuilder b = new StringBuilder(what).append(": Karaf JVM ")
                .append(jvm.map(p -> "running (pid " + p.pid() + ")").orElse("NOT running"))
                .append("; HTTP port ").append(httpPort).append(' ').append(port.isBlank() ? "not listening" : "listening")
                .append("; ").append(errors.size()).append(" ERROR/WARN lines in karaf.log")
                .append(errors.isEmpty() ? "" : ", last: " + errors.get(errors.size() - 1)).append('\n');
        b.append("listeners on ").append(httpPort).append(":\n").append(port).append('\n');
        try {
            Path script = home.resolve("script.log");
            if (Files.exists(script)) {
                b.append("bin/start output:\n").append(Files.readString(script)).append('\n');
            }
        } catch (IOException e) {
            b.append("script.log unreadable: ").append(e).append('\n');
        }
        b.append("karaf.log ERROR/WARN (last 15 of ").append(errors.size()).append("):\n");
        errors.subList(Math.max(0, errors.size() - 15), errors.size()).forEach(l -> b.append(l).append('\n'));
        b.append("karaf.log (last 25 of ").append(log.size()).append(" lines):\n");
        log.subList(Math.max(0, log.size() - 25), log.size()).forEach(l -> b.append(l).append('\n'));
        return b.toString();
    }

    /** {@code ss -tlnp} for one port: who listens there (empty when nobody does). */
    private static String listeners(int port) {
        try {
            Process p = new ProcessBuilder("ss", "-Htlnp", "sport = :" + port).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "(ss failed: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    public void stop() throws IOException, InterruptedException {
        Optional<ProcessHandle> p = process();
        if (p.isEmpty()) {
            return;
        }
        run("bin/stop");
        try {
            p.get().onExit().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.get().destroyForcibly();
        }
    }

    /** kill -9 of the Karaf JVM; returns once it is gone. */
    public void kill9() throws Exception {
        ProcessHandle p = process().orElseThrow(() -> new IllegalStateException("karaf is not running"));
        new ProcessBuilder("kill", "-9", String.valueOf(p.pid())).start().waitFor();
        p.onExit().get(30, TimeUnit.SECONDS);
    }

    /** The Karaf JVM of this copy, found by its karaf.home. */
    public Optional<ProcessHandle> process() {
        String marker = "-Dkaraf.home=" + home;
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(marker)).orElse(false))
                .findFirst();
    }

    /** Runs {@code echo COMMAND | bin/client -b}, as a local operator would, and returns its output. */
    public String client(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(home.resolve("bin/client").toString(), "-b", "-r", "10", "-d", "1")
                .redirectErrorStream(true).start();
        p.getOutputStream().write((command + "\n").getBytes());
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("bin/client hung");
        }
        return out;
    }

    public String log() throws IOException {
        Path log = home.resolve("data/log/karaf.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws Exception {
        try {
            stop();
        } finally {
            process().ifPresent(ProcessHandle::destroyForcibly);
            keepLog();
        }
    }

    /** Copies karaf.log to target/karaf-logs/ (the home is a temporary directory) for a failure's post-mortem. */
    private void keepLog() {
        try {
            Path log = home.resolve("data/log/karaf.log");
            if (Files.exists(log)) {
                Path dir = Path.of(System.getProperty("dockerera.logs", "target/karaf-logs"));
                Files.createDirectories(dir);
                Files.copy(log, dir.resolve(java.time.LocalDateTime.now().toString().replace(':', '-') + "-"
                        + home.getParent().getFileName() + ".log"));
            }
        } catch (IOException e) {
            System.err.println("could not keep " + home + "/data/log/karaf.log: " + e);
        }
    }

    private void run(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(home.resolve(script).toString()).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(home.resolve("script.log").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(script + " failed: " + Files.readString(home.resolve("script.log")));
        }
    }

    /** A free port for a server started later (see {@link Ports}). */
    static int freePort() {
        return Ports.free();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                        LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }


}
