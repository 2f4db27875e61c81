package org.dockerera.router.builtin.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection. Requests are handled one at a time (reading pauses once a request is complete until its
 * response is), streamed to a backend connection taken from the event loop's pool, and the response streamed back.
 * A request whose backend refuses the connection, or accepts it and closes it before any response byte, is retried
 * once on another backend when it is idempotent and has no body; never once a response byte arrived. After a
 * {@code 101 Switching Protocols} both connections relay raw bytes (websockets).
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
    private static final Logger ACCESS = LoggerFactory.getLogger("org.dockerera.router.access");

    private final ProxyServer proxy;
    /** Whether this connection came through the HTTPS listener. */
    private final boolean secure;
    private final String scheme;
    private ChannelHandlerContext ctx;
    private String clientIp;

    // the exchange in progress
    private HttpRequest request;
    private Routes.Target target;
    private String backend;
    private Channel backendChannel;
    private final ArrayDeque<HttpContent> pending = new ArrayDeque<>();
    /** What a pipelining client sent after the request in flight: handled once its response is complete. */
    private final ArrayDeque<Object> pipelined = new ArrayDeque<>();
    private boolean active;
    private boolean requestComplete;
    private boolean responseStarted;
    private boolean interim;
    private boolean keepAlive;
    private boolean bodyless;
    private boolean upgrade;
    private boolean retried;
    private boolean tunnel;
    private boolean discarding;
    private boolean fromPool;
    private HttpResponseStatus deferredStatus;
    /** The Location of a deferred redirect to HTTPS. */
    private String redirect;
    private String deferredText;
    private boolean responseKeepAlive;
    private int status;
    private long start;
    private String host;
    private ScheduledFuture<?> timeout;

    FrontendHandler(ProxyServer proxy, boolean secure) {
        this.proxy = proxy;
        this.secure = secure;
        this.scheme = secure ? "https" : "http";
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress a) {
            clientIp = a.getAddress().getHostAddress();
        }
        ctx.fireChannelActive();
    }

    // ==== from the client ============================================================================================

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (tunnel) {
            if (backendChannel != null) {
                backendChannel.write(msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        if (!pipelined.isEmpty() || requestComplete && active && !tunnel) {
            // the client sent the next request before this response ended: hold it, stop reading until then
            pipelined.add(msg);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        if (msg instanceof HttpRequest req) {
            if (req.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                keepAlive = false;
                page(HttpResponseStatus.BAD_REQUEST, "bad request: " + req.decoderResult().cause().getMessage());
                return;
            }
            begin(req);
        }
        if (msg instanceof HttpContent c) {
            content(c);
        } else if (!(msg instanceof HttpRequest)) {
            ReferenceCountUtil.release(msg);
        }
    }

    private void begin(HttpRequest req) {
        start = System.nanoTime();
        request = req;
        active = true;
        requestComplete = false;
        responseStarted = false;
        interim = false;
        retried = false;
        redirect = null;
        status = 0;
        keepAlive = HttpUtil.isKeepAlive(req);
        bodyless = !HttpUtil.isTransferEncodingChunked(req) && HttpUtil.getContentLength(req, 0L) == 0L;
        upgrade = req.headers().contains(HttpHeaderNames.UPGRADE)
                && req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
        host = req.headers().get(HttpHeaderNames.HOST);
        target = proxy.routes().lookup(host);
        if (target == null) {
            defer(HttpResponseStatus.NOT_FOUND, "404 Not Found: no app answers to host '" + host + "' here.\n");
            return;
        }
        if (!secure && target.httpsRedirect() && proxy.redirectPort() > 0) {
            redirect = "https://" + Routes.normalize(host) + (proxy.redirectPort() == 443 ? ""
                    : ":" + proxy.redirectPort()) + req.uri();
            defer(HttpResponseStatus.PERMANENT_REDIRECT, "308 Permanent Redirect: " + target.app()
                    + " is served over HTTPS: " + redirect + "\n");
            return;
        }
        backend = proxy.backends.pick(target, null);
        if (backend == null) {
            defer(HttpResponseStatus.SERVICE_UNAVAILABLE, "503 Service Unavailable: app " + target.app()
                    + " has no instance available right now.\n");
            return;
        }
        forwardHeaders(req);
        connect();
    }

    /** The answer is ours (404, 503): given once the request's body, if any, has been read and dropped. */
    private void defer(HttpResponseStatus s, String text) {
        discarding = true;
        deferredStatus = s;
        deferredText = text;
    }

    private void forwardHeaders(HttpRequest req) {
        HttpHeaders h = req.headers();
        String ip = clientIp == null ? "unknown" : clientIp;
        String xff = h.get("X-Forwarded-For");
        h.set("X-Forwarded-For", xff == null || xff.isBlank() ? ip : xff + ", " + ip);
        h.set("X-Forwarded-Proto", scheme);
        if (host != null) {
            h.set("X-Forwarded-Host", host);
        }
        String forwarded = "for=" + (ip.contains(":") ? "\"[" + ip + "]\"" : ip) + ";proto=" + scheme
                + (host != null ? ";host=\"" + host + "\"" : "");
        String prior = h.get("Forwarded");
        h.set("Forwarded", prior == null || prior.isBlank() ? forwarded : prior + ", " + forwarded);
        if (!h.contains("X-Request-Id")) {
            h.set("X-Request-Id", Long.toHexString(ThreadLocalRandom.current().nextLong()));
        }
        if (!upgrade) {
            // backend connections are kept alive and pooled, whatever the client asked of its own connection
            h.remove(HttpHeaderNames.CONNECTION);
            h.remove("Keep-Alive");
            h.remove("Proxy-Connection");
            req.setProtocolVersion(HttpVersion.HTTP_1_1);
        }
    }

    private void content(HttpContent c) {
        boolean last = c instanceof LastHttpContent;
        if (discarding) {
            c.release();
            if (last) {
                discarding = false;
                requestComplete = true;
                if (deferredStatus != null) {
                    HttpResponseStatus s = deferredStatus;
                    deferredStatus = null;
                    page(s, deferredText);
                }
            }
            return;
        }
        if (!active) {
            c.release();
            return;
        }
        if (last) {
            requestComplete = true; // one request at a time: anything after this waits in `pipelined`
        }
        if (backendChannel != null) {
            backendChannel.write(c);
            if (last) {
                armTimeout();
            }
        } else {
            pending.add(c);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (backendChannel != null) {
            backendChannel.flush();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (backendChannel != null) {
            backendChannel.config().setAutoRead(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    void backendWritabilityChanged(boolean writable) {
        if (tunnel || !requestComplete) {
            ctx.channel().config().setAutoRead(writable);
        }
    }

    // ==== the backend connection =====================================================================================

    private void connect() {
        proxy.backends.state(backend).inFlight.incrementAndGet();
        Channel pooled = proxy.pooled(ctx.channel().eventLoop(), backend);
        fromPool = pooled != null;
        if (pooled != null) {
            attach(pooled);
            sendRequest();
            return;
        }
        BackendHandler handler = new BackendHandler();
        handler.owner(this);
        String address = backend;
        ChannelFuture f = proxy.connect(ctx.channel().eventLoop(), address, handler);
        f.addListener((ChannelFutureListener) future -> {
            if (!ctx.channel().isActive() || !active || !address.equals(backend)) {
                handler.owner(null);
                future.channel().close();
                return;
            }
            if (future.isSuccess()) {
                backendChannel = future.channel();
                sendRequest();
            } else {
                handler.owner(null);
                failed("cannot connect to " + address + ": " + future.cause().getMessage());
            }
        });
    }

    private void attach(Channel c) {
        backendChannel = c;
        c.pipeline().get(BackendHandler.class).owner(this);
    }

    private void sendRequest() {
        backendChannel.write(request);
        HttpContent c;
        while ((c = pending.poll()) != null) {
            backendChannel.write(c);
        }
        backendChannel.flush();
        if (requestComplete) {
            armTimeout();
        }
    }

    private void armTimeout() {
        cancelTimeout();
        long ms = proxy.settings.responseTimeout().toMillis();
        if (ms <= 0 || upgrade) {
            return;
        }
        Channel b = backendChannel;
        timeout = ctx.channel().eventLoop().schedule(() -> {
            if (active && !responseStarted && backendChannel == b) {
                detachBackend(false);
                proxy.backends.state(backend).inFlight.decrementAndGet();
                page(HttpResponseStatus.GATEWAY_TIMEOUT, "504 Gateway Timeout: app " + target.app()
                        + " did not answer within " + ms + " ms.\n");
            }
        }, ms, TimeUnit.MILLISECONDS);
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    /** The backend refused, or closed before any response byte: retry once elsewhere if safe, else 502. */
    private void failed(String why) {
        proxy.backends.failed(backend);
        proxy.backends.state(backend).inFlight.decrementAndGet();
        backendChannel = null;
        cancelTimeout();
        if (!responseStarted && !retried && bodyless && idempotent(request.method())) {
            String other = proxy.backends.pick(target, backend);
            if (other != null) {
                retried = true;
                proxy.stats.retried(target.app());
                backend = other;
                if (requestComplete) {
                    pending.clear();
                    pending.add(LastHttpContent.EMPTY_LAST_CONTENT);
                }
                connect();
                return;
            }
        }
        page(HttpResponseStatus.BAD_GATEWAY, "502 Bad Gateway: app " + target.app()
                + " did not answer (" + why + ").\n");
    }

    private static boolean idempotent(HttpMethod m) {
        return m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.OPTIONS)
                || m.equals(HttpMethod.PUT) || m.equals(HttpMethod.DELETE) || m.equals(HttpMethod.TRACE);
    }

    // ==== from the backend ===========================================================================================

    void fromBackend(Object msg) {
        if (tunnel) {
            ctx.write(msg);
            return;
        }
        if (!active) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse resp) {
            int code = resp.status().code();
            interim = code == 100 || code == 102 || code == 103;
            if (!responseStarted) {
                responseStarted = true;
                cancelTimeout();
                proxy.backends.succeeded(backend);
            }
            if (!interim) {
                status = code;
                responseKeepAlive = HttpUtil.isKeepAlive(resp);
                if (code != 101) {
                    HttpUtil.setKeepAlive(resp, keepAlive);
                    if (request.protocolVersion().equals(HttpVersion.HTTP_1_0) && keepAlive) {
                        resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                    }
                }
            }
        }
        if (msg instanceof HttpContent c) {
            boolean last = c instanceof LastHttpContent;
            ctx.write(msg);
            if (last) {
                if (interim) {
                    interim = false;
                } else if (status == 101 && upgrade) {
                    startTunnel();
                } else {
                    finish();
                }
            }
        } else if (msg instanceof HttpResponse) {
            ctx.write(msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
        if (!ctx.channel().isWritable() && backendChannel != null) {
            backendChannel.config().setAutoRead(false);
        }
    }

    void backendReadComplete() {
        ctx.flush();
    }

    void backendClosed(Channel ch) {
        if (ch != backendChannel) {
            return;
        }
        if (tunnel) {
            backendChannel = null;
            ctx.flush();
            ctx.close();
            return;
        }
        if (active && !responseStarted) {
            if (fromPool && bodyless && idempotent(request.method())) {
                // a kept-alive connection the backend had closed meanwhile: not its failure, try a fresh one
                backendChannel = null;
                cancelTimeout();
                proxy.backends.state(backend).inFlight.decrementAndGet();
                if (requestComplete) {
                    pending.clear();
                    pending.add(LastHttpContent.EMPTY_LAST_CONTENT);
                }
                connect();
                return;
            }
            failed("the connection closed before any response byte");
            return;
        }
        backendChannel = null;
        if (active) {
            // the response was cut short: the client must see the connection end, not a silent truncation
            proxy.backends.state(backend).inFlight.decrementAndGet();
            active = false;
            ctx.flush();
            ctx.close();
        }
    }

    private void startTunnel() {
        tunnel = true;
        record();
        Channel b = backendChannel;
        ctx.flush();
        ctx.pipeline().remove("http");
        b.pipeline().remove("http");
        b.config().setAutoRead(true);
        ctx.channel().config().setAutoRead(true);
        ctx.read();
    }

    /** The response is complete: count it, give the backend connection back to the pool, go on with the client. */
    private void finish() {
        record();
        Channel b = backendChannel;
        backendChannel = null;
        if (b != null) {
            b.pipeline().get(BackendHandler.class).owner(null);
            b.config().setAutoRead(true);
            if (responseKeepAlive && requestComplete && b.isActive()) {
                proxy.release(b, backend);
            } else {
                b.close();
            }
        }
        active = false;
        request = null;
        if (keepAlive && requestComplete) {
            ctx.flush();
            resume();
        } else {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void record() {
        proxy.backends.state(backend).inFlight.decrementAndGet();
        long nanos = System.nanoTime() - start;
        proxy.stats.record(target.app(), status, nanos);
        log(status, nanos);
    }

    private void log(int code, long nanos) {
        if (ACCESS.isDebugEnabled() && request != null) {
            ACCESS.debug("{} \"{} {}\" host={} app={} backend={} status={} {}ms{} id={}", clientIp,
                    request.method(), request.uri(), host, target == null ? "-" : target.app(),
                    backend == null ? "-" : backend, code, nanos / 1_000_000, retried ? " retried" : "",
                    request.headers().get("X-Request-Id"));
        }
    }

    /** Our own answer (404, 502, 503, 504, 400): small, plain, naming the app; the exchange ends with it. */
    private void page(HttpResponseStatus s, String text) {
        ByteBuf body = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, s, body);
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        resp.headers().set("X-Dockerera-Router", "builtin");
        if (redirect != null) {
            resp.headers().set(HttpHeaderNames.LOCATION, redirect);
            redirect = null;
        }
        boolean reuse = keepAlive && requestComplete && !responseStarted;
        HttpUtil.setKeepAlive(resp, reuse);
        long nanos = System.nanoTime() - start;
        if (target != null) {
            proxy.stats.record(target.app(), s.code(), nanos);
        }
        log(s.code(), nanos);
        active = false;
        request = null;
        pending.forEach(ReferenceCountUtil::release);
        pending.clear();
        if (reuse) {
            ctx.writeAndFlush(resp);
            resume();
        } else {
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The exchange ended on a reusable connection: go on with what the client pipelined meanwhile, if anything. */
    private void resume() {
        requestComplete = false;
        Object next;
        while (!active && (next = pipelined.poll()) != null) {
            channelRead(ctx, next);
        }
        if (pipelined.isEmpty() && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
            ctx.read();
        }
    }

    private void detachBackend(boolean reusable) {
        Channel b = backendChannel;
        backendChannel = null;
        if (b != null) {
            BackendHandler h = b.pipeline().get(BackendHandler.class);
            if (h != null) {
                h.owner(null);
            }
            if (!reusable) {
                b.close();
            }
        }
    }

    // ==== lifecycle ==================================================================================================

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimeout();
        if (active && backend != null && !tunnel) {
            proxy.backends.state(backend).inFlight.decrementAndGet();
        }
        active = false;
        detachBackend(false);
        pending.forEach(ReferenceCountUtil::release);
        pending.clear();
        pipelined.forEach(ReferenceCountUtil::release);
        pipelined.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (!active && !tunnel) {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
