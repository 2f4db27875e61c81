package org.dockerera.provider.docker.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.dockerera.api.DockereraException;

/**
 * A validated Docker host address: {@code unix:///absolute/path} or {@code tcp://host[:port]}.
 *
 * @param url     the address as the user gave it (used in messages)
 * @param unix    whether it is a unix socket
 * @param path    the socket path (unix only)
 * @param host    host name or address (tcp only)
 * @param port    port (tcp only; defaults to 2376 with TLS, 2375 without)
 */
record HostUrl(String url, boolean unix, String path, String host, int port) {

    static final String INVALID = "invalid-host-url";

    /** Whether {@code url} names a scheme this provider speaks; says nothing about the rest of it. */
    static boolean supported(String url) {
        if (url == null) {
            return false;
        }
        String lower = url.trim().toLowerCase(Locale.ROOT);
        return lower.startsWith("unix://") || lower.startsWith("tcp://");
    }

    /**
     * Parses and validates {@code url}.
     *
     * @param tls whether the host is reached with TLS (picks the default port, and unix sockets take no TLS)
     * @throws DockereraException {@code invalid-host-url} naming what is wrong and what a valid address looks like
     */
    static HostUrl parse(String url, boolean tls) {
        if (url == null || url.isBlank()) {
            throw invalid(url, "it is empty");
        }
        String trimmed = url.trim();
        if (!supported(trimmed)) {
            throw invalid(url, "the scheme must be unix:// or tcp://");
        }
        if (trimmed.length() == "tcp://".length() && trimmed.regionMatches(true, 0, "tcp://", 0, 6)) {
            throw invalid(url, "the host is missing (write tcp://192.0.2.10:2376)");
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw invalid(url, "it is not a URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid(url, "it has a query or fragment");
        }
        switch (scheme) {
            case "unix" -> {
                if (tls) {
                    throw invalid(url, "TLS material applies to tcp:// hosts only");
                }
                if (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()) {
                    throw invalid(url, "a unix socket URL has no host part (write unix:///var/run/docker.sock)");
                }
                String path = uri.getPath();
                if (path == null || !path.startsWith("/") || path.length() < 2 || path.endsWith("/")) {
                    throw invalid(url, "the socket path must be absolute (write unix:///var/run/docker.sock)");
                }
                return new HostUrl(trimmed, true, path, null, -1);
            }
            case "tcp" -> {
                if (uri.getRawUserInfo() != null) {
                    throw invalid(url, "credentials in the URL are not supported");
                }
                String host = uri.getHost();
                if (host == null || host.isEmpty()) {
                    throw invalid(url, "the host is missing or malformed (write tcp://192.0.2.10:2376)");
                }
                String path = uri.getRawPath();
                if (path != null && !path.isEmpty() && !path.equals("/")) {
                    throw invalid(url, "a tcp URL takes no path");
                }
                int port = uri.getPort();
                if (port == -1) {
                    if (uri.getRawAuthority() != null && uri.getRawAuthority().endsWith(":")) {
                        throw invalid(url, "the port is empty");
                    }
                    port = tls ? 2376 : 2375;
                }
                if (port < 1 || port > 65535) {
                    throw invalid(url, "the port must be 1-65535");
                }
                return new HostUrl(trimmed, false, null, host, port);
            }
            default -> throw invalid(url, "the scheme must be unix:// or tcp://");
        }
    }

    /** The URI docker-java's transport takes. */
    URI dockerUri() {
        return unix ? URI.create("unix://" + path) : URI.create("tcp://" + hostForUri() + ":" + port);
    }

    private String hostForUri() {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    @Override
    public String toString() {
        return url;
    }

    private static DockereraException invalid(String url, String why) {
        return DockereraException.invalid(INVALID,
                "host URL '" + url + "' is not valid: " + why + "; use unix:///path/to/docker.sock or tcp://host:port");
    }
}
