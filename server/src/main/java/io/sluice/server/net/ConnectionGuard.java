package io.sluice.server.net;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of every connection: closes it when it idles past its limit or when anything fails on it
 * (a malformed frame or packet, a broken socket), with one log line and no stack trace. The server and every
 * other connection carry on.
 */
@ChannelHandler.Sharable
final class ConnectionGuard extends ChannelInboundHandlerAdapter {

    /** Name of the idle-state handler that authentication re-configures. */
    static final String IDLE_HANDLER = "idle";

    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

    static final ConnectionGuard INSTANCE = new ConnectionGuard();

    private ConnectionGuard() {
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent idle) {
            log.info("closing {}: idle ({})", ctx.channel().remoteAddress(), idle.state());
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException || cause instanceof InvalidProtocolBufferException
                || cause instanceof MalformedRequestException) {
            Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
            log.info("closing {}: malformed request: {}", ctx.channel().remoteAddress(), root.getMessage());
        } else if (cause instanceof IOException) {
            // connection reset and the like: the peer is gone, nothing to report beyond debugging
            log.debug("closing {}: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            log.warn("closing {} after an unexpected failure", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}
