package org.dockerera.provider.docker.internal;

import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.UnixSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.io.HttpClientConnectionOperator;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentLengthStrategy;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.NameValuePair;
import org.apache.hc.core5.http.impl.DefaultContentLengthStrategy;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EmptyInputStream;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.net.URIAuthority;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * docker-java's {@link DockerHttpClient} on Apache HttpClient 5, for unix sockets and TCP (plain or TLS), adapted from
 * docker-java's {@code ApacheDockerHttpClientImpl} (Apache License 2.0) so that every request is bounded per call:
 * connect and TLS-handshake timeouts on the pool, a response timeout taken from the thread's {@link CallScope}, and
 * registration in that scope so the caller's hard deadline can abort the request (closing its socket). Hijacked
 * (attach) streams are not supported: the provider does not attach.
 */
final class DockerTransport implements DockerHttpClient {

    private final CloseableHttpClient httpClient;
    private final HttpHost host;
    private final Duration defaultResponseTimeout;
    private final Duration connectTimeout;

    DockerTransport(HostUrl url, SSLContext sslContext, Duration connectTimeout, Duration defaultResponseTimeout,
                    int maxConnections) {
        this.defaultResponseTimeout = defaultResponseTimeout;
        this.connectTimeout = connectTimeout;
        // unix: a dummy HTTP host; the socket factory below ignores the address and opens the socket file
        host = url.unix()
                ? new HttpHost("unix", "localhost", 2375)
                : new HttpHost(sslContext != null ? "https" : "http", url.host(), url.port());
        String socketPath = url.path();
        TlsSocketStrategy tls = sslContext != null ? new DefaultClientTlsStrategy(sslContext) : null;
        HttpClientConnectionOperator operator = new DefaultHttpClientConnectionOperator(
                proxy -> url.unix() ? UnixSocket.get(socketPath) : (proxy == null ? new Socket() : new Socket(proxy)),
                DefaultSchemePortResolver.INSTANCE,
                SystemDefaultDnsResolver.INSTANCE,
                scheme -> "https".equalsIgnoreCase(scheme) ? tls : null);

        PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager(
                operator, PoolConcurrencyPolicy.STRICT, PoolReusePolicy.LIFO, TimeValue.NEG_ONE_MILLISECOND,
                new ManagedHttpClientConnectionFactory(null, null, null, null, message -> {
                    // the daemon streams some bodies with "Transfer-Encoding: identity": read them to EOF
                    Header te = message.getFirstHeader(HttpHeaders.TRANSFER_ENCODING);
                    if (te != null && "identity".equalsIgnoreCase(te.getValue())) {
                        return ContentLengthStrategy.UNDEFINED;
                    }
                    return DefaultContentLengthStrategy.INSTANCE.determineLength(message);
                }, null));
        // socket timeouts come per request from RequestConfig.responseTimeout
        pool.setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(Timeout.DISABLED).build());
        pool.setMaxTotal(maxConnections);
        pool.setDefaultMaxPerRoute(maxConnections);
        pool.setDefaultConnectionConfig(ConnectionConfig.custom()
                .setConnectTimeout(Timeout.of(connectTimeout))
                .setSocketTimeout(Timeout.of(defaultResponseTimeout))
                .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                .build());
        pool.setDefaultTlsConfig(TlsConfig.custom().setHandshakeTimeout(Timeout.of(defaultResponseTimeout)).build());

        httpClient = HttpClients.custom()
                .setConnectionManager(pool)
                .disableConnectionState()
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
    }

    @Override
    public Response execute(Request request) {
        CallScope scope = CallScope.current();
        Duration responseTimeout = scope != null ? scope.responseTimeout() : defaultResponseTimeout;

        HttpUriRequestBase http = new HttpUriRequestBase(request.method(), URI.create(request.path()));
        http.setScheme(host.getSchemeName());
        http.setAuthority(new URIAuthority(host.getHostName(), host.getPort()));
        http.setConfig(RequestConfig.custom()
                .setConnectionRequestTimeout(Timeout.of(connectTimeout.plus(defaultResponseTimeout)))
                .setResponseTimeout(responseTimeout.isZero() ? Timeout.DISABLED : Timeout.of(responseTimeout))
                .build());
        request.headers().forEach(http::addHeader);
        byte[] bodyBytes = request.bodyBytes();
        if (bodyBytes != null) {
            http.setEntity(new ByteArrayEntity(bodyBytes, null));
        } else if (request.body() != null) {
            http.setEntity(new InputStreamEntity(request.body(), null));
        }
        if (request.hijackedInput() != null) {
            throw new UnsupportedOperationException("hijacked (attach) streams are not supported by this transport");
        }
        if (scope != null) {
            scope.register(http);
        }
        try {
            ClassicHttpResponse response = httpClient.executeOpen(host, http, HttpCoreContext.create());
            return new ApacheResponse(http, response, scope);
        } catch (IOException e) {
            if (scope != null) {
                scope.unregister(http);
            }
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            if (scope != null) {
                scope.unregister(http);
            }
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        httpClient.close();
    }

    private static final class ApacheResponse implements Response {
        private final HttpUriRequestBase request;
        private final ClassicHttpResponse response;
        private final CallScope scope;

        ApacheResponse(HttpUriRequestBase request, ClassicHttpResponse response, CallScope scope) {
            this.request = request;
            this.response = response;
            this.scope = scope;
        }

        @Override
        public int getStatusCode() {
            return response.getCode();
        }

        @Override
        public Map<String, List<String>> getHeaders() {
            return Stream.of(response.getHeaders()).collect(Collectors.groupingBy(NameValuePair::getName,
                    Collectors.mapping(NameValuePair::getValue, Collectors.toList())));
        }

        @Override
        public String getHeader(String name) {
            Header h = response.getFirstHeader(name);
            return h != null ? h.getValue() : null;
        }

        @Override
        public InputStream getBody() {
            try {
                return response.getEntity() != null ? response.getEntity().getContent() : EmptyInputStream.INSTANCE;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            if (scope != null) {
                scope.unregister(request);
            }
            // like docker-java's own transport: abort (streams may be endless), then release
            try {
                request.abort();
            } catch (RuntimeException e) {
                // already done
            }
            try {
                response.close();
            } catch (IOException | RuntimeException e) {
                // the connection is discarded either way
            }
        }
    }
}
