package org.dockerera.router.builtin.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ResourceLeakDetector;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.RouteTable;
import org.dockerera.spi.router.TlsCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane: one event-loop group serves clients and talks to backends; each client connection's backend
 * connections live on its own event loop (no cross-thread hand-off), pooled per loop and address (keep-alive). The
 * route table is an immutable {@link Routes} behind a volatile field, swapped whole.
 */
final class ProxyServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

    /** The knobs. */
    record Settings(String host, int port, int ioThreads, Duration connectTimeout, Duration responseTimeout,
                    Duration idleTimeout, int ejectAfter, Duration ejectFor, boolean leastRequests, int httpsPort,
                    int redirectPort) {
        /** Plain HTTP only. */
        Settings(String host, int port, int ioThreads, Duration connectTimeout, Duration responseTimeout,
                 Duration idleTimeout, int ejectAfter, Duration ejectFor, boolean leastRequests) {
            this(host, port, ioThreads, connectTimeout, responseTimeout, idleTimeout, ejectAfter, ejectFor,
                    leastRequests, -1, 0);
        }
    }

    final Settings settings;
    final Backends backends;
    final Stats stats = new Stats();
    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> clientChannel;
    private final Channel server;
    /** The HTTPS listener, null when {@code httpsPort < 0}. */
    private final Channel secureServer;
    private volatile TlsContexts tls = TlsContexts.EMPTY;
    private final Map<EventLoop, Map<String, ArrayDeque<Channel>>> pools = new ConcurrentHashMap<>();
    private volatile Routes routes = Routes.EMPTY;

    ProxyServer(Settings settings) throws InterruptedException {
        this.settings = settings;
        this.backends = new Backends(settings.ejectAfter(), settings.ejectFor().toNanos(), settings.leastRequests());
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        boolean epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(Math.max(1, settings.ioThreads()),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.clientChannel = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        Class<? extends ServerChannel> serverChannel = epoll ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        try {
            this.server = listen(serverChannel, settings.port(), false);
            this.secureServer = settings.httpsPort() >= 0 ? listen(serverChannel, settings.httpsPort(), true) : null;
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        LOG.info("built-in router listening on {}{} ({} event loops, {})", server.localAddress(),
                secureServer == null ? "" : " and " + secureServer.localAddress() + " (HTTPS)", settings.ioThreads(),
                epoll ? "epoll" : "nio");
    }

    private Channel listen(Class<? extends ServerChannel> serverChannel, int port, boolean secure)
            throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(group).channel(serverChannel)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("idle", new IdleStateHandler(0, 0,
                                settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
                        if (secure) {
                            // the table's certificates at handshake time, picked by SNI
                            ch.pipeline().addLast("tls", new SniHandler(tls));
                        }
                        ch.pipeline().addLast("http", new HttpServerCodec());
                        ch.pipeline().addLast("proxy", new FrontendHandler(ProxyServer.this, secure));
                    }
                });
        return b.bind(new InetSocketAddress(settings.host(), port)).sync().channel();
    }

    /** The HTTPS port, or -1 without an HTTPS listener. */
    int httpsPort() {
        return secureServer == null ? -1 : ((InetSocketAddress) secureServer.localAddress()).getPort();
    }

    /**
     * The port a redirect to HTTPS names (443: none), or 0 when plain HTTP is not redirected (no HTTPS listener).
     */
    int redirectPort() {
        if (secureServer == null) {
            return 0;
        }
        return settings.redirectPort() > 0 ? settings.redirectPort() : httpsPort();
    }

    TlsContexts tls() {
        return tls;
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    Routes routes() {
        return routes;
    }

    /** Serves {@code table} from now on (an older epoch than the one served is ignored). */
    synchronized boolean apply(RouteTable table) {
        return apply(table, null);
    }

    /**
     * Serves {@code table} and, when not null, {@code certificates} (by host name) from now on; an older epoch than
     * the one served is ignored. New handshakes use the new certificates; established connections keep theirs.
     */
    synchronized boolean apply(RouteTable table, java.util.Map<String, TlsCertificate> certificates) {
        if (table.epoch() < routes.epoch()) {
            return false;
        }
        if (certificates != null) {
            tls = TlsContexts.of(certificates, tls);
        }
        routes = new Routes(table);
        Set<String> live = new HashSet<>();
        for (Route r : table.routes()) {
            live.addAll(r.backends());
        }
        backends.retain(live);
        return true;
    }

    boolean serving() {
        return server.isActive();
    }

    // ---- backend connections: per event loop and address ----

    /** A pooled idle connection to {@code address} on {@code loop}, or null. Called on {@code loop}. */
    Channel pooled(EventLoop loop, String address) {
        Map<String, ArrayDeque<Channel>> pool = pools.get(loop);
        ArrayDeque<Channel> idle = pool == null ? null : pool.get(address);
        while (idle != null && !idle.isEmpty()) {
            Channel c = idle.pollLast();
            if (c.isActive()) {
                return c;
            }
        }
        return null;
    }

    /** Keeps a backend connection for reuse. Called on its event loop. */
    void release(Channel c, String address) {
        if (!c.isActive()) {
            return;
        }
        pools.computeIfAbsent(c.eventLoop(), l -> new HashMap<>()).computeIfAbsent(address, a -> new ArrayDeque<>())
                .addLast(c);
    }

    /** A new connection to {@code address} on {@code loop}, its handler answering to {@code owner}. */
    io.netty.channel.ChannelFuture connect(EventLoop loop, String address, BackendHandler handler) {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        int port = Integer.parseInt(address.substring(colon + 1));
        Bootstrap b = new Bootstrap().group(loop).channel(clientChannel)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("idle", new IdleStateHandler(0, 0,
                                settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
                        ch.pipeline().addLast("http", new HttpClientCodec());
                        ch.pipeline().addLast("backend", handler);
                    }
                });
        return b.connect(host, port);
    }

    @Override
    public void close() {
        server.close().addListener(ChannelFutureListener.CLOSE_ON_FAILURE).syncUninterruptibly();
        if (secureServer != null) {
            secureServer.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
