package org.dockerera.store.couchbase.internal;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.couchbase.mock.CouchbaseMock;

/**
 * CouchbaseMock 1.5.27 (Maven Central) in a child JVM on 127.0.0.1, every port chosen by the kernel: the mock is
 * started with {@code --port 0 --harakiri-monitor 127.0.0.1:N}, connects back to our control socket, tells its REST
 * port there and takes commands on it (GET_MCPORTS gives the memcached port). Closing the control socket makes the
 * mock exit, so it also dies with this JVM.
 *
 * <p>An outage is {@linkplain #pause() SIGSTOP}: the mock keeps its in-memory data (it has no disk) and its sockets,
 * and simply stops answering, which is what a hung or partitioned server looks like to the SDK; {@link #resume()}
 * (SIGCONT) brings it back with everything it held. Stopping and starting the mock would lose all data, which would
 * not be an honest stand-in for a server that comes back.
 */
public final class CouchbaseMockProcess implements AutoCloseable {
    public static final String BUCKET = "dockerera";
    public static final String PASSWORD = "mock-secret";

    private final Process process;
    private final ServerSocket control;
    private final Socket connection;
    private final BufferedReader replies;
    private final OutputStream commands;
    private final int restPort;
    private final int kvPort;
    private final List<String> output = new ArrayList<>();

    private CouchbaseMockProcess(Process process, ServerSocket control, Socket connection, int restPort)
            throws IOException {
        this.process = process;
        this.control = control;
        this.connection = connection;
        this.restPort = restPort;
        this.replies = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8));
        this.commands = connection.getOutputStream();
        String ports = command("GET_MCPORTS", "{\"bucket\":\"" + BUCKET + "\"}");
        Matcher m = Pattern.compile("\"payload\"\\s*:\\s*\\[\\s*(\\d+)").matcher(ports);
        if (!m.find()) {
            throw new IOException("CouchbaseMock did not tell its memcached port: " + ports);
        }
        this.kvPort = Integer.parseInt(m.group(1));
    }

    /** Starts a one-node mock with bucket {@value #BUCKET} (password {@value #PASSWORD}), no replicas. */
    public static CouchbaseMockProcess start() throws IOException {
        ServerSocket control = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        control.setSoTimeout(60_000);
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", mockJar().toString(),
                "--host", "127.0.0.1", "--port", "0", "--nodes", "1", "--replicas", "0", "--vbuckets", "64",
                "--buckets", BUCKET + ":" + PASSWORD + ":couchbase", "--cccp",
                "--harakiri-monitor", "127.0.0.1:" + control.getLocalPort());
        pb.redirectErrorStream(true);
        Process process = pb.start();
        CouchbaseMockProcess[] holder = new CouchbaseMockProcess[1];
        List<String> early = new ArrayList<>();
        Thread drain = new Thread(() -> drain(process.getInputStream(), early), "couchbase-mock-output");
        drain.setDaemon(true);
        drain.start();
        try {
            Socket connection = control.accept();
            InputStream in = connection.getInputStream();
            ByteArrayOutputStream port = new ByteArrayOutputStream();
            for (int b; (b = in.read()) > 0; ) {
                port.write(b);
            }
            holder[0] = new CouchbaseMockProcess(process, control, connection,
                    Integer.parseInt(port.toString(StandardCharsets.US_ASCII).trim()));
            return holder[0];
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            control.close();
            throw new IOException("CouchbaseMock did not start: " + e.getMessage() + "; output: " + early, e);
        }
    }

    private static void drain(InputStream in, List<String> sink) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (sink) {
                    if (sink.size() < 200) {
                        sink.add(line);
                    }
                }
            }
        } catch (IOException ignored) {
            // the mock exited
        }
    }

    /** The CouchbaseMock jar on the test class path. */
    public static Path mockJar() {
        try {
            return Path.of(CouchbaseMock.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private synchronized String command(String name, String payload) throws IOException {
        commands.write(("{\"command\":\"" + name + "\",\"payload\":" + payload + "}\n")
                .getBytes(StandardCharsets.UTF_8));
        commands.flush();
        String reply = replies.readLine();
        if (reply == null) {
            throw new IOException("CouchbaseMock closed its control connection");
        }
        return reply;
    }

    /** A connection string for the SDK: the memcached port, bootstrapping over CCCP. */
    public String connectionString() {
        return "couchbase://127.0.0.1:" + kvPort;
    }

    public int restPort() {
        return restPort;
    }

    public int kvPort() {
        return kvPort;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGSTOP: the server hangs with its data and connections intact. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT: the server answers again, with everything it held. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            signal("CONT");
        } catch (IOException ignored) {
            // already gone
        }
        connection.close();
        control.close();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
