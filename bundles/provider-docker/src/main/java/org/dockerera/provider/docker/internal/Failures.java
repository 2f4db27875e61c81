package org.dockerera.provider.docker.internal;

import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.UnauthorizedException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.dockerera.api.DockereraException;
import org.dockerera.spi.provider.ProviderException;

/** Turns what docker-java and HttpClient throw into {@link ProviderException}s that name the host. */
final class Failures {

    private static final Pattern MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private Failures() {
    }

    /**
     * @param url       the host, as the user wrote it
     * @param operation what was being done ("list containers")
     * @param subject   what a 404 refers to ("container 3f2a…", "image …"), or null when a 404 is not "not found"
     * @param timeout   the bound that applied, named when the host did not answer in time
     */
    static DockereraException map(String url, String operation, String subject, Duration timeout, Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof DockereraException de) {
            return de;
        }
        if (t instanceof NotFoundException && subject != null) {
            return ProviderException.notFound(url, subject, t);
        }
        if (t instanceof UnauthorizedException) {
            return ProviderException.refused(url, operation + ": unauthorized (" + engineMessage(t) + ")", t);
        }
        if (t instanceof DockerException) {
            return ProviderException.refused(url, operation + ": " + engineMessage(t), t);
        }
        IOException io = ioCause(t);
        if (io != null) {
            return ProviderException.unreachable(url, describe(io, timeout) + " during " + operation, t);
        }
        if (t instanceof DockerClientException) {
            return ProviderException.refused(url, operation + ": " + t.getMessage(), t);
        }
        return ProviderException.refused(url, operation + " failed unexpectedly: " + t, t);
    }

    /** The deadline passed before the host answered. */
    static ProviderException deadline(String url, String operation, Duration timeout) {
        return ProviderException.unreachable(url, "no answer within " + timeout.toMillis() + " ms to " + operation,
                null);
    }

    static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof ExecutionException || cur instanceof CompletionException
                || cur instanceof java.io.UncheckedIOException
                || (cur != null && cur.getClass() == RuntimeException.class)) && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }

    private static IOException ioCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException io) {
                return io;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    static String describe(IOException io, Duration timeout) {
        String millis = timeout == null ? "" : " within " + timeout.toMillis() + " ms";
        if (io instanceof ConnectTimeoutException) {
            return "could not connect" + millis;
        }
        if (io instanceof HttpHostConnectException || io instanceof ConnectException) {
            return "connection refused";
        }
        if (io instanceof SocketTimeoutException) {
            return "no answer" + millis;
        }
        if (io instanceof UnknownHostException) {
            return "unknown host " + io.getMessage();
        }
        if (io instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (io instanceof SSLException) {
            return "TLS handshake failed (" + io.getMessage() + "); check the host's CA and the client certificate";
        }
        if (io instanceof NoHttpResponseException || io instanceof ConnectionClosedException) {
            return "the connection was closed before an answer";
        }
        if (io instanceof ClosedChannelException || io instanceof InterruptedIOException) {
            return "the call was cancelled";
        }
        if (io instanceof SocketException && io.getMessage() != null) {
            String m = io.getMessage();
            if (m.contains("No such file") || m.contains("Connection refused")) {
                return "connection refused (" + m + ")";
            }
            return m;
        }
        return io.getClass().getSimpleName() + (io.getMessage() != null ? ": " + io.getMessage() : "");
    }

    /** The {@code message} of the engine's JSON error body, else the exception message. */
    static String engineMessage(Throwable t) {
        String m = t.getMessage();
        if (m == null) {
            return t.getClass().getSimpleName();
        }
        Matcher matcher = MESSAGE.matcher(m);
        if (matcher.find()) {
            return matcher.group(1).replace("\\\"", "\"").replace("\\n", " ").trim();
        }
        return m.trim();
    }
}
