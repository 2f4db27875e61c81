package org.dockerera.router.apache.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * dockerera's client of httpd's {@code balancer-manager} on {@code 127.0.0.1:<managerPort>} (see {@link Layout}):
 * one HTTP/1.0 request per connection (no chunked answers), addressed to a balancer's virtual host by its manager
 * alias, with the {@code Referer} httpd wants before it changes anything. Every answer must come from the config
 * generation dockerera installed last (the manager answers with its generation), so a child of an older config
 * that still had the listener can never be mistaken for the current one.
 */
final class Manager {
    private final int port;
    private final String path;
    private final int timeoutMs;

    Manager(int port, String path, int timeoutMs) {
        this.port = port;
        this.path = path;
        this.timeoutMs = timeoutMs;
    }

    /** The manager's page for {@code b}'s virtual host (its balancers, by name), as config {@code generation} serves it. */
    Map<String, Balancers.Listed> page(Balancers.Balancer b, long generation) throws IOException {
        String body = exchange("GET", b, null, generation);
        try {
            return Balancers.parse(body);
        } catch (IllegalArgumentException e) {
            throw new IOException("balancer-manager of " + b.site().host() + ": " + e.getMessage(), e);
        }
    }

    /** Sends {@code action} with the balancer's {@code nonce}; throws unless httpd took it (200 and its page). */
    void send(Balancers.Action action, String nonce, long generation) throws IOException {
        String body = exchange("POST", action.balancer(), action.form() + "&nonce=" + nonce, generation);
        if (!body.contains("<title>Balancer Manager</title>")) {
            throw new IOException("balancer-manager did not take '" + action + "'");
        }
    }

    private String exchange(String method, Balancers.Balancer b, String form, long generation) throws IOException {
        byte[] payload = form == null ? new byte[0] : form.getBytes(StandardCharsets.US_ASCII);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
            s.setSoTimeout(timeoutMs);
            s.setTcpNoDelay(true);
            StringBuilder req = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.0\r\n")
                    .append("Host: ").append(b.managerHost()).append("\r\n")
                    .append("Referer: ").append(b.referer()).append("\r\n");
            if (form != null) {
                req.append("Content-Type: application/x-www-form-urlencoded\r\n")
                        .append("Content-Length: ").append(payload.length).append("\r\n");
            }
            req.append("\r\n");
            s.getOutputStream().write(req.toString().getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(payload);
            s.getOutputStream().flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = answer.indexOf("\r\n\r\n");
            if (end < 0) {
                throw new IOException("balancer-manager (" + b.site().host() + ") answered " + method
                        + " with no complete head: '" + answer.substring(0, Math.min(120, answer.length())) + "'");
            }
            String[] head = answer.substring(0, end).split("\r\n");
            String status = head[0];
            String gen = null;
            String prefix = Layout.GENERATION_HEADER.toLowerCase(Locale.ROOT) + ":";
            for (String h : head) {
                if (h.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                    gen = h.substring(prefix.length()).trim();
                }
            }
            if (!String.valueOf(generation).equals(gen)) {
                throw new IOException("balancer-manager (" + b.site().host() + ") answered from config generation "
                        + gen + ", not " + generation + " (" + status + ")");
            }
            if (!status.matches("HTTP/1\\.[01] 200 .*")) {
                throw new IOException("balancer-manager (" + b.site().host() + ") answered " + method + " "
                        + (form == null ? "" : "'" + form + "' ") + "with " + status);
            }
            return answer.substring(end + 4);
        }
    }
}
