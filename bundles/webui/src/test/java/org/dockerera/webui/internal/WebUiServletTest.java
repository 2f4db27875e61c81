package org.dockerera.webui.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The servlet in a real Jetty 9.4 (what Pax Web runs), mapped as the default servlet the way the whiteboard maps it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebUiServletTest {
    private Server jetty;
    private String base;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        jetty = new Server();
        ServerConnector c = new ServerConnector(jetty);
        c.setHost("127.0.0.1");
        c.setPort(0);
        jetty.addConnector(c);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        ctx.addServlet(new ServletHolder(new WebUiServlet()), "/");
        jetty.setHandler(ctx);
        jetty.start();
        base = "http://127.0.0.1:" + c.getLocalPort();
    }

    @AfterAll
    void stop() throws Exception {
        jetty.stop();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePageAndItsAssetsAreServedWithAStrictPolicy() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("<script type=\"module\" src=\"/ui/app.js\"></script>").doesNotContain("<script>");
        assertThat(page.headers().firstValue("Content-Security-Policy")).contains(WebUiServlet.CSP);
        assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");

        HttpResponse<String> js = get("/ui/app.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        assertThat(js.body()).contains("'/api/session'").doesNotContain("innerHTML");
        assertThat(get("/ui/app.css").statusCode()).isEqualTo(200);
        assertThat(get("/ui/logo.svg").headers().firstValue("Content-Type")).contains("image/svg+xml");
    }

    @Test
    void anUnchangedAssetAnswers304AndNothingOutsideTheUiFolderIsServed() throws Exception {
        String etag = get("/ui/app.js").headers().firstValue("ETag").orElseThrow();
        assertThat(get("/ui/app.js", "If-None-Match", etag).statusCode()).isEqualTo(304);
        assertThat(get("/ui/../org/dockerera/webui/internal/WebUiServlet.class").statusCode()).isEqualTo(404);
        assertThat(get("/ui/%2e%2e/webui/app.js").statusCode()).isEqualTo(404);
        assertThat(get("/ui/%2e%2e/org/dockerera/webui/internal/WebUiServlet.class").statusCode()).isEqualTo(404);
        assertThat(get("/ui/nope.js").statusCode()).isEqualTo(404);
        assertThat(get("/webui/app.js").statusCode()).isEqualTo(404);
        assertThat(get("/ui/app.js.map").statusCode()).isEqualTo(404);
    }
}
