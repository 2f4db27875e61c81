package org.dockerera.router.builtin.internal;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.AsyncMapping;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.dockerera.spi.router.TlsCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server certificates by host name (SNI), immutable: exact names, then wildcards longest first, as for routes.
 * A handshake for a name without a certificate fails; so does one without SNI unless exactly one certificate is
 * served. Contexts are built once per certificate fingerprint and shared by the tables that keep it.
 */
final class TlsContexts implements AsyncMapping<String, SslContext> {
    static final TlsContexts EMPTY = new TlsContexts(Map.of(), List.of(), null);
    private static final Logger LOG = LoggerFactory.getLogger(TlsContexts.class);

    private final Map<String, Built> exact;
    private final List<Map.Entry<String, Built>> wildcards;
    private final Built only;

    /** One certificate's context. */
    record Built(String fingerprint, SslContext context) {
    }

    private TlsContexts(Map<String, Built> exact, List<Map.Entry<String, Built>> wildcards, Built only) {
        this.exact = exact;
        this.wildcards = wildcards;
        this.only = only;
    }

    /**
     * The contexts of {@code certificates} (by route host name), reusing those of {@code previous} whose fingerprint
     * is unchanged. A certificate that does not load is left out (logged): its host gets no HTTPS.
     */
    static TlsContexts of(Map<String, TlsCertificate> certificates, TlsContexts previous) {
        if (certificates.isEmpty()) {
            return EMPTY;
        }
        Map<String, Built> known = new HashMap<>();
        previous.exact.values().forEach(b -> known.put(b.fingerprint(), b));
        previous.wildcards.forEach(e -> known.put(e.getValue().fingerprint(), e.getValue()));
        Map<String, Built> exact = new HashMap<>();
        List<Map.Entry<String, Built>> wildcards = new ArrayList<>();
        for (TlsCertificate c : certificates.values()) {
            Built b = known.get(c.fingerprint());
            if (b == null) {
                try {
                    b = new Built(c.fingerprint(), build(c));
                } catch (Exception e) {
                    LOG.warn("the certificate of {} ({}) does not load; {} gets no HTTPS: {}", c.host(),
                            c.fingerprint(), c.host(), e.toString());
                    continue;
                }
                known.put(c.fingerprint(), b);
            }
            String host = c.host().toLowerCase(Locale.ROOT);
            if (host.startsWith("*.")) {
                wildcards.add(Map.entry(host.substring(1), b));
            } else {
                exact.put(host, b);
            }
        }
        wildcards.sort(Comparator.comparingInt((Map.Entry<String, Built> x) -> x.getKey().length()).reversed());
        List<Built> all = new ArrayList<>(exact.values());
        wildcards.forEach(e -> all.add(e.getValue()));
        Built only = all.stream().map(Built::fingerprint).distinct().count() == 1 ? all.get(0) : null;
        return new TlsContexts(Map.copyOf(exact), List.copyOf(wildcards), only);
    }

    private static SslContext build(TlsCertificate c) throws Exception {
        return SslContextBuilder.forServer(
                        new ByteArrayInputStream(c.chainPem().getBytes(StandardCharsets.US_ASCII)),
                        new ByteArrayInputStream(c.keyPem().getBytes(StandardCharsets.US_ASCII)))
                .applicationProtocolConfig(ApplicationProtocolConfig.DISABLED)
                .protocols("TLSv1.3", "TLSv1.2")
                .build();
    }

    /** The context for an SNI host name (null: the client sent none), or null. */
    SslContext lookup(String sni) {
        if (sni == null) {
            return only == null ? null : only.context();
        }
        String host = sni.toLowerCase(Locale.ROOT);
        Built b = exact.get(host);
        if (b != null) {
            return b.context();
        }
        for (Map.Entry<String, Built> w : wildcards) {
            if (host.endsWith(w.getKey()) && host.length() > w.getKey().length()) {
                return w.getValue().context();
            }
        }
        return null;
    }

    boolean isEmpty() {
        return exact.isEmpty() && wildcards.isEmpty();
    }

    @Override
    public Future<SslContext> map(String sni, Promise<SslContext> promise) {
        SslContext c = lookup(sni);
        return c != null ? promise.setSuccess(c) : promise.setFailure(new SSLHandshakeException(
                "no certificate for " + (sni == null ? "a client without SNI" : sni) + " on this router"));
    }
}
