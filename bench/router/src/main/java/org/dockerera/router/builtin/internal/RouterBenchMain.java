package org.dockerera.router.builtin.internal;

import java.time.Duration;
import java.util.List;
import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.RouteTable;

/**
 * The built-in router's data plane standalone (no Karaf), for bench/router/run.sh: listens on 127.0.0.1:PORT and
 * routes {@code Host: bench.test} to the given backends. Runs until killed.
 *   RouterBenchMain PORT IO_THREADS BACKEND[,BACKEND...]
 */
public final class RouterBenchMain {
    private RouterBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        ProxyServer proxy = new ProxyServer(new ProxyServer.Settings("127.0.0.1", port, threads, Duration.ofSeconds(2),
                Duration.ofSeconds(30), Duration.ofSeconds(60), 3, Duration.ofSeconds(5), false));
        proxy.apply(new RouteTable(1, List.of(new Route("bench.test", "bench", List.of(args[2].split(","))))));
        System.out.println("router ready on 127.0.0.1:" + proxy.port());
        Thread.currentThread().join();
    }
}
