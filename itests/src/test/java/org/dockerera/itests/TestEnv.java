package org.dockerera.itests;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The test environment started by {@code scripts/env.sh up}: Docker hosts on 127.0.0.N, the registry, test images.
 * Read from {@code $DOCKERERA_ENV/env.properties}; a missing file fails the test (it never skips).
 */
public final class TestEnv {
    private final Path root;
    private final Properties props = new Properties();

    private TestEnv(Path root) {
        this.root = root;
        Path file = root.resolve("env.properties");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no test environment at " + file
                    + ": start it with scripts/env.sh up (scripts/test.sh does it for you)");
        }
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    public static TestEnv load() {
        String dir = System.getProperty("dockerera.env");
        if (dir == null || dir.isBlank() || dir.startsWith("${")) {
            dir = System.getenv("DOCKERERA_ENV");
        }
        if (dir == null || dir.isBlank()) {
            dir = "/tmp/dockerera-env";
        }
        return new TestEnv(Path.of(dir));
    }

    public Path root() {
        return root;
    }

    public String get(String key) {
        String v = props.getProperty(key);
        if (v == null) {
            throw new IllegalStateException("env.properties in " + root + " has no '" + key + "'");
        }
        return v;
    }

    /** Indexes N of the plain hosts (hosts.tcp.N), in order. */
    public List<Integer> hostIndexes() {
        List<Integer> out = new ArrayList<>();
        for (String k : props.stringPropertyNames()) {
            if (k.startsWith("hosts.tcp.")) {
                out.add(Integer.parseInt(k.substring("hosts.tcp.".length())));
            }
        }
        out.sort(null);
        return out;
    }

    public String unixUrl(int n) {
        return get("hosts.unix." + n);
    }

    public String tcpUrl(int n) {
        return get("hosts.tcp." + n);
    }

    /** PID of host N's dockerd. */
    public long daemonPid(int n) throws IOException {
        return Long.parseLong(Files.readString(root.resolve("h" + n).resolve("pid")).trim());
    }

    /** Runs {@code scripts/docker-hosts.sh ARGS…} and fails unless it exits 0. */
    public void hosts(String... args) throws IOException, InterruptedException {
        String scripts = System.getProperty("dockerera.scripts", "../scripts");
        List<String> cmd = new ArrayList<>(List.of("bash", Path.of(scripts, "docker-hosts.sh").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(root.resolve("docker-hosts-it.log").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("docker-hosts.sh " + String.join(" ", args) + " failed; see "
                    + root.resolve("docker-hosts-it.log"));
        }
    }
}
