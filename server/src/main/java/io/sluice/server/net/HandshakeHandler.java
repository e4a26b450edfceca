package io.sluice.server.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.security.SecureRandom;
import java.util.function.Function;

/**
 * The server speaks first: on connect it sends {@code Packet{version=1, type=HANDSHAKE, body=Handshake{seeds}}}
 * with 8 fresh random bytes, the salt of this connection's password scramble, then hands the connection to the
 * authentication step.
 */
final class HandshakeHandler extends ChannelInboundHandlerAdapter {

    static final int SEED_LENGTH = 8;

    private final SecureRandom random;
    private final Function<byte[], AuthenticationHandler> authentication;

    HandshakeHandler(SecureRandom random, Function<byte[], AuthenticationHandler> authentication) {
        this.random = random;
        this.authentication = authentication;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        byte[] seed = new byte[SEED_LENGTH];
        random.nextBytes(seed);
        ctx.writeAndFlush(Replies.handshake(seed), ctx.voidPromise());
        ctx.pipeline().replace(this, "authentication", authentication.apply(seed));
        ctx.fireChannelActive();
    }
}
