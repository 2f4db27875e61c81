package org.dockerera.router.apache.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.RouteTable;
import org.junit.jupiter.api.Test;

class BalancersTest {
    private static List<Layout.Site> sites(Route... routes) {
        return Layout.sites(new RouteTable(1, List.of(routes)));
    }

    private static List<String> steps(Balancers.Plan plan) {
        return plan.actions().stream().map(Balancers.Action::toString).toList();
    }

    @Test
    void aFreshConfigHoldsTheTablesInstancesEnabledWithRoomForMemberSlotsMore() {
        Map<String, Balancers.Balancer> b = Balancers.rendered(sites(new Route("b.test", "b", List.of("10.0.0.1:80")),
                new Route("a.test", "a", List.of())), 4);
        assertThat(b.keySet()).containsExactly("a.test", "b.test");
        assertThat(b.get("a.test").name()).isEqualTo("site1");
        assertThat(b.get("a.test").capacity()).isEqualTo(4);
        assertThat(b.get("b.test").members()).containsExactly(Map.entry("10.0.0.1:80", true));
        assertThat(b.get("b.test").capacity()).isEqualTo(5);
        assertThat(b.get("b.test").managerHost()).isEqualTo("site2.dockerera.invalid");
        assertThat(b.get("b.test").referer()).isEqualTo("http://b.test/");
    }

    @Test
    void newInstancesAreAddedAndEnabledBeforeOldOnesAreDisabledAndOnlyTouchedBalancersChange() {
        Map<String, Balancers.Balancer> now = Balancers.rendered(sites(
                new Route("a.test", "a", List.of("10.0.0.1:80", "10.0.0.2:80")),
                new Route("b.test", "b", List.of("10.0.0.9:80"))), 4);
        Balancers.Plan plan = Balancers.plan(now, sites(
                new Route("a.test", "a", List.of("10.0.0.2:80", "10.0.0.3:80")),
                new Route("b.test", "b", List.of("10.0.0.9:80"))));
        assertThat(plan.reloads()).isFalse();
        assertThat(steps(plan)).containsExactly("add 10.0.0.3:80 in site1 (a.test)",
                "enable 10.0.0.3:80 in site1 (a.test)", "disable 10.0.0.1:80 in site1 (a.test)");
        assertThat(plan.actions().get(0).form()).isEqualTo("b=site1&b_wyes=1&b_nwrkr=http://10.0.0.3:80");
        assertThat(plan.actions().get(1).form()).isEqualTo("b=site1&w=http://10.0.0.3:80&w_status_D=0");
        assertThat(plan.actions().get(2).form()).isEqualTo("b=site1&w=http://10.0.0.1:80&w_status_D=1");
        assertThat(plan.touched().keySet()).containsExactly("a.test");
        assertThat(plan.next().get("a.test").members()).containsExactly(Map.entry("10.0.0.1:80", false),
                Map.entry("10.0.0.2:80", true), Map.entry("10.0.0.3:80", true));
        assertThat(plan.next().get("b.test")).isEqualTo(now.get("b.test"));
    }

    @Test
    void anAddressThatComesBackIsEnabledAgainWithoutASlotAndTheSameTableNeedsNothing() {
        Map<String, Balancers.Balancer> now = Balancers.rendered(sites(
                new Route("a.test", "a", List.of("10.0.0.1:80"))), 1);
        Balancers.Plan away = Balancers.plan(now, sites(new Route("a.test", "a", List.of("10.0.0.2:80"))));
        assertThat(steps(away)).containsExactly("add 10.0.0.2:80 in site1 (a.test)",
                "enable 10.0.0.2:80 in site1 (a.test)", "disable 10.0.0.1:80 in site1 (a.test)");
        Balancers.Plan back = Balancers.plan(away.next(), sites(new Route("a.test", "a", List.of("10.0.0.1:80"))));
        assertThat(back.reloads()).as("the balancer is full, but the address is a member already").isFalse();
        assertThat(steps(back)).containsExactly("enable 10.0.0.1:80 in site1 (a.test)",
                "disable 10.0.0.2:80 in site1 (a.test)");
        Balancers.Plan same = Balancers.plan(back.next(), sites(new Route("A.test", "a", List.of("10.0.0.1:80"))));
        assertThat(same.reloads()).isFalse();
        assertThat(same.actions()).isEmpty();
        Balancers.Plan none = Balancers.plan(back.next(), sites(new Route("a.test", "a", List.of())));
        assertThat(steps(none)).as("no instance left: every member disabled, the host answers 503")
                .containsExactly("disable 10.0.0.1:80 in site1 (a.test)");
    }

    @Test
    void aBalancerWithoutRoomForANewAddressReloads() {
        Map<String, Balancers.Balancer> now = Balancers.rendered(sites(
                new Route("a.test", "a", List.of("10.0.0.1:80"))), 2);
        Balancers.Plan first = Balancers.plan(now, sites(new Route("a.test", "a", List.of("10.0.0.2:80",
                "10.0.0.3:80"))));
        assertThat(first.reloads()).isFalse();
        Balancers.Plan full = Balancers.plan(first.next(), sites(new Route("a.test", "a", List.of("10.0.0.4:80"))));
        assertThat(full.reload()).isEqualTo("the balancer of a.test has no room for 1 new instance address(es): 3 of "
                + "its 3 member slots are taken");
        assertThat(full.actions()).isEmpty();
    }

    @Test
    void hostNamesOrAppsThatChangeReload() {
        Map<String, Balancers.Balancer> now = Balancers.rendered(sites(
                new Route("a.test", "a", List.of("10.0.0.1:80")), new Route("b.test", "b", List.of())), 8);
        assertThat(Balancers.plan(now, sites(new Route("a.test", "a", List.of("10.0.0.1:80")),
                new Route("c.test", "c", List.of()))).reload())
                .isEqualTo("host names changed: +[c.test (c)] -[b.test (b)]");
        assertThat(Balancers.plan(now, sites(new Route("a.test", "a", List.of("10.0.0.1:80")),
                new Route("b.test", "other", List.of()))).reloads()).as("the 503 page names the app").isTrue();
        assertThat(Balancers.plan(now, sites(new Route("a.test", "a", List.of("10.0.0.1:80")))).reload())
                .isEqualTo("host names changed: -[b.test (b)]");
    }

    @Test
    void anAddressHttpdMightRefuseIsLeftToTheConfigTestBeforeAnythingChanges() {
        Map<String, Balancers.Balancer> now = Balancers.rendered(sites(
                new Route("a.test", "a", List.of("10.0.0.1:80"))), 8);
        Balancers.Plan plan = Balancers.plan(now, sites(new Route("a.test", "a", List.of("10.0.0.2:80",
                "10.0.0.3:80:90"))));
        assertThat(plan.reload()).contains("10.0.0.3:80:90").contains("apache2 -t");
        assertThat(Balancers.wellFormed("[fd00::1]:8080")).isTrue();
        assertThat(Balancers.wellFormed("host-1.internal:8080")).isTrue();
        for (String bad : List.of("10.0.0.1", "10.0.0.1:0", "10.0.0.1:65536", "10.0.0.1:80:90", "[fd00::1]")) {
            assertThat(Balancers.wellFormed(bad)).as(bad).isFalse();
        }
    }

    @Test
    void theManagersPageGivesNonceCapacityAndWhichMembersAreEnabled() throws IOException {
        // captured from Debian's apache2 2.4.71: one member serving, one in error state, one disabled
        String page;
        try (InputStream in = getClass().getResourceAsStream("/balancer-manager-2.4.71.html")) {
            page = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        Map<String, Balancers.Listed> listed = Balancers.parse(page);
        assertThat(listed.keySet()).containsExactly("site1");
        Balancers.Listed site1 = listed.get("site1");
        assertThat(site1.nonce()).isEqualTo("c1b10b60-9b63-cd2e-0840-500dcdfc2a5d");
        assertThat(site1.capacity()).isEqualTo(20);
        assertThat(site1.members()).containsExactly(Map.entry("127.0.0.1:18190", true),
                Map.entry("127.0.0.1:18199", true), Map.entry("127.0.0.1:18198", false));

        Map<String, Boolean> members = new LinkedHashMap<>(site1.members());
        Balancers.Balancer expected = new Balancers.Balancer(1, new Layout.Site("a.test", "a",
                List.of("127.0.0.1:18190", "127.0.0.1:18199")), 20, members);
        assertThat(Balancers.mismatch(expected, site1)).isNull();
        members.put("127.0.0.1:18198", true);
        assertThat(Balancers.mismatch(new Balancers.Balancer(1, expected.site(), 20, members), site1))
                .contains("lists {127.0.0.1:18190=true, 127.0.0.1:18199=true, 127.0.0.1:18198=false}");
        assertThat(Balancers.mismatch(new Balancers.Balancer(1, expected.site(), 21, site1.members()), site1))
                .contains("holds 20 members, not 21");
        assertThat(Balancers.mismatch(expected, null)).contains("not on the manager's page");
        assertThatThrownBy(() -> Balancers.parse("<html>404</html>")).hasMessageContaining("not a balancer-manager");
        assertThat(Balancers.member("HTTP://10.0.0.1:80/")).isEqualTo("10.0.0.1:80");
    }
}
