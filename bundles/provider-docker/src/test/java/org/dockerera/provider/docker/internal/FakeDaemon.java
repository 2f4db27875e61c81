package org.dockerera.provider.docker.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A stand-in Docker daemon on a loopback TCP port or a unix socket, for the failure modes a real one shows only
 * sometimes: it can answer, hang after accepting (like a SIGSTOP'd daemon), or stream and then drop the connection.
 * It records requests and notices when the client closes a connection it was holding.
 */
final class FakeDaemon implements AutoCloseable {

    /** What to do with one request. */
    sealed interface Reply permits Answer, Hang, Stream {
    }

    record Answer(int status, String json) implements Reply {
    }

    /** Accept the request and never answer. */
    record Hang() implements Reply {
    }

    /** 200 with chunked JSON lines, then close the connection. */
    record Stream(List<String> chunks, long closeAfterMillis) implements Reply {
    }

    record Request(String method, String path) {
    }

    private final ServerSocket tcp;
    private final ServerSocketChannel unix;
    private final Path socketPath;
    private final Function<Request, Reply> handler;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger clientCloses = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<SocketChannel> channels = new CopyOnWriteArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;

    private FakeDaemon(ServerSocket tcp, ServerSocketChannel unix, Path socketPath, Function<Request, Reply> handler) {
        this.tcp = tcp;
        this.unix = unix;
        this.socketPath = socketPath;
        this.handler = handler;
        Thread acceptor = new Thread(this::acceptLoop, "fake-daemon-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static FakeDaemon tcp(Function<Request, Reply> handler) throws IOException {
        return new FakeDaemon(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), null, null, handler);
    }

    static FakeDaemon unix(Path dir, Function<Request, Reply> handler) throws IOException {
        Path path = dir.resolve("fake-docker.sock");
        Files.deleteIfExists(path);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        channel.bind(UnixDomainSocketAddress.of(path));
        return new FakeDaemon(null, channel, path, handler);
    }

    String url() {
        return tcp != null ? "tcp://127.0.0.1:" + tcp.getLocalPort() : "unix://" + socketPath;
    }

    List<Request> requests() {
        return requests;
    }

    /** Connections the client closed while the daemon was holding them (hung or streaming). */
    int clientCloses() {
        return clientCloses.get();
    }

    private void acceptLoop() {
        try {
            while (!closed) {
                InputStream in;
                OutputStream out;
                if (tcp != null) {
                    Socket s = tcp.accept();
                    sockets.add(s);
                    in = s.getInputStream();
                    out = s.getOutputStream();
                } else {
                    SocketChannel c = unix.accept();
                    channels.add(c);
                    in = Channels.newInputStream(c);
                    out = Channels.newOutputStream(c);
                }
                Thread t = new Thread(() -> serve(in, out), "fake-daemon-conn");
                t.setDaemon(true);
                t.start();
            }
        } catch (IOException e) {
            // closed
        } finally {
            stopped.countDown();
        }
    }

    private void serve(InputStream in, OutputStream out) {
        try (in; out) {
            while (!closed) {
                Request request = readRequest(in);
                if (request == null) {
                    return;
                }
                requests.add(request);
                Reply reply = handler.apply(request);
                if (reply instanceof Answer a) {
                    byte[] body = a.json().getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 " + a.status() + " X\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                } else if (reply instanceof Hang) {
                    // hold the connection: the next read returns only when the client gives up
                    if (in.read() < 0) {
                        clientCloses.incrementAndGet();
                    }
                    return;
                } else if (reply instanceof Stream s) {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    for (String chunk : s.chunks()) {
                        byte[] b = (chunk + "\n").getBytes(StandardCharsets.UTF_8);
                        out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(b);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                    if (s.closeAfterMillis() < 0) {
                        if (in.read() < 0) {
                            clientCloses.incrementAndGet();
                        }
                        return;
                    }
                    stopped.await(s.closeAfterMillis(), TimeUnit.MILLISECONDS);
                    return; // closes without the final chunk: the stream breaks
                }
            }
        } catch (IOException e) {
            clientCloses.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Request readRequest(InputStream in) throws IOException {
        String line = readLine(in);
        if (line == null || line.isEmpty()) {
            return null;
        }
        String[] parts = line.split(" ");
        int contentLength = 0;
        boolean chunked = false;
        String header;
        while ((header = readLine(in)) != null && !header.isEmpty()) {
            String lower = header.toLowerCase();
            if (lower.startsWith("content-length:")) {
                contentLength = Integer.parseInt(header.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            String size;
            while ((size = readLine(in)) != null) {
                int n = Integer.parseInt(size.trim(), 16);
                in.readNBytes(n);
                readLine(in);
                if (n == 0) {
                    break;
                }
            }
        } else if (contentLength > 0) {
            in.readNBytes(contentLength);
        }
        return new Request(parts[0], parts.length > 1 ? parts[1] : "");
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = buf.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            buf.write(c);
        }
        return buf.size() == 0 ? null : buf.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        stopped.countDown();
        if (tcp != null) {
            tcp.close();
        }
        if (unix != null) {
            unix.close();
            Files.deleteIfExists(socketPath);
        }
        for (Socket s : sockets) {
            s.close();
        }
        for (SocketChannel c : channels) {
            c.close();
        }
    }
}
