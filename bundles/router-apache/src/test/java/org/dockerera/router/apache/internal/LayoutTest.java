package org.dockerera.router.apache.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.RouteTable;
import org.junit.jupiter.api.Test;

class LayoutTest {
    private static final String MANAGER = Layout.managerPath("0123456789abcdef0123456789abcdef");
    private static final Layout.Settings ROOT = new Layout.Settings(Path.of("/srv/dockerera/apache"),
            "/usr/lib/apache2/modules", "0.0.0.0", 8083, "www-data", "www-data", 2000, 60000, 10000, List.of(),
            9083, MANAGER, 16);
    private static final Layout.Settings USER = new Layout.Settings(Path.of("/srv/dockerera/apache"),
            "/usr/lib/apache2/modules", "10.1.2.3", 9000, null, null, 1500, 30500, 2500, List.of("10.1.2.3"),
            19000, MANAGER, 4);

    private static List<String> hosts(List<Layout.Site> sites) {
        return sites.stream().map(Layout.Site::host).toList();
    }

    private static RouteTable table(Route... routes) {
        return new RouteTable(7, List.of(routes));
    }

    @Test
    void exactHostsComeFirstThenWildcardsLongestSuffixFirst() {
        List<Layout.Site> sites = Layout.sites(table(
                new Route("*.test", "short", List.of("10.0.0.1:80")),
                new Route("b.x.test", "exact-b", List.of("10.0.0.2:80")),
                new Route("*.x.test", "long", List.of("10.0.0.3:80")),
                new Route("a.x.test", "exact-a", List.of("10.0.0.4:80")),
                new Route("*.deep.x.test", "longest", List.of("10.0.0.5:80")),
                new Route("*.y.test", "same-length", List.of("10.0.0.6:80"))));
        assertThat(hosts(sites)).containsExactly("a.x.test", "b.x.test", "*.deep.x.test", "*.x.test", "*.y.test",
                "*.test");
    }

    @Test
    void theRenderedVirtualHostsFollowThatOrderAfterTheDefaultAndTheMarker() {
        String conf = Layout.config(ROOT, Layout.sites(table(
                new Route("*.test", "short", List.of("10.0.0.1:80")),
                new Route("a.x.test", "exact", List.of("10.0.0.4:80")),
                new Route("*.x.test", "long", List.of("10.0.0.3:80")))), 3, 7);
        int dflt = conf.indexOf("ServerName " + Layout.DEFAULT_HOST + "\n", conf.indexOf("<VirtualHost"));
        int marker = conf.indexOf("ServerName " + Layout.MARKER_HOST);
        int exact = conf.indexOf("ServerName a.x.test\n");
        int longer = conf.indexOf("ServerAlias *.x.test\n");
        int shorter = conf.indexOf("ServerAlias *.test\n");
        assertThat(conf.indexOf("<VirtualHost *:8083 127.0.0.1:9083>")).isLessThan(dflt);
        assertThat(List.of(dflt, marker, exact, longer, shorter)).isSorted().doesNotContain(-1);
        assertThat(conf).contains("ServerName wildcard.x.test\n    ServerAlias *.x.test\n    ServerAlias "
                + "site2.dockerera.invalid\n");
    }

    @Test
    void hostNamesAreComparedInLowerCaseAndTheFirstRouteForAHostWins() {
        List<Layout.Site> sites = Layout.sites(table(new Route("Shop.Test", "first", List.of("10.0.0.1:80")),
                new Route("shop.test", "second", List.of("10.0.0.2:80"))));
        assertThat(sites).containsExactly(new Layout.Site("shop.test", "first", List.of("10.0.0.1:80")));
    }

    @Test
    void aRepeatedBackendIsListedOnceInTheTablesOrder() {
        List<Layout.Site> sites = Layout.sites(table(new Route("a.test", "a",
                List.of("10.0.0.2:80", "10.0.0.1:80", "10.0.0.2:80"))));
        assertThat(sites.get(0).backends()).containsExactly("10.0.0.2:80", "10.0.0.1:80");
    }

    @Test
    void anAppProxiesToABalancerOfItsInstancesWithRoomForMoreAndTheManagerOnlyOnTheManagerPort() {
        String conf = Layout.config(ROOT, Layout.sites(table(new Route("shop.test", "shop.test",
                List.of("10.0.0.1:8080", "[FD00::1]:8080")))), 2, 7);
        assertThat(conf).contains("""
                # host shop.test: app shop.test, 2 instance(s)
                <VirtualHost *:8083 127.0.0.1:9083>
                    ServerName shop.test
                    ServerAlias site1.dockerera.invalid
                    AllowEncodedSlashes NoDecode
                    ProxyPreserveHost On
                    ErrorDocument 503 "503 Service Unavailable: app shop.test has no instance available right now."
                    <Proxy "balancer://site1">
                        BalancerMember "http://10.0.0.1:8080" connectiontimeout=2000ms retry=5
                        BalancerMember "http://[fd00::1]:8080" connectiontimeout=2000ms retry=5
                        ProxySet lbmethod=byrequests growth=16 maxattempts=10
                    </Proxy>
                    ProxyPass "/.dockerera-0123456789abcdef0123456789abcdef/balancer-manager" "!"
                    ProxyPass "/" "balancer://site1/" nocanon
                    ProxyPassReverse "/" "balancer://site1/"
                    Alias "/.dockerera-0123456789abcdef0123456789abcdef/balancer-manager" "/"
                    <Location "/.dockerera-0123456789abcdef0123456789abcdef/balancer-manager">
                        UseCanonicalName On
                        UseCanonicalPhysicalPort On
                        <If "%{SERVER_PORT} == '9083'">
                            Require all granted
                            SetHandler balancer-manager
                            Header always set X-Dockerera-Generation "2"
                        </If>
                        <Else>
                            Redirect 404
                        </Else>
                    </Location>
                </VirtualHost>
                """);
        assertThat(conf).contains("Listen 0.0.0.0:8083\n", "Listen 127.0.0.1:9083\n");
    }

    @Test
    void anAppWithoutInstancesHasAnEmptyBalancerThatAnswers503AndUnknownHosts404() {
        String conf = Layout.config(USER, Layout.sites(table(new Route("none.test", "none", List.of()))), 2, 7);
        assertThat(conf).contains("""
                    ErrorDocument 503 "503 Service Unavailable: app none has no instance available right now."
                    <Proxy "balancer://site1">
                        ProxySet lbmethod=byrequests growth=4 maxattempts=3
                    </Proxy>
                """);
        assertThat(conf).contains("ServerName " + Layout.DEFAULT_HOST + "\n"
                + "    Header always set Content-Type \"text/plain; charset=utf-8\"\n"
                + "    ErrorDocument 404 \"" + Layout.NOT_FOUND + "\"\n"
                + "    Redirect 404 /\n");
        assertThat(Layout.failoverAttempts(1)).isZero();
        assertThat(Layout.failoverAttempts(200)).isEqualTo(Layout.MAX_FAILOVER_ATTEMPTS);
    }

    @Test
    void theManagerPathAndMemberSlotsAreChecked() {
        assertThatThrownBy(() -> new Layout.Settings(Path.of("/srv"), "/m", "0.0.0.0", 80, null, null, 1, 1, 1,
                List.of(), 81, "/balancer-manager", 4)).hasMessageContaining("manager path");
        assertThatThrownBy(() -> new Layout.Settings(Path.of("/srv"), "/m", "0.0.0.0", 80, null, null, 1, 1, 1,
                List.of(), 81, MANAGER, 101)).hasMessageContaining("memberSlots must be 1 to 100");
        assertThat(Layout.managerHost(3)).isEqualTo("site3.dockerera.invalid");
        assertThat(Layout.serverName(new Layout.Site("*.shop.test", "shop", List.of()))).isEqualTo(
                "wildcard.shop.test");
    }

    @Test
    void theMarkerTellsGenerationAndEpochToLocalClientsOnly() {
        String conf = Layout.config(ROOT, List.of(), 12, 34);
        assertThat(conf).contains("Header always set X-Dockerera-Generation \"12\" \"expr=-R '127.0.0.0/8' || "
                + "-R '::1'\"");
        assertThat(Layout.config(USER, List.of(), 1, 0)).contains("\"expr=-R '127.0.0.0/8' || -R '::1' || "
                + "-R '10.1.2.3'\"");
        assertThat(conf).contains("Header always set X-Dockerera-Epoch \"34\" \"expr=");
        assertThat(conf).startsWith("# Written by dockerera (router-apache) for route table epoch 34, config "
                + "generation 12.\n");
    }

    @Test
    void theServerRootModulesListenerAndTimeoutsComeFromTheSettings() {
        String conf = Layout.config(USER, List.of(), 1, 0);
        assertThat(conf).contains("ServerRoot \"/srv/dockerera/apache\"\n",
                "PidFile \"/srv/dockerera/apache/httpd.pid\"\n", "ErrorLog \"/srv/dockerera/apache/error.log\"\n",
                "DefaultRuntimeDir \"/srv/dockerera/apache/run\"\n",
                "LoadModule mpm_event_module \"/usr/lib/apache2/modules/mod_mpm_event.so\"\n",
                "LoadModule proxy_balancer_module \"/usr/lib/apache2/modules/mod_proxy_balancer.so\"\n",
                "Listen 10.1.2.3:9000\n", "Timeout 31\n", "ProxyTimeout 31\n", "GracefulShutdownTimeout 3\n",
                "RequestHeader set X-Forwarded-Proto \"http\"\n", "<VirtualHost *:9000 127.0.0.1:19000>\n",
                "Listen 127.0.0.1:19000\n");
        assertThat(conf.indexOf("mod_proxy.so")).isLessThan(conf.indexOf("mod_proxy_http.so"));
        assertThat(conf).as("only root may switch users").doesNotContain("\nUser ", "\nGroup ");
        assertThat(Layout.config(ROOT, List.of(), 1, 0)).contains("\nUser \"www-data\"\nGroup \"www-data\"\n");
        assertThat(Layout.listen("::", 80)).isEqualTo("[::]:80");
        assertThat(Layout.listen("", 80)).isEqualTo("0.0.0.0:80");
    }

    @Test
    void theSameTableInAnyRouteOrderRendersTheSameConfig() {
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            routes.add(new Route((i % 3 == 0 ? "*." : "") + "h" + i + (i % 2 == 0 ? ".x" : "") + ".test", "app" + i,
                    List.of("10.0.0." + i + ":80")));
        }
        String first = Layout.config(ROOT, Layout.sites(new RouteTable(5, routes)), 9, 5);
        for (int seed = 0; seed < 5; seed++) {
            List<Route> shuffled = new ArrayList<>(routes);
            Collections.shuffle(shuffled, new Random(seed));
            assertThat(Layout.config(ROOT, Layout.sites(new RouteTable(5, shuffled)), 9, 5)).isEqualTo(first);
        }
    }

    @Test
    void valuesThatCouldChangeTheConfigsStructureRefuseTheTable() {
        for (String host : List.of("a.test b.test", "a.test\"", "a.test\nRedirect", "a*.test", "*.*.test", "a/b",
                "${X}.test", "a.test:80", "")) {
            assertThatThrownBy(() -> Layout.sites(table(new Route(host, "app", List.of("10.0.0.1:80")))))
                    .as(host).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host name");
        }
        for (String backend : List.of("10.0.0.1:80 retry=0", "10.0.0.1:80\"", "10.0.0.1:80/x", "u@10.0.0.1:80",
                "10.0.0.1:80\n", "%{X}:80", "")) {
            assertThatThrownBy(() -> Layout.sites(table(new Route("a.test", "app", List.of(backend)))))
                    .as(backend).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backend");
        }
        assertThatThrownBy(() -> Layout.sites(table(new Route(Layout.MARKER_HOST, "app", List.of()))))
                .hasMessageContaining("reserved");
    }

    @Test
    void appNamesAppearOnlyInASafeAlphabet() {
        String conf = Layout.config(ROOT, Layout.sites(table(new Route("a.test", "evil\"\n%{x} app", List.of()))),
                1, 1);
        assertThat(conf).contains("app evil____x__app has no instance").doesNotContain("evil\"").doesNotContain("%{x}");
        assertThat(Layout.label("")).isEqualTo("_");
    }

    @Test
    void pathsHttpdCannotQuoteAreRefused() {
        assertThat(Layout.quote("/srv/my dir")).isEqualTo("\"/srv/my dir\"");
        for (String bad : List.of("/srv/a\"b", "/srv/a\\b", "/srv/${HOME}", "/srv/a\nb")) {
            assertThatThrownBy(() -> Layout.quote(bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Layout.seconds(1)).isEqualTo(1);
        assertThat(Layout.seconds(0)).isEqualTo(1);
        assertThat(Layout.seconds(2000)).isEqualTo(2);
        assertThat(Layout.seconds(2001)).isEqualTo(3);
    }
}
