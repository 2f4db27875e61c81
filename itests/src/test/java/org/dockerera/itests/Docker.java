package org.dockerera.itests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The docker CLI against one test host, for checks straight from the daemon (not through dockerera). */
public final class Docker {
    private Docker() {
    }

    /**
     * Runs {@code docker -H HOST ARGS…} and returns its standard output; fails unless it exits 0 within 60 s. Standard
     * error is kept apart (shown on failure): the daemons warn there on {@code docker run}, and a warning read as part
     * of a container id makes a later {@code docker rm -f} silently remove nothing.
     */
    public static String run(String host, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("docker", "-H", host));
        cmd.addAll(Arrays.asList(args));
        Path err = Files.createTempFile("itest-docker", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " hung");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out
                        + Files.readString(err));
            }
            return out;
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** Ids of every container, running or not, that dockerera labelled as an instance of {@code app}. */
    public static List<String> containersOf(String host, String app) throws IOException, InterruptedException {
        return run(host, "ps", "-aq", "--filter", "label=org.dockerera.app=" + app).lines()
                .map(String::trim).filter(l -> !l.isEmpty()).toList();
    }

    /** Best effort: force-removes every container of {@code app} on the host (test clean-up). */
    public static void removeContainersOf(String host, String app) {
        try {
            List<String> ids = containersOf(host, app);
            if (!ids.isEmpty()) {
                List<String> args = new ArrayList<>(List.of("rm", "-f"));
                args.addAll(ids);
                run(host, args.toArray(String[]::new));
            }
        } catch (Exception e) {
            System.err.println("clean-up of " + app + " on " + host + " failed: " + e.getMessage());
        }
    }
}
