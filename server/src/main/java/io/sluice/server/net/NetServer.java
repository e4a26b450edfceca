package io.sluice.server.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sluice.server.instance.Destinations;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * canal's client-protocol endpoint ({@code canal.ip}:{@code canal.port}): accepts connections, authenticates them
 * and serves the destinations' batches. Stop closes the listener first, then every connection (their unacked
 * batches are rolled back), then the threads.
 */
public final class NetServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NetServer.class);

    /** Failed logins per source address and minute before the source is refused for the rest of the minute. */
    public static final int DEFAULT_MAX_FAILED_LOGINS = 10;

    private final NetServerSettings settings;
    private final Destinations destinations;
    private final NetTransport transport;
    private final FailedLogins failures;

    private EventLoopGroup acceptor;
    private EventLoopGroup workers;
    private ThreadPoolExecutor requestExecutor;
    private ChannelGroup connections;
    private Channel listener;

    public NetServer(NetServerSettings settings, Destinations destinations) {
        this(settings, destinations, new FailedLogins("client port " + settings.port(), DEFAULT_MAX_FAILED_LOGINS,
                Duration.ofMinutes(1)));
    }

    /** @param failures the failed-login limit per source address (sluice.auth.max.failures) */
    public NetServer(NetServerSettings settings, Destinations destinations, FailedLogins failures) {
        this.failures = failures;
        this.settings = settings;
        this.destinations = destinations;
        this.transport = NetTransport.choose(settings.nativeTransport());
    }

    /**
     * Binds and starts serving.
     *
     * @throws IOException when the address cannot be bound (in use, not local)
     */
    public synchronized void start() throws IOException {
        if (listener != null) {
            throw new IllegalStateException("already started");
        }
        acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("sluice-net-accept"),
                transport.ioHandlers());
        workers = new MultiThreadIoEventLoopGroup(settings.ioThreads(), new DefaultThreadFactory("sluice-net-io"),
                transport.ioHandlers());
        int threads = settings.blockingThreads();
        requestExecutor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory("sluice-net-request", true));
        requestExecutor.allowCoreThreadTimeOut(true);
        connections = new DefaultChannelGroup("sluice-clients", GlobalEventExecutor.INSTANCE);

        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new CanalChannelInitializer(settings, destinations, requestExecutor, connections,
                        settings.quickAck() ? transport.quickAck() : Optional.empty(), failures));
        InetSocketAddress address = settings.bindIp().isEmpty()
                ? new InetSocketAddress(settings.port()) : new InetSocketAddress(settings.bindIp(), settings.port());
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            stopThreads();
            Throwable cause = bound.cause();
            throw cause instanceof IOException io ? io : new IOException("cannot listen on " + address, cause);
        }
        listener = bound.channel();
        String quickAck = settings.quickAck() && transport.quickAck().isPresent()
                ? "TCP_QUICKACK re-armed per read" : "no TCP_QUICKACK";
        String why = settings.nativeTransport() && transport.name().equals("nio")
                ? " (epoll unavailable: " + NetTransport.epollUnavailabilityCause() + ")" : "";
        log.info("canal protocol server listening on {} ({} transport{}, {})", listener.localAddress(),
                transport.name(), why, quickAck);
    }

    /** The bound address (with the real port when settings asked for port 0). */
    public synchronized InetSocketAddress localAddress() {
        if (listener == null) {
            throw new IllegalStateException("not started");
        }
        return (InetSocketAddress) listener.localAddress();
    }

    public String transportName() {
        return transport.name();
    }

    /** Open client connections, for metrics and tests. */
    public synchronized int connectionCount() {
        return connections == null ? 0 : connections.size();
    }

    public synchronized void stop() {
        if (listener == null) {
            return;
        }
        listener.close().awaitUninterruptibly();
        listener = null;
        connections.close().awaitUninterruptibly();
        stopThreads();
        log.info("canal protocol server stopped");
    }

    @Override
    public void close() {
        stop();
    }

    private void stopThreads() {
        // requests waiting (GETs for entries) were interrupted when their connections closed; give them a moment to end
        requestExecutor.shutdown();
        try {
            if (!requestExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("request threads still busy after 5 s; interrupting them");
                requestExecutor.shutdownNow();
            }
        } catch (InterruptedException e) {
            requestExecutor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        acceptor.shutdownGracefully(0, 2_000, TimeUnit.MILLISECONDS).awaitUninterruptibly();
        workers.shutdownGracefully(50, 5_000, TimeUnit.MILLISECONDS).awaitUninterruptibly();
    }
}
