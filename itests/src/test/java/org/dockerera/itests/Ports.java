package org.dockerera.itests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports for servers the tests start later (Karaf's HTTP and SSH ports, routers, Redis, HAProxy).
 *
 * <p>{@code new ServerSocket(0)} hands out a port from the kernel's ephemeral range, and so does everything else on
 * the machine while the test waits to bind it: outgoing connections take their local port from that range, and the
 * Docker hosts publish every instance's port from it (Docker reads the same {@code ip_local_port_range}). A port
 * chosen that way and bound seconds later by a booting Karaf can be gone by then, and Karaf then boots without its
 * HTTP service. These ports come from below the ephemeral range instead, where nothing is handed out by the kernel or
 * Docker, are checked free on the wildcard and loopback addresses, and are never given twice in one JVM.
 */
public final class Ports {
    private static final int LOWEST = 10_000;
    private static final Set<Integer> GIVEN = new HashSet<>();

    private Ports() {
    }

    /** A port below the ephemeral range, free now and not handed out before by this JVM. */
    public static synchronized int free() {
        int top = ephemeralLow() - 1;
        int span = top - LOWEST + 1;
        int start = ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span; i++) {
            int port = LOWEST + (start + i) % span;
            if (port != 6379 && !GIVEN.contains(port) && bindable(port)) {
                GIVEN.add(port);
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + LOWEST + ".." + top);
    }

    /** Whether nothing listens on {@code port}, on any address or on loopback. */
    static boolean bindable(int port) {
        return bindable(new InetSocketAddress(port)) && bindable(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                port));
    }

    private static boolean bindable(InetSocketAddress address) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(address);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            return Math.max(LOWEST + 1000, Integer.parseInt(range.split("\\s+")[0]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
