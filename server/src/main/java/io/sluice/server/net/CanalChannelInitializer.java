package io.sluice.server.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.timeout.IdleStateHandler;
import io.sluice.protocol.frame.CanalFrames;
import io.sluice.server.instance.Destinations;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of one client connection: [TCP_QUICKACK re-arming] → frames → {@code Packet} → idle limit →
 * handshake (then authentication, then session: each step replaces the one before) → guard.
 */
final class CanalChannelInitializer extends ChannelInitializer<Channel> {

    private final NetServerSettings settings;
    private final Destinations destinations;
    private final Executor requestExecutor;
    private final ClientOwnership ownership = new ClientOwnership();
    private final ChannelGroup channels;
    private final Optional<ChannelOption<Boolean>> quickAck;
    private final PasswordCheck password;
    private final SecureRandom random = new SecureRandom();
    private final FailedLogins failures;

    CanalChannelInitializer(NetServerSettings settings, Destinations destinations, Executor requestExecutor,
                            ChannelGroup channels, Optional<ChannelOption<Boolean>> quickAck, FailedLogins failures) {
        this.failures = failures;
        this.settings = settings;
        this.destinations = destinations;
        this.requestExecutor = requestExecutor;
        this.channels = channels;
        this.quickAck = quickAck;
        this.password = settings.checksPassword() ? new PasswordCheck(settings.passwordHashBytes()) : null;
    }

    @Override
    protected void initChannel(Channel channel) {
        channels.add(channel);
        ChannelPipeline pipeline = channel.pipeline();
        quickAck.ifPresent(option -> pipeline.addLast("quickAck", new QuickAckHandler(option)));
        CanalFrames.addCodec(pipeline, settings.maxFrameLength());
        pipeline.addLast(ConnectionGuard.IDLE_HANDLER,
                new IdleStateHandler(settings.authTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        pipeline.addLast("handshake", new HandshakeHandler(random, seed -> new AuthenticationHandler(seed,
                settings.user(), password, () -> new SessionHandler(destinations, requestExecutor, ownership), failures)));
        pipeline.addLast("guard", ConnectionGuard.INSTANCE);
    }
}
