package org.dockerera.webui.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.whiteboard.HttpWhiteboardConstants;

/**
 * Serves the web UI: {@code /} is the page, {@code /ui/*} its scripts and styles (from this bundle's
 * {@code webui/} folder). Registered as the default servlet ({@code /}), so {@code /api/*} and every other
 * registered path keep their own servlets. The page is static; all data comes from {@code /api} with the browser
 * session (cookie + {@code X-CSRF-Token}), and a strict Content-Security-Policy allows scripts, styles and
 * connections from this origin only.
 */
@Component(service = Servlet.class, property = {
    HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN + "=/",
    HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME + "=dockerera-webui"
})
public final class WebUiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Pattern ASSET = Pattern.compile("/ui/[a-z0-9][a-z0-9-]*\\.(js|css|svg)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");

    private record Asset(byte[] bytes, String type, String etag) {
    }

    private final transient Map<String, Asset> cache = new ConcurrentHashMap<>();

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        serve(req, resp, true);
    }

    @Override
    protected void doHead(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        serve(req, resp, false);
    }

    private void serve(HttpServletRequest req, HttpServletResponse resp, boolean body) throws IOException {
        String path = req.getPathInfo() != null ? req.getServletPath() + req.getPathInfo() : req.getServletPath();
        if (path == null || path.isEmpty()) {
            path = req.getRequestURI().substring(req.getContextPath().length());
        }
        String resource;
        if ("/".equals(path) || "/index.html".equals(path)) {
            resource = "index.html";
        } else if (ASSET.matcher(path).matches()) {
            resource = path.substring("/ui/".length());
        } else {
            resp.setStatus(404);
            resp.setContentType("text/plain; charset=utf-8");
            resp.getWriter().write("not found: the web UI is at /, the API at /api\n");
            return;
        }
        Asset a = asset(resource);
        if (a == null) {
            resp.setStatus(404);
            resp.setContentType("text/plain; charset=utf-8");
            resp.getWriter().write("not found\n");
            return;
        }
        resp.setHeader("Content-Security-Policy", CSP);
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Referrer-Policy", "no-referrer");
        resp.setHeader("X-Frame-Options", "DENY");
        resp.setHeader("Cache-Control", "no-cache");
        resp.setHeader("ETag", a.etag());
        if (a.etag().equals(req.getHeader("If-None-Match"))) {
            resp.setStatus(304);
            return;
        }
        resp.setContentType(a.type());
        resp.setContentLength(a.bytes().length);
        if (body) {
            resp.getOutputStream().write(a.bytes());
        }
    }

    private Asset asset(String name) {
        return cache.computeIfAbsent(name, n -> {
            URL url = WebUiServlet.class.getClassLoader().getResource("webui/" + n);
            if (url == null) {
                return null;
            }
            try (InputStream in = url.openStream()) {
                byte[] bytes = in.readAllBytes();
                String ext = n.substring(n.lastIndexOf('.') + 1);
                return new Asset(bytes, TYPES.getOrDefault(ext, "application/octet-stream"), etag(bytes));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
