package org.dockerera.router.builtin.internal;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.RouteTable;

/**
 * The built-in router's memory for a table of APPS apps x INSTANCES backends: heap used after a full GC with an empty
 * table and with the big one (and after swapping it 10 times, to see that old tables go), plus lookup cost.
 *   RouterMemoryMain [APPS=1000] [INSTANCES=3]
 */
public final class RouterMemoryMain {
    private RouterMemoryMain() {
    }

    public static void main(String[] args) throws Exception {
        int apps = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int per = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        ProxyServer proxy = new ProxyServer(new ProxyServer.Settings("127.0.0.1", 0, 1, Duration.ofSeconds(2),
                Duration.ofSeconds(30), Duration.ofSeconds(60), 3, Duration.ofSeconds(5), false));
        long empty = usedAfterGc();
        RouteTable table = null;
        for (int swap = 1; swap <= 11; swap++) {
            List<Route> routes = new ArrayList<>();
            for (int a = 0; a < apps; a++) {
                List<String> backends = new ArrayList<>();
                for (int i = 0; i < per; i++) {
                    backends.add("10." + (a / 250) + "." + (a % 250) + "." + i + ":" + (32768 + swap));
                }
                routes.add(new Route("app" + a + ".example.com", "app" + a, backends));
            }
            table = new RouteTable(swap, routes);
            proxy.apply(table);
        }
        table = null;
        long loaded = usedAfterGc();
        long t0 = System.nanoTime();
        int found = 0;
        for (int i = 0; i < 1_000_000; i++) {
            if (proxy.routes().lookup("app" + (i % apps) + ".example.com:8080") != null) {
                found++;
            }
        }
        double nsPerLookup = (System.nanoTime() - t0) / 1e6;
        System.out.printf("route table of %d apps x %d instances (after 11 swaps): heap %.1f MiB with it, %.1f MiB "
                        + "empty: %.1f MiB for the table (%.0f bytes per app); lookups %.0f ns each, building the Host string included (%d found)%n",
                apps, per, loaded / 1048576.0, empty / 1048576.0, (loaded - empty) / 1048576.0,
                (loaded - empty) / (double) apps, nsPerLookup, found);
        System.out.printf("process RSS %.0f MiB%n", rss() / 1048576.0);
        proxy.close();
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long rss() throws java.io.IOException {
        for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }
}
