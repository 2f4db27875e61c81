package org.dockerera.router.builtin.internal;

import org.dockerera.testing.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.dockerera.spi.router.Route;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.dockerera.spi.router.RouteTable;
import org.dockerera.spi.router.TlsCertificate;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The data plane against real sockets on 127.0.0.1: small in-test backends, a raw HTTP/1.1 client. */
class ProxyServerTest {
    private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.CountDownLatch testOver = new java.util.concurrent.CountDownLatch(1);
    private ProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        proxy = new ProxyServer(new ProxyServer.Settings("127.0.0.1", 0, 2, Duration.ofSeconds(1),
                Duration.ofMillis(1500), Duration.ofSeconds(30), 2, Duration.ofSeconds(30), false, 0, 0));
    }

    @AfterEach
    void stop() throws Exception {
        testOver.countDown();
        proxy.close();
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    // ---- backends ----

    /** An HTTP backend answering {@code name} and echoing the forwarding headers; counts connections. */
    final class Backend {
        final HttpServer server;
        final String name;
        final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
        final AtomicInteger requests = new AtomicInteger();
        final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();

        Backend(String name) throws IOException {
            this.name = name;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            server.createContext("/", ex -> {
                requests.incrementAndGet();
                clientPorts.add(ex.getRemoteAddress().getPort());
                Map<String, String> h = new LinkedHashMap<>();
                ex.getRequestHeaders().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
                headers.add(h);
                byte[] in = ex.getRequestBody().readAllBytes();
                String path = ex.getRequestURI().getPath();
                if (path.startsWith("/slow")) {
                    try {
                        // a backend that is too slow: it answers only when the test ends, the proxy must give up first
                        testOver.await(10, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (path.startsWith("/stream")) {
                    ex.sendResponseHeaders(200, 0); // chunked
                    try (OutputStream out = ex.getResponseBody()) {
                        for (int i = 0; i < 5; i++) {
                            out.write(("chunk" + i + "\n").getBytes(StandardCharsets.UTF_8));
                            out.flush();
                        }
                    }
                    return;
                }
                byte[] body = (name + " " + ex.getRequestMethod() + " " + in.length).getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            server.setExecutor(Executors.newFixedThreadPool(8));
            server.start();
            closing.add(() -> server.stop(0));
        }

        String address() {
            return "127.0.0.1:" + server.getAddress().getPort();
        }
    }

    /** Accepts connections and closes them at once: what Docker's proxy does when the app is down. */
    String acceptsAndCloses(AtomicInteger accepted) throws IOException {
        ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
        closing.add(s);
        Thread t = new Thread(() -> {
            while (!s.isClosed()) {
                try (Socket c = s.accept()) {
                    accepted.incrementAndGet();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return "127.0.0.1:" + s.getLocalPort();
    }

    static String refusing() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return "127.0.0.1:" + s.getLocalPort();
        }
    }

    // ---- a raw HTTP/1.1 client ----

    record Response(int status, Map<String, String> headers, String body) {
    }

    final class Client implements AutoCloseable {
        final Socket socket;
        final InputStream in;

        Client() throws IOException {
            this(new Socket("127.0.0.1", proxy.port()));
        }

        Client(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(10_000);
            in = new BufferedInputStream(socket.getInputStream());
        }

        Response send(String method, String host, String path, String body) throws IOException {
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
            if (body != null) {
                req.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
            }
            req.append("\r\n");
            if (body != null) {
                req.append(body);
            }
            socket.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return read();
        }

        Response read() throws IOException {
            String statusLine = line();
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> h = new LinkedHashMap<>();
            String l;
            while (!(l = line()).isEmpty()) {
                int colon = l.indexOf(':');
                h.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if ("chunked".equalsIgnoreCase(h.get("transfer-encoding"))) {
                int size;
                while ((size = Integer.parseInt(line().trim(), 16)) > 0) {
                    body.write(in.readNBytes(size));
                    line();
                }
                line();
            } else if (h.containsKey("content-length")) {
                body.write(in.readNBytes(Integer.parseInt(h.get("content-length"))));
            }
            return new Response(status, h, body.toString(StandardCharsets.UTF_8));
        }

        String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') {
                    b.write(c);
                }
            }
            if (c == -1 && b.size() == 0) {
                throw new IOException("connection closed");
            }
            return b.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private Response get(String host, String path) throws IOException {
        try (Client c = new Client()) {
            return c.send("GET", host, path, null);
        }
    }

    private void table(long epoch, Route... routes) {
        proxy.apply(new RouteTable(epoch, List.of(routes)));
    }

    // ---- tests ----

    @Test
    void routesByExactHostThenLongestWildcardAndAnswers404And503ItsOwn() throws Exception {
        Backend a = new Backend("a");
        Backend b = new Backend("b");
        Backend c = new Backend("c");
        table(1, new Route("shop.test", "shop", List.of(a.address())), new Route("*.shop.test", "wild", List.of(b.address())),
                new Route("*.eu.shop.test", "eu", List.of(c.address())), new Route("empty.test", "empty", List.of()));
        assertThat(get("shop.test", "/").body()).startsWith("a GET");
        assertThat(get("SHOP.test:8080", "/").body()).startsWith("a GET");
        assertThat(get("www.shop.test", "/").body()).startsWith("b GET");
        assertThat(get("x.eu.shop.test", "/").body()).startsWith("c GET");
        Response unknown = get("nope.test", "/");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).contains("nope.test");
        Response none = get("empty.test", "/");
        assertThat(none.status()).isEqualTo(503);
        assertThat(none.body()).contains("empty");
        assertThat(proxy.stats.snapshot().get("empty").statuses()).containsEntry("5xx", 1L);
    }

    @Test
    void balancesRoundRobinKeepsConnectionsAliveAndAddsForwardingHeaders() throws Exception {
        Backend a = new Backend("a");
        Backend b = new Backend("b");
        table(1, new Route("app.test", "app", List.of(a.address(), b.address())));
        List<String> answers = new ArrayList<>();
        try (Client c = new Client()) {
            for (int i = 0; i < 20; i++) {
                Response r = c.send("GET", "app.test", "/", null);
                assertThat(r.status()).isEqualTo(200);
                answers.add(r.body().substring(0, 1));
            }
        }
        assertThat(answers).containsOnly("a", "b");
        assertThat(answers.stream().filter("a"::equals).count()).isEqualTo(10);
        assertThat(a.clientPorts.size() + b.clientPorts.size()).as("pooled backend connections").isLessThanOrEqualTo(4);
        Map<String, String> h = a.headers.get(0);
        assertThat(h.get("x-forwarded-for")).isEqualTo("127.0.0.1");
        assertThat(h.get("x-forwarded-proto")).isEqualTo("http");
        assertThat(h.get("x-forwarded-host")).isEqualTo("app.test");
        assertThat(h.get("forwarded")).contains("for=127.0.0.1").contains("host=\"app.test\"");
        assertThat(h.get("x-request-id")).isNotBlank();
    }

    @Test
    void aRefusedBackendIsRetriedOnceElsewhereForAGetButNotForAPostWithABody() throws Exception {
        Backend good = new Backend("good");
        String dead = refusing();
        table(1, new Route("app.test", "app", List.of(dead, good.address())));
        for (int i = 0; i < 4; i++) {
            assertThat(get("app.test", "/").status()).isEqualTo(200);
        }
        assertThat(proxy.stats.snapshot().get("app").retries()).isPositive();

        table(2, new Route("post.test", "post", List.of(refusing())));
        try (Client c = new Client()) {
            Response r = c.send("POST", "post.test", "/", "{\"order\":1}");
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.body()).contains("post");
        }
        assertThat(proxy.stats.snapshot().get("post").retries()).isZero();
    }

    @Test
    void aBackendThatAcceptsThenClosesCountsAsFailedAndIsEjected() throws Exception {
        Backend good = new Backend("good");
        AtomicInteger accepted = new AtomicInteger();
        String closer = acceptsAndCloses(accepted);
        table(1, new Route("app.test", "app", List.of(closer, good.address())));
        for (int i = 0; i < 10; i++) {
            Response r = get("app.test", "/");
            assertThat(r.status()).as("attempt %d", i).isEqualTo(200);
            assertThat(r.body()).startsWith("good");
        }
        assertThat(accepted.get()).as("ejected after 2 failures in a row").isEqualTo(2);
        assertThat(proxy.stats.snapshot().get("app").retries()).isEqualTo(2);
    }

    @Test
    void aBackendTooSlowToAnswerGets504() throws Exception {
        Backend slow = new Backend("slow");
        table(1, new Route("slow.test", "slow", List.of(slow.address())));
        Response r = get("slow.test", "/slow");
        assertThat(r.status()).isEqualTo(504);
        assertThat(r.body()).contains("slow");
    }

    @Test
    void aChunkedResponseStreamsThrough() throws Exception {
        Backend s = new Backend("s");
        table(1, new Route("s.test", "s", List.of(s.address())));
        Response r = get("s.test", "/stream");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("chunk0\nchunk1\nchunk2\nchunk3\nchunk4\n");
    }

    @Test
    void aWebsocketUpgradeRelaysBytesBothWays() throws Exception {
        ServerSocket echo = new ServerSocket(0, 5, java.net.InetAddress.getByName("127.0.0.1"));
        closing.add(echo);
        Thread t = new Thread(() -> {
            try (Socket c = echo.accept()) {
                InputStream in = c.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                    head.write(in.read());
                }
                OutputStream out = c.getOutputStream();
                out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                byte[] buf = new byte[64];
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // closed
            }
        });
        t.setDaemon(true);
        t.start();
        table(1, new Route("ws.test", "ws", List.of("127.0.0.1:" + echo.getLocalPort())));
        try (Client c = new Client()) {
            c.socket.getOutputStream().write(("GET /chat HTTP/1.1\r\nHost: ws.test\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(c.line()).startsWith("HTTP/1.1 101");
            while (!c.line().isEmpty()) {
                // headers
            }
            // a table swap for other apps must not disturb the tunnel
            table(2, new Route("ws.test", "ws", List.of("127.0.0.1:" + echo.getLocalPort())),
                    new Route("other.test", "other", List.of()));
            for (String msg : List.of("hello", "world")) {
                c.socket.getOutputStream().write(msg.getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(c.in.readNBytes(msg.length()), StandardCharsets.US_ASCII)).isEqualTo(msg);
            }
        }
    }

    @Test
    void tableSwapsUnderLoadLoseNoRequestAndAnOlderEpochIsIgnored() throws Exception {
        Backend a = new Backend("a");
        Backend b = new Backend("b");
        table(1, new Route("app.test", "app", List.of(a.address())));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicInteger errors = new AtomicInteger();
        List<Future<?>> load = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            load.add(pool.submit(() -> {
                try (Client c = new Client()) {
                    for (int i = 0; i < 300; i++) {
                        if (c.send("GET", "app.test", "/", null).status() != 200) {
                            errors.incrementAndGet();
                        }
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                }
                return null;
            }));
        }
        for (int e = 2; e <= 51; e++) {
            table(e, new Route("app.test", "app", e % 2 == 0 ? List.of(a.address(), b.address()) : List.of(b.address())));
        }
        for (Future<?> f : load) {
            f.get();
        }
        pool.shutdown();
        assertThat(errors.get()).isZero();
        assertThat(proxy.routes().epoch()).isEqualTo(51);
        assertThat(proxy.apply(new RouteTable(7, List.of()))).isFalse();
        assertThat(proxy.routes().epoch()).isEqualTo(51);
        assertThat(get("app.test", "/").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.stats.snapshot().get("app").requests() >= 1201);
    }

    // ---- HTTPS ----

    /** A TLS connection to the HTTPS port sending {@code sni}, trusting only {@code trusted}; handshake done. */
    private SSLSocket tls(String sni, String trustedPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("c", certificate(trustedPem));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", proxy.httpsPort());
        SSLParameters p = s.getSSLParameters();
        if (sni != null) {
            p.setServerNames(List.of(new SNIHostName(sni)));
        }
        s.setSSLParameters(p);
        s.setSoTimeout(10_000);
        closing.add(s);
        s.startHandshake();
        return s;
    }

    private static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    private static TlsCertificate tlsCertificate(String host, TestCertificates.Pair pair) throws Exception {
        String fingerprint = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(certificate(pair.cert()).getEncoded()));
        return new TlsCertificate(host, fingerprint, pair.cert(), pair.key());
    }

    @Test
    void servesHttpsByServerNameWithTheUploadedCertificatesAndRedirectsPlainHttp(@TempDir Path dir)
            throws Exception {
        Backend a = new Backend("a");
        Backend b = new Backend("b");
        TestCertificates.Pair aCert = TestCertificates.selfSigned(dir, "rsa:2048", 2, false, "a.test");
        TestCertificates.Pair shopCert = TestCertificates.selfSigned(dir, "ec", 2, false, "*.shop.test");
        TlsCertificate ta = tlsCertificate("a.test", aCert);
        TlsCertificate ts = tlsCertificate("*.shop.test", shopCert);
        proxy.apply(new RouteTable(1, List.of(
                new Route("a.test", "a", List.of(a.address()), ta.fingerprint(), true),
                new Route("*.shop.test", "shop", List.of(b.address()), ts.fingerprint(), false),
                new Route("plain.test", "plain", List.of(b.address())))), Map.of("a.test", ta, "*.shop.test", ts));

        SSLSocket s = tls("a.test", aCert.cert());
        assertThat(((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName())
                .isEqualTo("CN=a.test");
        try (Client c = new Client(s)) {
            for (int i = 0; i < 3; i++) { // keep-alive over TLS
                Response r = c.send("POST", "a.test", "/", "hello");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("a POST 5");
            }
        }
        Map<String, String> h = a.headers.get(0);
        assertThat(h.get("x-forwarded-proto")).isEqualTo("https");
        assertThat(h.get("forwarded")).contains("proto=https");
        try (Client c = new Client(tls("www.shop.test", shopCert.cert()))) {
            assertThat(c.send("GET", "www.shop.test", "/", null).body()).startsWith("b GET");
        }
        // no certificate for this name: no handshake
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> tls("plain.test", aCert.cert()))
                .isInstanceOf(IOException.class);

        // plain HTTP: redirected where the app asked for it, served where it did not
        Response redirected = get("A.test:8080", "/cart?id=7");
        assertThat(redirected.status()).isEqualTo(308);
        assertThat(redirected.headers().get("location")).isEqualTo("https://a.test:" + proxy.httpsPort()
                + "/cart?id=7");
        assertThat(get("www.shop.test", "/").status()).isEqualTo(200);
        assertThat(get("plain.test", "/").status()).isEqualTo(200);
        assertThat(proxy.stats.snapshot().get("a").statuses()).containsEntry("3xx", 1L);

        // a renewed certificate: served by the next handshake once the table carries it
        TestCertificates.Pair renewed = TestCertificates.selfSigned(dir, "rsa:2048", 2, false, "a.test");
        TlsCertificate tr = tlsCertificate("a.test", renewed);
        proxy.apply(new RouteTable(2, List.of(new Route("a.test", "a", List.of(a.address()), tr.fingerprint(),
                false))), Map.of("a.test", tr));
        SSLSocket again = tls("a.test", renewed.cert());
        assertThat(again.getSession().getPeerCertificates()[0]).isEqualTo(certificate(renewed.cert()));
        assertThat(get("a.test", "/").status()).isEqualTo(200);
    }

    @Test
    void aCertificateThatDoesNotLoadLeavesItsHostWithoutHttpsAndTheRestServed(@TempDir Path dir) throws Exception {
        Backend a = new Backend("a");
        TestCertificates.Pair aCert = TestCertificates.selfSigned(dir, "rsa:2048", 2, false, "a.test");
        TlsCertificate good = tlsCertificate("a.test", aCert);
        TlsCertificate bad = new TlsCertificate("b.test", "00", aCert.cert(), "-----BEGIN PRIVATE KEY-----\nAA==\n"
                + "-----END PRIVATE KEY-----\n");
        proxy.apply(new RouteTable(1, List.of(new Route("a.test", "a", List.of(a.address()), good.fingerprint(), false),
                new Route("b.test", "a", List.of(a.address()), "00", false))), Map.of("a.test", good, "b.test", bad));
        assertThat(proxy.routes().epoch()).isEqualTo(1);
        try (Client c = new Client(tls("a.test", aCert.cert()))) {
            assertThat(c.send("GET", "a.test", "/", null).status()).isEqualTo(200);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> tls("b.test", aCert.cert()))
                .isInstanceOf(IOException.class);
        assertThat(get("b.test", "/").status()).isEqualTo(200);
    }
}
