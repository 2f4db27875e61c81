package org.dockerera.events.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CamelRuntimeTest {
    private CamelRuntime runtime;

    @BeforeEach
    void start() throws Exception {
        runtime = new CamelRuntime();
        runtime.start();
    }

    @AfterEach
    void stop() {
        runtime.stop();
    }

    @Test
    void startsOneContextNamedDockereraWithTheDeadLetterRoute() {
        CamelContext context = runtime.context();

        assertThat(context.getName()).isEqualTo("dockerera");
        assertThat(context.getStatus()).isEqualTo(ServiceStatus.Started);
        assertThat(context.getRouteIds()).containsExactly(CamelRuntime.DEAD_LETTER_ROUTE_ID);
    }

    @Test
    void addsAContributorsRoutesAndRemovingItRemovesOnlyThoseRoutes() {
        RouteBuilder a = routes("a-1", "a-2");
        RouteBuilder b = routes("b-1");
        runtime.addContributor(a, "contributor-a");
        runtime.addContributor(b, "contributor-b");
        assertThat(runtime.context().getRouteIds()).contains("a-1", "a-2", "b-1");
        assertThat(runtime.contributedRoutes()).containsEntry("contributor-a", java.util.Set.of("a-1", "a-2"));

        runtime.removeContributor(a);

        assertThat(runtime.context().getRouteIds())
                .containsExactlyInAnyOrder(CamelRuntime.DEAD_LETTER_ROUTE_ID, "b-1");
        assertThat(runtime.context().getRouteController().getRouteStatus("b-1")).isEqualTo(ServiceStatus.Started);
        assertThat(runtime.contributedRoutes()).containsOnlyKeys("contributor-b");
        // the removed routes' definitions go too, so nothing keeps the contributor's classes alive
        assertThat(runtime.context().getCamelContextExtension().getContextPlugin(org.apache.camel.model.Model.class)
                .getRouteDefinitions()).extracting(d -> d.getRouteId())
                .containsExactlyInAnyOrder(CamelRuntime.DEAD_LETTER_ROUTE_ID, "b-1");
    }

    @Test
    void contributorsThatArriveBeforeTheContextStartsAreAddedWhenItStarts() throws Exception {
        CamelRuntime notStarted = new CamelRuntime();
        notStarted.addContributor(routes("early-1"), "early");
        try {
            notStarted.start();

            assertThat(notStarted.context().getRouteIds()).contains("early-1");
        } finally {
            notStarted.stop();
        }
    }

    @Test
    void aContributorsRoutesComeBackWhenTheContextIsStartedAgain() throws Exception {
        Recorder recorder = new Recorder("again-1", "direct:again");
        runtime.addContributor(recorder, "again");

        runtime.stop();
        runtime.start();

        runtime.context().createProducerTemplate().sendBody("direct:again", "after restart");
        assertThat(recorder.received).extracting(Recorder.Received::body).containsExactly("after restart");
    }

    @Test
    void aRouteWithoutRouteIdIsRefusedAndTheOthersAreUntouched() {
        runtime.addContributor(routes("kept-1"), "good");
        runtime.addContributor(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:with-id").routeId("bad-1").log("x");
                from("direct:no-id").log("x");
            }
        }, "bad");

        assertThat(runtime.context().getRouteIds())
                .containsExactlyInAnyOrder(CamelRuntime.DEAD_LETTER_ROUTE_ID, "kept-1");
        assertThat(runtime.contributedRoutes()).containsEntry("bad", java.util.Set.of());
    }

    @Test
    void aRouteIdAlreadyInUseIsRefusedInsteadOfReplacingTheOtherContributorsRoute() {
        Recorder first = new Recorder("same-id", "direct:first");
        runtime.addContributor(first, "first");
        runtime.addContributor(new Recorder("same-id", "direct:second"), "second");

        runtime.context().createProducerTemplate().sendBody("direct:first", "still mine");

        assertThat(first.received).extracting(Recorder.Received::body).containsExactly("still mine");
        assertThat(runtime.contributedRoutes()).containsEntry("second", java.util.Set.of());
    }

    @Test
    void aFailingRouteGoesToTheDeadLetterRouteInsteadOfBeingSwallowed() {
        runtime.addContributor(new RouteBuilder() {
            @Override
            public void configure() {
                from("seda:boom").routeId("boom").throwException(new IllegalStateException("boom"));
            }
        }, "boom");

        runtime.context().createProducerTemplate().sendBody("seda:boom", "x");

        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.deadLetterCount() == 1);
    }

    private static RouteBuilder routes(String... ids) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                for (String id : ids) {
                    from("direct:" + id).routeId(id).log("${body}");
                }
            }
        };
    }
}
