package org.dockerera.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bodies, routing and the problem types for what the client got wrong. */
class RequestHandlingTest {
    static ApiServer server;

    @BeforeAll
    static void start() {
        server = new ApiServer();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    ApiServer.Res postHost(String body) {
        return server.post("/api/hosts", ApiServer.ADMIN, body);
    }

    @Test
    void malformedJsonIs400WithLineAndColumn() {
        ApiServer.Res res = postHost("{\n  \"url\": \"tcp://x:1\",\n  labels: {}\n}");

        assertThat(res.status).isEqualTo(400);
        assertThat(res.contentType()).startsWith("application/problem+json");
        assertThat(res.problemType()).isEqualTo("/problems/malformed-json");
        assertThat(res.json().path("detail").asText()).contains("line 3, column 3");
    }

    @Test
    void truncatedJsonIsMalformed() {
        ApiServer.Res res = postHost("{\"url\": \"tcp://x:1\"");
        assertThat(res.status).isEqualTo(400);
        assertThat(res.problemType()).isEqualTo("/problems/malformed-json");
    }

    @Test
    void aTruncatedArrayIsMalformedNotAWrongType() {
        ApiServer.Res res = postHost("[1,2");
        assertThat(res.status).isEqualTo(400);
        assertThat(res.problemType()).isEqualTo("/problems/malformed-json");
    }

    @Test
    void aWellFormedArrayIsTheWrongType() {
        ApiServer.Res res = postHost("[1,2]");
        assertThat(res.status).isEqualTo(422);
        assertThat(res.problemType()).isEqualTo("/problems/invalid-request");
    }

    @Test
    void trailingDataIsMalformedOrInvalid() {
        ApiServer.Res res = postHost("{\"url\": \"tcp://trailing:1\"} {}");
        assertThat(res.status).isIn(400, 422);
        assertThat(server.services.hosts.added).noneMatch(s -> s.url().equals("tcp://trailing:1"));
    }

    @Test
    void unknownFieldIs422NamingTheField() {
        ApiServer.Res res = postHost("{\"url\": \"tcp://x:1\", \"colour\": \"red\"}");

        assertThat(res.status).isEqualTo(422);
        assertThat(res.problemType()).isEqualTo("/problems/invalid-request");
        assertThat(res.json().path("detail").asText()).contains("unknown field 'colour'").contains("url");
        assertThat(res.json().path("field").asText()).isEqualTo("colour");
    }

    @Test
    void unknownNestedFieldIsNamedWithItsPath() {
        ApiServer.Res res = postHost("{\"url\": \"tcp://x:1\", \"tls\": {\"ca\": \"x\", \"password\": \"y\"}}");

        assertThat(res.status).isEqualTo(422);
        assertThat(res.json().path("field").asText()).isEqualTo("tls.password");
    }

    @Test
    void wrongTypesAre422NamingTheField() {
        assertWrongType("{\"url\": \"tcp://x:1\", \"capacity\": {\"cpus\": \"many\"}}", "capacity.cpus", "a number");
        assertWrongType("{\"url\": 5}", "url", "a string");
        assertWrongType("{\"url\": \"tcp://x:1\", \"labels\": \"env=prod\"}", "labels", "a JSON object");
        assertWrongType("{\"url\": \"tcp://x:1\", \"labels\": {\"env\": 1}}", "labels.env", "a string");
        assertWrongType("{\"url\": \"tcp://x:1\", \"force\": \"yes\"}", "force", "true or false");
        assertWrongType("{\"url\": \"tcp://x:1\", \"capacity\": {\"memoryBytes\": 1.5}}", "capacity.memoryBytes",
                "an integer");
    }

    private void assertWrongType(String body, String field, String expected) {
        ApiServer.Res res = postHost(body);
        assertThat(res.status).as(body + " -> " + res).isEqualTo(422);
        assertThat(res.problemType()).isEqualTo("/problems/invalid-request");
        assertThat(res.json().path("field").asText()).as(body).isEqualTo(field);
        assertThat(res.json().path("detail").asText()).as(body).contains("'" + field + "'").contains(expected);
    }

    @Test
    void aNonObjectBodyIs422() {
        ApiServer.Res res = postHost("[1, 2]");
        assertThat(res.status).isEqualTo(422);
        assertThat(res.json().path("detail").asText()).contains("JSON object");
    }

    @Test
    void anEmptyBodyIs400() {
        ApiServer.Res empty = server.call("POST", "/api/hosts").bearer(ApiServer.ADMIN).send();
        assertThat(empty.status).isEqualTo(400);
        assertThat(empty.problemType()).isEqualTo("/problems/missing-body");

        assertThat(postHost("  \n").problemType()).isEqualTo("/problems/missing-body");
        assertThat(postHost("null").problemType()).isEqualTo("/problems/missing-body");
    }

    @Test
    void aFormBodyIs415() {
        ApiServer.Res res = server.call("POST", "/api/hosts").bearer(ApiServer.ADMIN)
                .header("Content-Type", "application/x-www-form-urlencoded").body("url=tcp://x:1").send();

        assertThat(res.status).isEqualTo(415);
        assertThat(res.problemType()).isEqualTo("/problems/unsupported-media-type");
    }

    @Test
    void jsonWithACharsetIsAccepted() {
        ApiServer.Res res = server.call("POST", "/api/hosts").bearer(ApiServer.ADMIN)
                .header("Content-Type", "application/json; charset=utf-8").json("{\"url\":\"tcp://127.0.0.5:1\"}")
                .send();
        assertThat(res.status).isEqualTo(201);
    }

    @Test
    void anOversizedBodyIs413() {
        String big = "{\"url\":\"" + "x".repeat(70 * 1024) + "\"}";
        ApiServer.Res res = postHost(big);
        assertThat(res.status).isEqualTo(413);
        assertThat(res.problemType()).isEqualTo("/problems/payload-too-large");
    }

    @Test
    void unknownRouteIs404() {
        ApiServer.Res res = server.get("/api/nothing/here", ApiServer.ADMIN);

        assertThat(res.status).isEqualTo(404);
        assertThat(res.contentType()).startsWith("application/problem+json");
        assertThat(res.problemType()).isEqualTo("/problems/not-found");
        assertThat(server.get("/api", ApiServer.ADMIN).status).isEqualTo(404);
    }

    @Test
    void wrongMethodIs405WithAllow() {
        ApiServer.Res res = server.call("PUT", "/api/hosts").bearer(ApiServer.ADMIN).json("{}").send();

        assertThat(res.status).isEqualTo(405);
        assertThat(res.problemType()).isEqualTo("/problems/method-not-allowed");
        assertThat(res.header("Allow")).isEqualTo("GET, HEAD, POST");
        assertThat(server.call("PATCH", "/api/hosts/h1").bearer(ApiServer.ADMIN).send().header("Allow"))
                .isEqualTo("DELETE, GET, HEAD");
    }

    @Test
    void aTrailingSlashIsIgnored() {
        assertThat(server.get("/api/hosts/", ApiServer.READ).status).isEqualTo(200);
    }

    @Test
    void headAnswersLikeGetWithoutABody() {
        ApiServer.Res res = server.call("HEAD", "/api/health").send();
        assertThat(res.status).isEqualTo(200);
        assertThat(res.body).isEmpty();
    }
}
