package org.dockerera.events.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;

import org.apache.camel.builder.RouteBuilder;
import org.dockerera.api.events.CamelRouteInfo;
import org.dockerera.api.events.RouteFileStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Route files in a real directory, watched by a real context: loaded, replaced, removed, refused all or nothing. */
class RouteFilesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private CamelRuntime runtime;

    @BeforeEach
    void start() throws Exception {
        runtime = new CamelRuntime();
        runtime.start();
        runtime.addContributor(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:bundle").routeId("bundle-route").setBody(constant("from the bundle"));
            }
        }, "a-bundle", "bundle org.example.a");
        runtime.watchRoutes(dir, Duration.ofMillis(100));
    }

    @AfterEach
    void stop() {
        runtime.stop();
    }

    /** A YAML route answering {@code answer} on {@code direct:<id>}. */
    private static String yamlRoute(String id, String answer) {
        return """
                - route:
                    id: %s
                    from:
                      uri: "direct:%s"
                      steps:
                        - setBody:
                            constant: "%s"
                """.formatted(id, id, answer);
    }

    /** Writes elsewhere and moves the file in, as an operator's deploy script should. */
    private void drop(String name, String content) throws IOException {
        Path tmp = dir.getParent().resolve(name + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private String call(String id) {
        return runtime.context().createProducerTemplate().requestBody("direct:" + id, "", String.class);
    }

    private Optional<RouteFileStatus> status(String file) {
        return runtime.files().stream().filter(s -> s.file().equals(file)).findFirst();
    }

    private RouteFileStatus awaitStatus(String file, String state) {
        return await().atMost(WAIT).until(() -> status(file),
                s -> s.isPresent() && s.get().state().equals(state)).orElseThrow();
    }

    private void assertOthersUntouched() {
        assertThat(call("bundle")).isEqualTo("from the bundle");
    }

    @Test
    void aDroppedFileIsLoadedListedWithItsSourceAndStateAndAnswers() throws Exception {
        drop("hook.yaml", yamlRoute("file-a", "a1") + yamlRoute("file-b", "b1"));

        RouteFileStatus s = awaitStatus("hook.yaml", RouteFileStatus.LOADED);

        assertThat(s.routes()).containsExactly("file-a", "file-b");
        assertThat(s.line()).isNull();
        assertThat(call("file-a")).isEqualTo("a1");
        assertThat(call("file-b")).isEqualTo("b1");
        assertThat(runtime.routes()).contains(
                new CamelRouteInfo("file-a", "file hook.yaml", "Started", "direct://file-a"),
                new CamelRouteInfo("bundle-route", "bundle org.example.a", "Started", "direct://bundle"));
        assertThat(runtime.routes()).filteredOn(r -> r.id().equals(CamelRuntime.DEAD_LETTER_ROUTE_ID))
                .extracting(CamelRouteInfo::source).containsExactly("bundle dockerera-events");
        assertThat(runtime.directory()).isEqualTo(dir.toString());
    }

    @Test
    void aChangedFileReplacesItsRoutesAndADeletedOneTakesThemAway() throws Exception {
        drop("hook.yaml", yamlRoute("file-a", "a1") + yamlRoute("file-old", "old"));
        awaitStatus("hook.yaml", RouteFileStatus.LOADED);

        drop("hook.yaml", yamlRoute("file-a", "a2"));
        await().atMost(WAIT).until(() -> status("hook.yaml").map(RouteFileStatus::routes).orElse(null),
                r -> r != null && r.equals(java.util.List.of("file-a")));

        assertThat(call("file-a")).isEqualTo("a2");
        assertThat(runtime.context().getRoute("file-old")).as("the old version's other route is gone").isNull();

        Files.delete(dir.resolve("hook.yaml"));
        await().atMost(WAIT).until(() -> status("hook.yaml").isEmpty());
        assertThat(runtime.context().getRoute("file-a")).isNull();
        assertThat(runtime.routes()).noneMatch(r -> r.source().startsWith("file "));
        assertOthersUntouched();
    }

    @Test
    void aFileWrittenInPlaceIsLoadedOnceComplete() throws Exception {
        Files.writeString(dir.resolve("inplace.yml"), yamlRoute("in-place", "whole"));

        awaitStatus("inplace.yml", RouteFileStatus.LOADED);

        assertThat(call("in-place")).isEqualTo("whole");
    }

    @Test
    void malformedYamlIsReportedWithItsLineAndEveryOtherRouteKeepsRunning() throws Exception {
        drop("good.yaml", yamlRoute("good-1", "good"));
        awaitStatus("good.yaml", RouteFileStatus.LOADED);

        drop("bad.yaml", """
                - route:
                    id: bad-1
                    from:
                      uri: "direct:bad-1"
                      steps:
                        - setBody:
                          constant: "x"
                   - broken: [unclosed
                """);

        RouteFileStatus bad = awaitStatus("bad.yaml", RouteFileStatus.FAILED);
        assertThat(bad.line()).isEqualTo(8);
        assertThat(bad.column()).isNotNull();
        assertThat(bad.reason()).startsWith("YAML: ").isNotBlank();
        assertThat(bad.routes()).isEmpty();
        assertThat(runtime.context().getRoute("bad-1")).isNull();
        assertThat(call("good-1")).isEqualTo("good");
        assertOthersUntouched();
    }

    @Test
    void anUnknownStepIsReportedWithItsLine() throws Exception {
        drop("typo.yaml", """
                - route:
                    id: typo-1
                    from:
                      uri: "direct:typo-1"
                      steps:
                        - sendTo: "log:x"
                """);

        RouteFileStatus s = awaitStatus("typo.yaml", RouteFileStatus.FAILED);

        assertThat(s.line()).as(s.toString()).isEqualTo(6);
        assertThat(s.reason()).contains("sendTo");
    }

    @Test
    void aHalfLoadedFileHasTheRoutesItAddedRemovedAgain() throws Exception {
        drop("half.yaml", yamlRoute("half-ok", "ok") + """
                - route:
                    id: half-broken
                    from:
                      uri: "direct:half-broken"
                      steps:
                        - to: "nosuchcomponent:foo"
                """);

        RouteFileStatus s = awaitStatus("half.yaml", RouteFileStatus.FAILED);

        assertThat(s.reason()).contains("half-broken").contains("nosuchcomponent");
        assertThat(s.line()).as("the failing route's line: %s", s).isEqualTo(8);
        assertThat(s.routes()).isEmpty();
        assertThat(runtime.context().getRoute("half-ok")).as("the route added before the failure is removed").isNull();
        assertThat(runtime.routes()).noneMatch(r -> r.source().startsWith("file "));
        assertOthersUntouched();
    }

    @Test
    void aBrokenNewVersionLeavesThePreviousVersionRunning() throws Exception {
        drop("hook.yaml", yamlRoute("hook-1", "v1"));
        awaitStatus("hook.yaml", RouteFileStatus.LOADED);

        drop("hook.yaml", yamlRoute("hook-1", "v2").replace("direct:hook-1\"", "direct:hook-1\"\n      steps: [") );
        RouteFileStatus parseError = awaitStatus("hook.yaml", RouteFileStatus.FAILED);
        assertThat(parseError.routes()).containsExactly("hook-1");
        assertThat(call("hook-1")).isEqualTo("v1");

        drop("hook.yaml", yamlRoute("hook-1", "v3").replace("direct:hook-1\"", "nosuchcomponent:x\""));
        await().atMost(WAIT).until(() -> status("hook.yaml").orElseThrow().reason(), r -> r.contains("nosuchcomponent"));
        assertThat(status("hook.yaml").orElseThrow().routes()).containsExactly("hook-1");
        assertThat(call("hook-1")).as("put back after the new version failed to start").isEqualTo("v1");
        assertThat(runtime.routes()).filteredOn(r -> r.id().equals("hook-1")).extracting(CamelRouteInfo::source)
                .containsExactly("file hook.yaml");
    }

    @Test
    void aRouteIdUsedByABundleOrAnotherFileIsRefused() throws Exception {
        drop("steal.yaml", yamlRoute("bundle-route", "stolen"));
        RouteFileStatus fromBundle = awaitStatus("steal.yaml", RouteFileStatus.FAILED);
        assertThat(fromBundle.reason()).contains("bundle-route").contains("bundle org.example.a");
        assertThat(fromBundle.line()).isEqualTo(1);
        assertOthersUntouched();

        drop("first.yaml", yamlRoute("shared-id", "first"));
        awaitStatus("first.yaml", RouteFileStatus.LOADED);
        drop("second.yaml", yamlRoute("shared-id", "second"));
        RouteFileStatus second = awaitStatus("second.yaml", RouteFileStatus.FAILED);
        assertThat(second.reason()).contains("shared-id").contains("file first.yaml");
        assertThat(call("shared-id")).isEqualTo("first");
    }

    @Test
    void aRouteWithoutIdIsRefused() throws Exception {
        drop("noid.yaml", yamlRoute("with-id", "x") + """
                - route:
                    from:
                      uri: "direct:without-id"
                      steps:
                        - log: "x"
                """);

        RouteFileStatus s = awaitStatus("noid.yaml", RouteFileStatus.FAILED);

        assertThat(s.reason()).contains("direct:without-id").contains("no id");
        assertThat(runtime.context().getRoute("with-id")).isNull();
    }

    @Test
    void xmlFilesLoadAndAMalformedOneIsReportedWithItsLine() throws Exception {
        drop("audit.xml", """
                <routes xmlns="http://camel.apache.org/schema/xml-io">
                  <route id="xml-1">
                    <from uri="direct:xml-1"/>
                    <setBody><constant>from xml</constant></setBody>
                  </route>
                </routes>
                """);
        awaitStatus("audit.xml", RouteFileStatus.LOADED);
        assertThat(call("xml-1")).isEqualTo("from xml");

        drop("broken.xml", """
                <routes xmlns="http://camel.apache.org/schema/xml-io">
                  <route id="xml-2">
                    <from uri="direct:xml-2"/>
                  </rout>
                </routes>
                """);
        RouteFileStatus s = awaitStatus("broken.xml", RouteFileStatus.FAILED);
        assertThat(s.line()).as(s.toString()).isEqualTo(4);
        assertThat(s.reason()).startsWith("XML: ");
        assertThat(call("xml-1")).isEqualTo("from xml");
    }

    @Test
    void otherFilesInTheDirectoryAreIgnored() throws Exception {
        Files.writeString(dir.resolve("README.md"), "not a route");
        Files.writeString(dir.resolve(".hook.yaml.swp"), "garbage");
        drop("real.yaml", yamlRoute("real-1", "x"));

        awaitStatus("real.yaml", RouteFileStatus.LOADED);

        assertThat(runtime.files()).extracting(RouteFileStatus::file).containsExactly("real.yaml");
    }
}
