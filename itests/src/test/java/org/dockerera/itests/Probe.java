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

    /** The body of a 2xx answer, or a description of what came instead (for assertion messages). */
    public static String body(String address, String path) {
        Answer a = get(address, path);
        if (a == null) {
            return "<no answer from " + address + ">";
        }
        return a.ok() ? a.body() : "<" + a.status() + " from " + address + ": " + a.body() + ">";
    }
}
