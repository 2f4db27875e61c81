package org.dockerera.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dockerera.api.TokenScope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/api.md names every route, with the scopes the route really allows wherever it lists them. */
class ApiDocsTest {
    static ApiServer server;
    static String docs;

    @BeforeAll
    static void start() throws IOException {
        server = new ApiServer();
        Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        docs = Files.readString(module.resolve("../../docs/api.md"), StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** {@code `GET /api/apps/{app}`} (also {@code `…?explain=true`}, {@code `…[?force=true]`}), then maybe {@code — admin, deploy}. */
    static Matcher mention(Router.Route r) {
        return Pattern.compile(Pattern.quote("`" + r.method() + " " + r.template()) + "(?:[?\\[][^`]*)?`( — ([a-z, ]+))?")
                .matcher(docs);
    }

    @Test
    void everyRouteIsDocumented() {
        List<String> missing = new ArrayList<>();
        for (Router.Route r : server.api.routeTable()) {
            if (!mention(r).find()) {
                missing.add(r.method() + " " + r.template());
            }
        }
        assertThat(missing).as("routes docs/api.md does not mention as `METHOD /path`").isEmpty();
    }

    @Test
    void theDocumentedScopesAreTheOnesTheRouteAllows() {
        Set<String> scopeNames = Set.of("admin", "deploy", "read", "router");
        for (Router.Route r : server.api.routeTable()) {
            if (r.access() == Access.PUBLIC || r.access() == Access.AUTHENTICATED) {
                continue;
            }
            Set<String> allowed = new TreeSet<>();
            for (TokenScope s : TokenScope.values()) {
                if (r.access().permits(s)) {
                    allowed.add(s.toString().toLowerCase(java.util.Locale.ROOT));
                }
            }
            Matcher m = mention(r);
            while (m.find()) {
                if (m.group(2) == null) {
                    continue;
                }
                Set<String> documented = new TreeSet<>();
                Arrays.stream(m.group(2).split(",")).map(String::trim).filter(scopeNames::contains)
                        .forEach(documented::add);
                assertThat(documented).as(r.method() + " " + r.template()).isEqualTo(allowed);
            }
        }
    }

    @Test
    void theIssue4EndpointsListTheirScopes() {
        for (Router.Route r : server.api.routeTable()) {
            String route = r.method() + " " + r.template();
            if (!(r.template().startsWith("/api/apps") || r.template().startsWith("/api/deploys")
                    || r.template().matches("/api/hosts/\\{id}/(cordon|uncordon|drain)"))
                    || r.template().contains("/domains")) {
                continue;
            }
            Matcher m = mention(r);
            boolean annotated = false;
            while (m.find()) {
                annotated |= m.group(2) != null;
            }
            assertThat(annotated).as(route + " is documented with the scopes that may call it").isTrue();
        }
    }
}
