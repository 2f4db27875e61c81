package org.dockerera.rest.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dockerera.api.App;
import org.dockerera.api.AppService.AppUpdate;
import org.dockerera.api.AppSpec;
import org.dockerera.api.Deploy;
import org.dockerera.api.DeployRequest;
import org.dockerera.api.DeployService;
import org.dockerera.api.DeployStatus;
import org.dockerera.api.DockereraException;
import org.dockerera.api.Instance;
import org.dockerera.api.InstanceState;
import org.dockerera.api.InstanceStats;
import org.dockerera.api.LogQuery;
import org.dockerera.api.LogService;
import org.dockerera.api.Run;
import org.dockerera.api.RunRequest;
import org.dockerera.api.RunService;
import org.dockerera.api.RunStatus;
import org.dockerera.api.RouteService;
import org.dockerera.api.RouterService;
import org.dockerera.api.events.Event;
import org.dockerera.api.events.EventBus;
import org.dockerera.spi.router.RouteTable;

/**
 * Apps, env, deploys, releases, instances, host maintenance, routes, routers and domains: the issue-4 and issue-5
 * part of {@code /api}. Changes that alter running containers answer {@code 202} with the {@link Deploy} to follow.
 */
final class AppsApi {
    /**
     * How long the stream of a deploy that reads as finished waits for its final event (the controller publishes it
     * just after marking the deploy finished) before it ends without it.
     */
    static final Duration FINAL_EVENT_GRACE = Duration.ofSeconds(5);
    private final Services services;
    private final Json json;
    private final EventStreams streams;

    AppsApi(Services services, Json json, EventStreams streams) {
        this.services = services;
        this.json = json;
        this.streams = streams;
    }

    void register(Router router) {
        router.add("GET", "/api/apps", Access.READ, ex -> Reply.ok(services.apps().list()))
                .add("POST", "/api/apps", Access.DEPLOY, this::createApp)
                .add("GET", "/api/apps/{app}", Access.READ, ex -> Reply.ok(services.apps().get(ex.path("app"))))
                .add("PATCH", "/api/apps/{app}", Access.DEPLOY, this::patchApp)
                .add("DELETE", "/api/apps/{app}", Access.DEPLOY, ex -> accepted(services.apps().remove(ex.path("app"),
                        actor(ex))))

                .add("GET", "/api/apps/{app}/env", Access.READ, ex -> Reply.ok(services.apps().env(ex.path("app"))))
                .add("PATCH", "/api/apps/{app}/env", Access.DEPLOY, this::patchEnv)
                .add("PUT", "/api/apps/{app}/env/{key}", Access.DEPLOY, this::putEnv)
                .add("DELETE", "/api/apps/{app}/env/{key}", Access.DEPLOY, ex -> {
                    Map<String, String> unset = new LinkedHashMap<>();
                    unset.put(ex.path("key"), null);
                    return envReply(ex, services.apps().patchEnv(ex.path("app"), unset, actor(ex)));
                })

                .add("POST", "/api/apps/{app}/deploys", Access.DEPLOY, this::deploy)
                .add("GET", "/api/apps/{app}/deploys", Access.READ, ex -> Reply.ok(services.deploys().list(
                        ex.path("app"))))
                .add("GET", "/api/deploys/{id}", Access.READ, ex -> Reply.ok(services.deploys().get(ex.path("id"))))
                .add("GET", "/api/deploys/{id}/events", Access.READ, this::deployEvents)

                .add("GET", "/api/apps/{app}/releases", Access.READ, ex -> Reply.ok(services.apps().releases(
                        ex.path("app"))))
                .add("GET", "/api/apps/{app}/releases/{version}", Access.READ, ex -> Reply.ok(services.apps().release(
                        ex.path("app"), version(ex))))
                .add("POST", "/api/apps/{app}/rollback", Access.DEPLOY, ex -> {
                    RollbackBody b = ex.optionalBody(RollbackBody.class);
                    return accepted(services.deploys().rollback(ex.path("app"), b == null ? null : b.release(),
                            actor(ex)));
                })
                .add("PUT", "/api/apps/{app}/scale", Access.DEPLOY, ex -> {
                    ScaleBody b = ex.body(ScaleBody.class);
                    if (b.instances() == null) {
                        throw ApiProblem.invalid("field 'instances' is required", "instances");
                    }
                    if (b.instances() < 0) {
                        throw DockereraException.invalid("invalid-instances", "instances must be 0 or more (0 stops "
                                + "the app), got " + b.instances());
                    }
                    return accepted(services.deploys().scale(ex.path("app"), b.instances(), actor(ex)));
                })
                .add("POST", "/api/apps/{app}/restart", Access.DEPLOY, ex -> accepted(services.deploys().restart(
                        ex.path("app"), actor(ex))))
                .add("GET", "/api/apps/{app}/instances", Access.READ, ex -> Reply.ok(services.apps().instances(
                        ex.path("app"), ex.flag("stats", true)).stream().map(InstanceView::of).toList()))
                .add("GET", "/api/apps/{app}/logs", Access.READ, this::logs)

                .add("POST", "/api/apps/{app}/runs", Access.DEPLOY, this::startRun)
                .add("GET", "/api/apps/{app}/runs/{id}", Access.READ, ex -> Reply.ok(RunView.of(services.runs().get(
                        ex.path("app"), ex.path("id")))))
                .add("GET", "/api/apps/{app}/runs/{id}/output", Access.READ, this::runOutput)
                .add("DELETE", "/api/apps/{app}/runs/{id}", Access.DEPLOY, ex -> {
                    services.runs().remove(ex.path("app"), ex.path("id"));
                    return Reply.noContent();
                })

                .add("POST", "/api/hosts/{id}/cordon", Access.ADMIN, ex -> Reply.ok(services.hosts().cordon(
                        ex.path("id"))))
                .add("POST", "/api/hosts/{id}/uncordon", Access.ADMIN, ex -> Reply.ok(services.hosts().uncordon(
                        ex.path("id"))))
                .add("POST", "/api/hosts/{id}/drain", Access.ADMIN, ex -> Reply.ok(services.hosts().drain(
                        ex.path("id"))))

                .add("GET", "/api/apps/{app}/domains", Access.READ, ex -> Reply.ok(services.domains().domains(
                        ex.path("app"))))
                .add("POST", "/api/apps/{app}/domains", Access.DEPLOY, ex -> {
                    DomainBody b = ex.body(DomainBody.class);
                    List<String> list = services.domains().add(ex.path("app"), b.domain());
                    return Reply.created("/api/apps/" + Reply.segment(ex.path("app")) + "/domains", list);
                })
                .add("DELETE", "/api/apps/{app}/domains/{domain}", Access.DEPLOY, ex -> Reply.ok(
                        services.domains().remove(ex.path("app"), ex.path("domain"))))

                .add("GET", "/api/apps/{app}/certs", Access.READ, ex -> Reply.ok(services.certificates().list(
                        ex.path("app"))))
                .add("PUT", "/api/apps/{app}/domains/{domain}/cert", Access.DEPLOY, ex -> {
                    CertBody b = ex.body(CertBody.class);
                    if (b.cert() == null || b.key() == null) {
                        throw ApiProblem.invalid("fields 'cert' and 'key' (PEM text) are required",
                                b.cert() == null ? "cert" : "key");
                    }
                    return Reply.ok(services.certificates().put(ex.path("app"), ex.path("domain"), b.cert(),
                            b.key()));
                })
                .add("DELETE", "/api/apps/{app}/domains/{domain}/cert", Access.DEPLOY, ex -> {
                    services.certificates().remove(ex.path("app"), ex.path("domain"));
                    return Reply.noContent();
                })
                .add("GET", "/api/apps/{app}/https", Access.READ, ex -> Reply.ok(new HttpsBody(
                        services.certificates().httpsRedirect(ex.path("app")))))
                .add("PUT", "/api/apps/{app}/https", Access.DEPLOY, ex -> {
                    HttpsBody b = ex.body(HttpsBody.class);
                    if (b.redirect() == null) {
                        throw ApiProblem.invalid("field 'redirect' (true or false) is required", "redirect");
                    }
                    return Reply.ok(new HttpsBody(services.certificates().setHttpsRedirect(ex.path("app"),
                            b.redirect())));
                })
                .add("GET", "/api/certs/{host}", Access.ROUTER, ex -> Reply.ok(services.certificates().material(
                        ex.path("host"))))

                .add("GET", "/api/routes", Access.READ_OR_ROUTER, ex -> Reply.ok(services.routes().table()))
                .add("GET", "/api/routes/stream", Access.READ_OR_ROUTER, this::routeStream)
                .add("GET", "/api/routers", Access.READ, ex -> Reply.ok(services.routers().list()))
                .add("POST", "/api/routers", Access.ROUTER, ex -> {
                    RouterService.RouterLease lease = services.routers().register(ex.body(
                            RouterService.RouterSpec.class));
                    return Reply.created("/api/routers/" + lease.id(), lease);
                })
                .add("GET", "/api/routers/{id}", Access.READ, ex -> Reply.ok(services.routers().get(ex.path("id"))))
                .add("POST", "/api/routers/{id}/ack", Access.ROUTER, ex -> {
                    AckBody b = ex.body(AckBody.class);
                    if (b.epoch() == null) {
                        throw ApiProblem.invalid("field 'epoch' is required", "epoch");
                    }
                    RouterService.RouterLease lease = services.routers().ack(ex.path("id"), b.epoch());
                    if (b.stats() != null) {
                        services.routers().report(ex.path("id"), b.stats());
                    }
                    return Reply.ok(lease);
                })
                .add("GET", "/api/routers/{id}/stats", Access.READ, ex -> Reply.ok(services.routers().stats(
                        ex.path("id"))))
                .add("DELETE", "/api/routers/{id}", Access.ROUTER, ex -> {
                    services.routers().leave(ex.path("id"));
                    return Reply.noContent();
                });
    }

    // ---- bodies and views ----

    record RollbackBody(Integer release) {
    }

    record ScaleBody(Integer instances) {
    }

    record SecretValue(String value, Boolean secret) {
    }

    record CertBody(String cert, String key) {
        @Override
        public String toString() {
            return "CertBody[cert=" + (cert != null) + ", key=***]";
        }
    }

    record HttpsBody(Boolean redirect) {
    }

    record DomainBody(String domain) {
    }

    record AckBody(Long epoch, Map<String, org.dockerera.spi.router.RouterBackend.AppStats> stats) {
    }

    /**
     * An instance as listed: {@code health} is its observed state, named as the contract has it; {@code stats}
     * is always there, null when unknown.
     */
    record InstanceView(String id, String app, int release, String hostId, String containerId, String address,
                        InstanceState state, InstanceState health, Instant since,
                        @JsonInclude(JsonInclude.Include.ALWAYS) InstanceStats stats) {
        static InstanceView of(Instance i) {
            return new InstanceView(i.id(), i.app(), i.release(), i.hostId(), i.containerId(), i.address(), i.state(),
                    i.state(), i.since(), i.stats());
        }
    }

    /** {@code POST /api/apps/{app}/runs}: {@code command} required (checked by the service too), {@code env} optional. */
    record RunBody(List<String> command, Map<String, String> env) {
    }

    /** A run as answered: {@code exitCode} is always there, null while it runs. */
    record RunView(String id, String app, int release, String image, String host, List<String> command,
                   RunStatus status, @JsonInclude(JsonInclude.Include.ALWAYS) Integer exitCode, Instant created,
                   Instant finished) {
        static RunView of(Run r) {
            return new RunView(r.id(), r.app(), r.release(), r.image(), r.host(), r.command(), r.status(),
                    r.exitCode(), r.created(), r.finished());
        }
    }

    /** One line of a run's output ({@code event: output}). */
    record OutputLine(String stream, String line) {
    }

    /** A run's end ({@code event: exit}). */
    record ExitView(@JsonInclude(JsonInclude.Include.ALWAYS) Integer exitCode) {
    }

    // ---- handlers ----

    private static String actor(Exchange ex) {
        Principal p = ex.principal();
        return p == null ? null : p.tokenName();
    }

    private static Reply accepted(Deploy d) {
        return new Reply(202, d, Map.of("Location", "/api/deploys/" + Reply.segment(d.id())));
    }

    private Reply createApp(Exchange ex) throws IOException {
        AppSpec spec = ex.body(AppSpec.class);
        App app = services.apps().create(spec);
        return Reply.created("/api/apps/" + Reply.segment(app.name()), app);
    }

    private Reply patchApp(Exchange ex) throws IOException {
        AppUpdate u = services.apps().patch(ex.path("app"), ex.body(AppSpec.class), actor(ex));
        return u.deploy() != null ? accepted(u.deploy()) : Reply.ok(u.app());
    }

    /** {@code application/merge-patch+json} (plain JSON too): string values set, nulls unset. */
    private Reply patchEnv(Exchange ex) throws IOException {
        JsonNode body = ex.body(JsonNode.class);
        if (!body.isObject()) {
            throw ApiProblem.invalid("the request body must be a JSON object of names to string values (or null to "
                    + "unset)", null);
        }
        Map<String, String> changes = new LinkedHashMap<>();
        for (var it = body.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode v = e.getValue();
            if (v.isNull()) {
                changes.put(e.getKey(), null);
            } else if (v.isTextual()) {
                changes.put(e.getKey(), v.textValue());
            } else {
                throw DockereraException.invalid("invalid-env", "environment variable " + e.getKey()
                        + " must be a string (or null to unset it), got " + v.getNodeType().toString().toLowerCase());
            }
        }
        return envReply(ex, services.apps().patchEnv(ex.path("app"), changes, actor(ex)));
    }

    private Reply putEnv(Exchange ex) throws IOException {
        SecretValue b = ex.body(SecretValue.class);
        if (b.value() == null) {
            throw ApiProblem.invalid("field 'value' is required", "value");
        }
        return envReply(ex, services.apps().setEnv(ex.path("app"), ex.path("key"), b.value(),
                Boolean.TRUE.equals(b.secret()), actor(ex)));
    }

    private Reply envReply(Exchange ex, AppUpdate u) {
        return u.deploy() != null ? accepted(u.deploy()) : Reply.ok(services.apps().env(ex.path("app")));
    }

    private Reply deploy(Exchange ex) throws IOException {
        DeployRequest request = ex.body(DeployRequest.class);
        if (ex.flag("explain", false)) {
            return Reply.ok(services.deploys().explain(ex.path("app"), request));
        }
        return accepted(services.deploys().deploy(ex.path("app"), request, actor(ex)));
    }

    private static int version(Exchange ex) {
        String v = ex.path("version");
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw DockereraException.notFound("release-not-found", "release '" + v + "' is not a release number; "
                    + "releases are numbered 1, 2, …");
        }
    }

    /**
     * One deploy's events: SSE (stored events first, then live ones, ending after {@code deploy.succeeded} or
     * {@code deploy.failed}), or the stored ones as a JSON array for {@code Accept: application/json}. Everything that
     * can fail (404, 503) happens before the response becomes a stream, so it is still a problem+json answer.
     */
    private Reply deployEvents(Exchange ex) throws IOException {
        String id = ex.path("id");
        DeployService deploys = services.deploys();
        deploys.get(id);
        if (wantsJson(ex)) {
            return Reply.ok(deploys.events(id));
        }
        EventBus bus = services.events();
        if ("HEAD".equals(ex.method())) {
            return streams.open(ex, sink -> () -> { });
        }
        // subscribe first, then read what is stored: an event published in between is buffered, not lost
        DeployEventFeed feed = new DeployEventFeed(id, json);
        EventBus.Subscription sub = bus.subscribe(feed);
        try {
            List<Event> stored = deploys.events(id);
            boolean finished = finished(deploys.get(id));
            return streams.open(ex, sink -> {
                if (feed.start(sink, stored, finished)) {
                    streams.later(FINAL_EVENT_GRACE, feed::giveUp);
                }
                return sub::close;
            });
        } catch (IOException | RuntimeException e) {
            sub.close();
            throw e;
        }
    }

    /**
     * An app's log: a JSON array, or with {@code Accept: text/event-stream} or {@code ?follow=true} server-sent events
     * ({@code event: log}), the same lines first, then new ones as they are written. The app is checked and the
     * backlog read before the response becomes a stream, so a 404 is still a problem+json answer.
     */
    private Reply logs(Exchange ex) throws IOException {
        String app = ex.path("app");
        LogQuery query = logQuery(ex);
        boolean follow = ex.flag("follow", false) || wantsEventStream(ex);
        LogService logs = services.logs();
        if (!follow) {
            return Reply.ok(logs.logs(app, query));
        }
        if ("HEAD".equals(ex.method())) {
            services.apps().get(app);
            return streams.open(ex, sink -> () -> { });
        }
        LogService.LogStream stream = logs.follow(app, query);
        try {
            return streams.open(ex, sink -> {
                stream.start(entry -> {
                    try {
                        sink.send(SseFrames.event("log", json.writeString(entry)));
                    } catch (IOException e) {
                        sink.end();
                    }
                });
                return stream;
            }, query.lines());
        } catch (IOException | RuntimeException e) {
            stream.close();
            throw e;
        }
    }

    private static LogQuery logQuery(Exchange ex) {
        String tail = ex.request().getParameter("tail");
        Integer n = null;
        if (tail != null && !tail.isBlank()) {
            try {
                n = Integer.valueOf(tail.trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 0 || n > LogQuery.MAX_TAIL) {
                throw ApiProblem.badRequest("invalid-parameter", "query parameter 'tail' must be a number of lines "
                        + "from 0 to " + LogQuery.MAX_TAIL + ", got '" + tail + "'");
            }
        }
        String instance = ex.request().getParameter("instance");
        return new LogQuery(n, Since.parse(ex.request().getParameter("since"), Instant.now()),
                instance == null || instance.isBlank() ? null : instance.trim());
    }

    private Reply startRun(Exchange ex) throws IOException {
        RunBody b = ex.body(RunBody.class);
        if (b.command() == null || b.command().isEmpty()) {
            throw ApiProblem.invalid("field 'command' is required: a non-empty array of strings, the program first "
                    + "(e.g. [\"/app\", \"migrate\"])", "command");
        }
        for (int i = 0; i < b.command().size(); i++) {
            if (b.command().get(i) == null) {
                throw ApiProblem.invalid("command[" + i + "] is null; every element must be a string",
                        "command[" + i + "]");
            }
        }
        Run run = services.runs().start(ex.path("app"), new RunRequest(b.command(), b.env()), actor(ex));
        return Reply.created("/api/apps/" + Reply.segment(run.app()) + "/runs/" + Reply.segment(run.id()),
                RunView.of(run));
    }

    /**
     * A run's output as server-sent events: {@code event: output} per line from its start, then {@code event: exit}
     * with its exit code, and the stream ends.
     */
    private Reply runOutput(Exchange ex) throws IOException {
        RunService.RunOutput output = services.runs().output(ex.path("app"), ex.path("id"));
        if ("HEAD".equals(ex.method())) {
            output.close();
            return streams.open(ex, sink -> () -> { });
        }
        try {
            return streams.open(ex, sink -> {
                output.start(new RunService.OutputListener() {
                    @Override
                    public void line(String stream, String line) {
                        send(sink, "output", new OutputLine(stream, line));
                    }

                    @Override
                    public void exit(Integer exitCode) {
                        send(sink, "exit", new ExitView(exitCode));
                        sink.end();
                    }
                });
                return output;
            }, RUN_OUTPUT_BACKLOG);
        } catch (IOException | RuntimeException e) {
            output.close();
            throw e;
        }
    }

    /** The most output lines a run keeps, which a reader may get at once. */
    private static final int RUN_OUTPUT_BACKLOG = 10_000;

    private void send(EventStreams.Sink sink, String event, Object data) {
        try {
            sink.send(SseFrames.event(event, json.writeString(data)));
        } catch (IOException e) {
            sink.end();
        }
    }

    /** {@code Accept: text/event-stream}: the client wants a stream. */
    private static boolean wantsEventStream(Exchange ex) {
        String accept = ex.request().getHeader("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/event-stream");
    }

    private static boolean finished(Deploy d) {
        return d.status() == DeployStatus.SUCCEEDED || d.status() == DeployStatus.FAILED || d.finished() != null;
    }

    /** {@code Accept: application/json} without {@code text/event-stream}: the client wants a plain answer. */
    private static boolean wantsJson(Exchange ex) {
        String accept = ex.request().getHeader("Accept");
        if (accept == null) {
            return false;
        }
        String a = accept.toLowerCase(Locale.ROOT);
        return a.contains("application/json") && !a.contains("text/event-stream");
    }

    /**
     * The route table feed: the current table at once (whatever {@code Last-Event-ID} says: a full table is cheap and
     * always right), then every newer one; {@code id:} is the epoch, {@code event: routes}, data the table.
     */
    private Reply routeStream(Exchange ex) throws IOException {
        RouteService routes = services.routes();
        return streams.open(ex, sink -> {
            long[] last = {-1};
            RouteService.Subscription sub = routes.subscribe(table -> {
                synchronized (last) {
                    if (table.epoch() <= last[0]) {
                        return;
                    }
                    last[0] = table.epoch();
                }
                send(sink, table);
            });
            return sub::close;
        });
    }

    private void send(EventStreams.Sink sink, RouteTable table) {
        try {
            sink.send(SseFrames.event("routes", Long.toString(table.epoch()), json.writeString(table)));
        } catch (IOException e) {
            sink.end();
        }
    }
}
