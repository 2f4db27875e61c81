package org.dockerera.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ApiTest {
    @Test
    void theBaseUrlMayBeGivenWithOrWithoutApi() {
        assertThat(Api.apiBase("http://h:8181")).isEqualTo("http://h:8181/api");
        assertThat(Api.apiBase("http://h:8181/")).isEqualTo("http://h:8181/api");
        assertThat(Api.apiBase("http://h:8181/api/")).isEqualTo("http://h:8181/api");
        assertThat(Api.controllerUrl("http://h:8181/api")).isEqualTo("http://h:8181");
        assertThat(Api.seg("*.shop.com")).as("the API takes it as is").isEqualTo("*.shop.com");
        assertThat(Api.seg("tcp://127.0.0.2:2375")).isEqualTo("tcp%3A%2F%2F127.0.0.2%3A2375");
    }

    @Test
    void problemsMapToExitCodesAndOneLine() throws Exception {
        CliException unknownApp = Api.problem(404, json("{\"type\":\"/problems/app-not-found\",\"title\":\"Not Found\","
                + "\"detail\":\"no app 'x'; see the apps with GET /api/apps or dockerera:app-list\"}"));
        assertThat(unknownApp.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(unknownApp.getMessage()).isEqualTo("no app 'x'; see the apps with `dockerera apps`");

        CliException auth = Api.problem(401, json("{\"type\":\"/problems/unauthorized\",\"detail\":\"The token is"
                + " unknown\"}"));
        assertThat(auth.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(auth.getMessage()).startsWith("the controller refused the token: the token is unknown");

        CliException standby = Api.problem(503, json("{\"type\":\"/problems/standby\",\"detail\":\"this controller is"
                + " a standby; the active one is http://10.0.0.5:8181\"}"));
        assertThat(standby.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(standby.getMessage()).contains("http://10.0.0.5:8181");

        CliException multiLine = Api.problem(422, json("{\"detail\":\"bad image\\nmore\"}"));
        assertThat(multiLine.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(multiLine.getMessage()).isEqualTo("bad image");
    }

    @Test
    void serverSentEventsAreSplitIntoEventsWithMultiLineDataAndCommentsSkipped() throws Exception {
        String wire = "retry: 3000\n: connected\n\nid: 7\nevent: routes\ndata: {\"a\":1}\n\n: heartbeat\n\n"
                + "event: log\ndata: one\ndata: two\n\n";
        List<Api.Sse> got = new ArrayList<>();
        boolean ended = Api.read(new BufferedReader(new StringReader(wire)), e -> got.add(e));
        assertThat(ended).isTrue();
        assertThat(got).containsExactly(new Api.Sse("7", "routes", "{\"a\":1}"), new Api.Sse("7", "log", "one\ntwo"));

        List<Api.Sse> first = new ArrayList<>();
        assertThat(Api.read(new BufferedReader(new StringReader(wire)), e -> !first.add(e))).isFalse();
        assertThat(first).hasSize(1);
    }

    private static JsonNode json(String s) throws Exception {
        return Api.JSON.readTree(s);
    }
}
