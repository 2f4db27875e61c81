package org.dockerera.rest.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.dockerera.api.Capacity;
import org.dockerera.api.DockereraException;
import org.dockerera.api.Host;
import org.dockerera.api.HostSpec;
import org.dockerera.api.NewToken;
import org.dockerera.api.Registry;
import org.dockerera.api.RegistrySpec;
import org.dockerera.api.TlsMaterial;
import org.dockerera.api.Token;
import org.dockerera.api.TokenScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole {@code /api}: routing, authentication, scopes, CSRF, handlers and problem rendering. Plain Java over
 * the servlet API, so tests run it in an embedded server without OSGi; {@link RestComponent} registers it on the
 * HTTP Whiteboard.
 */
public final class RestApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);
    static final String JSON = "application/json";
    static final String PROBLEM_JSON = "application/problem+json";

    private final Services services;
    private final RestSettings settings;
    private final Json json = new Json();
    private final Sessions sessions;
    private final Auth auth;
    private final EventStreams events;
    private final Router router = new Router();

    RestApi(Services services, RestSettings settings, Clock clock) {
        this.services = services;
        this.settings = settings;
        this.sessions = new Sessions(clock, settings.sessionIdleTimeout());
        this.auth = new Auth(services, sessions, settings.sessionRecheck());
        this.events = new EventStreams(json, settings.heartbeat(), settings.sseQueueLimit());
        routes();
    }

    private void routes() {
        router.add("GET", "/api/health", Access.PUBLIC, ex -> Reply.ok(new Dto.Health("up")))

                .add("POST", "/api/session", Access.PUBLIC, this::login)
                .add("GET", "/api/session", Access.AUTHENTICATED, this::session)
                .add("DELETE", "/api/session", Access.AUTHENTICATED, this::logout)

                .add("GET", "/api/hosts", Access.READ, ex -> Reply.ok(services.hosts().list()))
                .add("POST", "/api/hosts", Access.ADMIN, this::addHost)
                .add("GET", "/api/hosts/{id}", Access.READ, ex -> Reply.ok(services.hosts().get(ex.path("id"))))
                .add("DELETE", "/api/hosts/{id}", Access.ADMIN, ex -> {
                    services.hosts().remove(ex.path("id"), ex.flag("force", false));
                    return Reply.noContent();
                })

                .add("GET", "/api/registries", Access.READ, ex -> Reply.ok(services.registries().list()))
                .add("POST", "/api/registries", Access.ADMIN, this::addRegistry)
                .add("GET", "/api/registries/{id}", Access.READ, this::registry)
                .add("DELETE", "/api/registries/{id}", Access.ADMIN, ex -> {
                    services.registries().remove(ex.path("id"));
                    return Reply.noContent();
                })

                .add("GET", "/api/tokens", Access.ADMIN, ex -> Reply.ok(services.tokens().list()))
                .add("POST", "/api/tokens", Access.ADMIN, this::createToken)
                .add("DELETE", "/api/tokens/{id}", Access.ADMIN, ex -> {
                    String id = ex.path("id");
                    services.tokens().revoke(id);
                    sessions.closeAllOf(id);
                    return Reply.noContent();
                })

                .add("GET", "/api/info", Access.READ, ex -> Reply.ok(services.info().info()))
                .add("GET", "/api/controller", Access.READ, ex -> Reply.ok(Services.require(services.leadership(),
                        "controller lease").current()))
                .add("GET", "/api/store", Access.READ, ex -> Reply.ok(new Dto.StoreReply(services.store().status(),
                        services.store().backends())))
                .add("POST", "/api/store/migrate", Access.ADMIN, ex -> {
                    Dto.MigrateRequest m = ex.body(Dto.MigrateRequest.class);
                    if (m.to() == null || m.to().isBlank()) {
                        throw ApiProblem.invalid("'to' names the backend to move to (embedded, redis, couchbase …)",
                                "to");
                    }
                    return Reply.ok(services.store().migrate(m.to(), Boolean.TRUE.equals(m.force())));
                })
                .add("GET", "/api/events", Access.READ, this::events)
                .add("GET", "/api/camel/routes", Access.READ, ex -> {
                    org.dockerera.api.events.CamelRoutes camel = services.camelRoutes();
                    return Reply.ok(new Dto.CamelRoutesReply(camel.directory(), camel.routes(), camel.files()));
                })
                .add("GET", "/api/plugins", Access.READ, ex -> Reply.ok(services.plugins().points()));
        new AppsApi(services, json, events).register(router);
    }

    /** The routes, for tests and docs. */
    List<Router.Route> routeTable() {
        return router.routes();
    }

    /** Handles one request under {@code /api}: every failure becomes problem+json (an I/O error writing it escapes). */
    public void handle(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Exchange ex = new Exchange(req, resp, json, settings.maxBodyBytes());
        try {
            Reply reply = dispatch(ex);
            if (reply != Reply.ASYNC) {
                write(ex, reply);
            }
        } catch (ApiProblem p) {
            problem(ex, p);
        } catch (DockereraException e) {
            if (e.kind().status() >= 500) {
                // the stack only when there is an underlying cause worth reading
                if (e.getCause() != null) {
                    LOG.warn("{} {} failed: {} ({})", ex.method(), req.getRequestURI(), e.detail(), e.slug(), e);
                } else {
                    LOG.warn("{} {} failed: {} ({})", ex.method(), req.getRequestURI(), e.detail(), e.slug());
                }
            }
            problem(ex, ApiProblem.of(e));
        } catch (JsonProcessingException e) {
            internal(ex, e);
        } catch (IOException e) {
            // the client went away while we read its body or wrote the answer: nobody to tell
            LOG.debug("{} {}: connection failed: {}", ex.method(), req.getRequestURI(), e.toString());
        } catch (Exception | LinkageError | AssertionError e) {
            internal(ex, e);
        }
    }

    /** 500 with a reference to find the full stack in the log; nothing of the exception goes to the client. */
    private void internal(Exchange ex, Throwable e) throws IOException {
        String reference = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("{} {} failed unexpectedly (reference {})", ex.method(), ex.request().getRequestURI(), reference, e);
        problem(ex, ApiProblem.internal(reference));
    }

    private Reply dispatch(Exchange ex) throws Exception {
        HttpServletRequest req = ex.request();
        Router.Match match = router.match(ex.method(), apiPath(req));
        if (match instanceof Router.Found f && f.route().access() == Access.PUBLIC) {
            ex.params(f.params());
            return f.route().handler().handle(ex);
        }
        Principal principal = auth.authenticate(req);
        ex.principal(principal);
        if (match instanceof Router.WrongMethod w) {
            throw new ApiProblem(405, "method-not-allowed", "Method not allowed",
                    ex.method() + " is not supported here; use " + String.join(", ", w.allowed()))
                    .header("Allow", String.join(", ", w.allowed()));
        }
        if (!(match instanceof Router.Found found)) {
            throw ApiProblem.notFound("no such resource: " + ex.method() + " " + req.getRequestURI()
                    + "; docs/api.md lists the endpoints");
        }
        Access access = found.route().access();
        if (!access.permits(principal.scope())) {
            throw ApiProblem.forbidden("a " + principal.scope() + " token may not " + ex.method() + " "
                    + found.route().template() + "; that needs " + access.who());
        }
        ex.params(found.params());
        if (CHANGES.contains(ex.method()) && !STANDBY_EXEMPT.contains(found.route().template())) {
            org.dockerera.api.LeadershipService leadership = services.leadership();
            if (leadership != null) {
                leadership.requireActive(); // 503 /problems/standby naming the active controller
            }
        }
        return found.route().handler().handle(ex);
    }

    private static final java.util.Set<String> CHANGES = java.util.Set.of("POST", "PUT", "PATCH", "DELETE");
    /**
     * Changes a standby still takes: sessions (logging in and out of this controller) and the routers' fleet
     * protocol (routers attached to a standby keep registering and acknowledging; the records are in the shared
     * store, so the active controller waits for them too).
     */
    private static final java.util.Set<String> STANDBY_EXEMPT = java.util.Set.of("/api/session", "/api/routers",
            "/api/routers/{id}", "/api/routers/{id}/ack");

    /** The raw (still percent-encoded) path from the context root: {@code /api/hosts/abc}. */
    private static String apiPath(HttpServletRequest req) {
        String uri = req.getRequestURI();
        String context = req.getContextPath();
        if (context != null && !context.isEmpty() && uri.startsWith(context)) {
            uri = uri.substring(context.length());
        }
        return uri;
    }

    // --- handlers -------------------------------------------------------------------------------------------

    private Reply login(Exchange ex) throws IOException {
        Dto.SessionRequest body = ex.body(Dto.SessionRequest.class);
        if (body.token() == null || body.token().isBlank()) {
            throw ApiProblem.invalid("field 'token' is required", "token");
        }
        Token token = auth.token(body.token());
        Sessions.Session s = sessions.open(token);
        LOG.info("session opened for token {} ({}, {})", token.name(), token.id(), token.scope());
        return Reply.ok(new Dto.SessionReply(s.csrfToken(), token.id(), token.name(), token.scope()))
                .withHeader("Set-Cookie", Auth.sessionCookie(ex.request(), s.id()));
    }

    private Reply session(Exchange ex) {
        Principal p = ex.principal();
        return Reply.ok(new Dto.SessionReply(p.viaSession() ? p.session().csrfToken() : null, p.tokenId(),
                p.tokenName(), p.scope()));
    }

    private Reply logout(Exchange ex) {
        Principal p = ex.principal();
        if (p.viaSession()) {
            sessions.close(p.session().id());
        }
        return Reply.noContent().withHeader("Set-Cookie", Auth.clearCookie(ex.request()));
    }

    private Reply events(Exchange ex) throws IOException {
        if ("HEAD".equals(ex.method())) {
            services.events();
            ex.response().setContentType("text/event-stream;charset=utf-8");
            return new Reply(200, null, Map.of());
        }
        return events.open(ex, services.events());
    }

    private Reply addHost(Exchange ex) throws IOException {
        Dto.HostRequest body = ex.body(Dto.HostRequest.class);
        TlsMaterial tls = body.tls() == null ? null : new TlsMaterial(body.tls().ca(), body.tls().cert(), body.tls().key());
        Capacity capacity = body.capacity() == null ? null
                : new Capacity(body.capacity().cpus(), body.capacity().memoryBytes());
        HostSpec spec = new HostSpec(body.url(), body.labels(), tls, capacity, Boolean.TRUE.equals(body.force()));
        Host host = services.hosts().add(spec);
        LOG.info("host {} added as {} by token {}", host.url(), host.id(), ex.principal().tokenName());
        return Reply.created("/api/hosts/" + Reply.segment(host.id()), host);
    }

    private Reply addRegistry(Exchange ex) throws IOException {
        Dto.RegistryRequest body = ex.body(Dto.RegistryRequest.class);
        Registry r = services.registries().add(new RegistrySpec(body.server(), body.username(), body.password()));
        return Reply.created("/api/registries/" + Reply.segment(r.id()), r);
    }

    private Reply registry(Exchange ex) {
        String id = ex.path("id");
        return services.registries().list().stream()
                .filter(r -> id.equals(r.id()) || id.equals(r.server()))
                .findFirst()
                .map(Reply::ok)
                .orElseThrow(() -> DockereraException.notFound("registry-not-found",
                        "no registry '" + id + "'; list them with GET /api/registries"));
    }

    private Reply createToken(Exchange ex) throws IOException {
        Dto.TokenRequest body = ex.body(Dto.TokenRequest.class);
        TokenScope scope = TokenScope.parse(body.scope());
        NewToken t = services.tokens().create(body.name(), scope);
        LOG.info("token {} ({}, {}) created by token {}", t.name(), t.id(), t.scope(), ex.principal().tokenName());
        return Reply.created("/api/tokens/" + Reply.segment(t.id()), t);
    }

    // --- responses ------------------------------------------------------------------------------------------

    private void write(Exchange ex, Reply reply) throws IOException {
        byte[] bytes = reply.body() == null ? null : json.write(reply.body());
        HttpServletResponse resp = ex.response();
        resp.setStatus(reply.status());
        commonHeaders(resp);
        for (Map.Entry<String, String> h : reply.headers().entrySet()) {
            resp.addHeader(h.getKey(), h.getValue());
        }
        if (bytes != null) {
            send(ex, resp, JSON, bytes);
        }
    }

    private void problem(Exchange ex, ApiProblem p) throws IOException {
        HttpServletResponse resp = ex.response();
        if (resp.isCommitted()) {
            LOG.debug("response already committed; cannot send problem {}", p.slug());
            return;
        }
        resp.reset();
        resp.setStatus(p.status());
        commonHeaders(resp);
        for (Map.Entry<String, String> h : p.headers().entrySet()) {
            resp.addHeader(h.getKey(), h.getValue());
        }
        send(ex, resp, PROBLEM_JSON, json.write(p.body()));
    }

    private static void send(Exchange ex, HttpServletResponse resp, String contentType, byte[] bytes) throws IOException {
        resp.setContentType(contentType);
        resp.setContentLength(bytes.length);
        if (!"HEAD".equals(ex.method())) {
            resp.getOutputStream().write(bytes);
        }
    }

    private static void commonHeaders(HttpServletResponse resp) {
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff");
    }

    /** Ends every open event stream (the event bus went away); clients reconnect. */
    void closeEventStreams() {
        events.closeAll();
    }

    int openEventStreams() {
        return events.openCount();
    }

    int openSessions() {
        return sessions.size();
    }

    @Override
    public void close() {
        events.close();
    }
}
