package org.dockerera.itests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Direct HTTP requests to an instance's published {@code host-ip:port}, as a router would dial it. A connection the
 * userland proxy accepts and closes before any response byte counts as no answer.
 */
public final class Probe {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private Probe() {
    }

    /** What an instance answered. */
    public record Answer(int status, String body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** GET http://ADDRESS/PATH, or null when nothing answered within 2 s. */
    public static Answer get(String address, String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + address + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * GET PATH with {@code Host: HOST} through a router on 127.0.0.1:PORT (a raw HTTP/1.1 request: the JDK client
     * refuses to set Host), or null when nothing answered within 5 s.
     */
    public static Answer viaRouter(int port, String host, String path) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            String raw = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int end = raw.indexOf("\r\n\r\n");
            if (!raw.startsWith("HTTP/1.1 ") || end < 0) {
                return null;
            }
            String head = raw.substring(0, end);
            String body = raw.substring(end + 4);
            if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                StringBuilder b = new StringBuilder();
                int i = 0;
                while (true) {
                    int nl = body.indexOf("\r\n", i);
                    int len = Integer.parseInt(body.substring(i, nl).trim(), 16);
                    if (len == 0) {
                        break;
                    }
                    b.append(body, nl + 2, nl + 2 + len);
                    i = nl + 2 + len + 2;
                }
                body = b.toString();
            }
            return new Answer(Integer.parseInt(raw.substring(9, 12)), body);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The body of a 2xx answer, or a description of what came instead (for assertion messages). */
    public static String body(String address, String path) {
        Answer a = get(address, path);
        if (a == null) {
            return "<no answer from " + address + ">";
        }
        return a.ok() ? a.body() : "<" + a.status() + " from " + address + ": " + a.body() + ">";
    }
}
