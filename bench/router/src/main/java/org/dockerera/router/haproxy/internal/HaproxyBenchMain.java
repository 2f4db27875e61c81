package org.dockerera.router.haproxy.internal;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.RouteTable;

/**
 * The HAProxy router backend as dockerera runs it (generated config, runtime API), serving {@code bench.test} from
 * one backend, for bench/router/run.sh: {@code HaproxyBenchMain PORT THREADS BACKEND}. Stops HAProxy on exit.
 */
public final class HaproxyBenchMain {
    private HaproxyBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        String backend = args[2];
        Path dir = Files.createTempDirectory("dockerera-bench-haproxy");
        HaproxyRouter router = new HaproxyRouter();
        router.start(config(port, threads), dir);
        java.lang.Runtime.getRuntime().addShutdownHook(new Thread(router::stop));
        router.apply(new RouteTable(1, List.of(new Route("bench.test", "bench", List.of(backend)))));
        System.out.println("HAProxy router serving bench.test on 127.0.0.1:" + port + " (" + threads + " thread(s))");
        Thread.currentThread().join();
    }

    static HaproxyRouter.Config config(int port, int threads) {
        return new HaproxyRouter.Config() {
            public Class<? extends Annotation> annotationType() {
                return HaproxyRouter.Config.class;
            }

            public String binary() {
                return "/usr/sbin/haproxy";
            }

            public String listenHost() {
                return "127.0.0.1";
            }

            public int port() {
                return port;
            }

            public String advertisedUrl() {
                return "";
            }

            public String workDir() {
                return "";
            }

            public int appSlots() {
                return 32;
            }

            public int serverSlots() {
                return 8;
            }

            public long connectTimeoutMs() {
                return 2000;
            }

            public long timeoutMs() {
                return 60000;
            }

            public int threads() {
                return threads;
            }
        };
    }
}
