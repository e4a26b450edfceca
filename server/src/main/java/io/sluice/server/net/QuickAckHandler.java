package io.sluice.server.net;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Linux's TCP_QUICKACK on for the connection. canal's official client writes each request as two
 * {@code write()}s (4-byte length, then body) with Nagle on, so the body waits until the server ACKs the length;
 * with delayed ACKs that is up to 40 ms per request (CANAL-PROTOCOL.md §2.10). The kernel leaves quick-ack mode
 * again on its own (after a few segments, and whenever we send data), so setting it once does not help: it is
 * re-armed after every read burst and after every flush.
 */
final class QuickAckHandler extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(QuickAckHandler.class);

    private final ChannelOption<Boolean> option;

    QuickAckHandler(ChannelOption<Boolean> option) {
        this.option = option;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        arm(ctx);
        ctx.fireChannelReadComplete();
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush();
        arm(ctx);
    }

    private void arm(ChannelHandlerContext ctx) {
        if (!ctx.channel().isOpen()) {
            return;
        }
        boolean set;
        try {
            set = ctx.channel().config().setOption(option, Boolean.TRUE);
        } catch (RuntimeException e) {
            set = false;
        }
        if (!set) {
            // the option is not supported here after all; one line, then stop trying on this connection
            log.info("TCP_QUICKACK cannot be set on {}; requests of the official client may wait for delayed ACKs",
                    ctx.channel());
            ctx.pipeline().remove(this);
        }
    }
}
