package org.dockerera.router.builtin.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The backend side of one pooled connection: hands what the backend sends to the client connection that currently
 * owns it (none while idle in the pool: then anything arriving is dropped and the connection closed).
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {
    private FrontendHandler owner;

    void owner(FrontendHandler o) {
        this.owner = o;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        FrontendHandler o = owner;
        if (o == null) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        o.fromBackend(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        FrontendHandler o = owner;
        if (o != null) {
            o.backendReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        FrontendHandler o = owner;
        if (o != null) {
            o.backendWritabilityChanged(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        FrontendHandler o = owner;
        owner = null;
        if (o != null) {
            o.backendClosed(ctx.channel());
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && owner == null) {
            ctx.close(); // idle in the pool too long
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
