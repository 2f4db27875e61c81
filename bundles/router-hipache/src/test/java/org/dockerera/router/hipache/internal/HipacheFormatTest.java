package org.dockerera.router.hipache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.RouteTable;
import org.junit.jupiter.api.Test;

class HipacheFormatTest {

    @Test
    void eachHostBecomesAFrontendListOfTheAppThenItsBackendUrls() {
        RouteTable table = new RouteTable(3, List.of(
                new Route("app.test", "app", List.of("127.0.0.2:32768", "127.0.0.3:32769")),
                new Route("www.shop.com", "shop", List.of("10.0.0.1:80"))));

        assertThat(HipacheFormat.render(table)).containsExactly(
                java.util.Map.entry("frontend:app.test", List.of("app", "http://127.0.0.2:32768",
                        "http://127.0.0.3:32769")),
                java.util.Map.entry("frontend:www.shop.com", List.of("shop", "http://10.0.0.1:80")));
    }

    @Test
    void anAppWithoutInstancesKeepsOnlyItsIdentifier() {
        assertThat(HipacheFormat.render(new RouteTable(1, List.of(new Route("idle.test", "idle", List.of())))))
                .containsEntry("frontend:idle.test", List.of("idle"));
    }

    @Test
    void wildcardHostsAreWrittenAsHipacheReadsThem() {
        assertThat(HipacheFormat.render(new RouteTable(1, List.of(
                new Route("*.apps.test", "wild", List.of("127.0.0.1:8000"))))))
                .containsOnlyKeys("frontend:*.apps.test");
    }

    @Test
    void tlsFingerprintsAreNeverRendered() {
        String fingerprint = "ab".repeat(32);
        var rendered = HipacheFormat.render(new RouteTable(1, List.of(
                new Route("secure.test", "secure", List.of("127.0.0.1:8000"), fingerprint, true))));

        assertThat(rendered.toString()).doesNotContain(fingerprint);
        assertThat(rendered.get("frontend:secure.test")).containsExactly("secure", "http://127.0.0.1:8000");
    }

    @Test
    void aHostListedTwiceKeepsItsFirstRoute() {
        var rendered = HipacheFormat.render(new RouteTable(1, List.of(
                new Route("dup.test", "first", List.of("127.0.0.1:1")),
                new Route("dup.test", "second", List.of("127.0.0.1:2")))));

        assertThat(rendered.get("frontend:dup.test")).containsExactly("first", "http://127.0.0.1:1");
    }
}
