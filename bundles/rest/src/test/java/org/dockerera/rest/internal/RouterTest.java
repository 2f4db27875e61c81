package org.dockerera.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouterTest {
    final Router.Handler h = ex -> Reply.noContent();
    final Router router = new Router()
            .add("GET", "/api/apps", Access.READ, h)
            .add("GET", "/api/apps/{app}", Access.READ, h)
            .add("GET", "/api/apps/new", Access.ADMIN, h)
            .add("DELETE", "/api/apps/{app}", Access.ADMIN, h)
            .add("GET", "/api/apps/{app}/releases/{n}", Access.READ, h);

    @Test
    void bindsPathVariables() {
        Router.Match m = router.match("GET", "/api/apps/web/releases/7");
        assertThat(m).isInstanceOf(Router.Found.class);
        assertThat(((Router.Found) m).params()).isEqualTo(Map.of("app", "web", "n", "7"));
    }

    @Test
    void literalSegmentsWinOverVariables() {
        Router.Found m = (Router.Found) router.match("GET", "/api/apps/new");
        assertThat(m.route().access()).isEqualTo(Access.ADMIN);
    }

    @Test
    void decodesPercentEncodingPerSegment() {
        Router.Found m = (Router.Found) router.match("GET", "/api/apps/a%2Fb%20c");
        assertThat(m.params()).containsEntry("app", "a/b c");
        Router.Found utf8 = (Router.Found) router.match("GET", "/api/apps/caf%C3%A9");
        assertThat(utf8.params()).containsEntry("app", "café");
        Router.Found raw = (Router.Found) router.match("GET", "/api/apps/caf\u00e9%20\ud83d\ude00");
        assertThat(raw.params()).containsEntry("app", "café \ud83d\ude00");
    }

    @Test
    void brokenEncodingAndEmptySegmentsDoNotMatch() {
        assertThat(router.match("GET", "/api/apps/%zz")).isInstanceOf(Router.NotFound.class);
        assertThat(router.match("GET", "/api/apps/%4")).isInstanceOf(Router.NotFound.class);
        assertThat(router.match("GET", "/api/apps//releases/1")).isInstanceOf(Router.NotFound.class);
    }

    @Test
    void wrongMethodListsWhatIsAllowed() {
        Router.Match m = router.match("POST", "/api/apps/web");
        assertThat(m).isEqualTo(new Router.WrongMethod(Set.of("GET", "HEAD", "DELETE")));
    }

    @Test
    void headMatchesGetRoutes() {
        assertThat(router.match("HEAD", "/api/apps")).isInstanceOf(Router.Found.class);
    }

    @Test
    void unknownPathsAreNotFound() {
        assertThat(router.match("GET", "/api/nope")).isInstanceOf(Router.NotFound.class);
        assertThat(router.match("GET", "/")).isInstanceOf(Router.NotFound.class);
    }
}
