package io.sluice.server.net;

import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.SocketOption;
import java.util.Optional;
import jdk.net.ExtendedSocketOptions;

/**
 * The Netty transport the server runs on: native epoll where it loads (Linux x86-64), NIO elsewhere. Both can
 * set Linux's TCP_QUICKACK, which the server re-arms after every read (see {@link QuickAckHandler}).
 *
 * @param name          for the one log line at start
 * @param ioHandlers    event loop I/O handler factory
 * @param serverChannel accepted-socket channel class
 * @param quickAck      the channel option that sets TCP_QUICKACK, absent where the platform has none
 */
record NetTransport(String name, IoHandlerFactory ioHandlers, Class<? extends ServerChannel> serverChannel,
                    Optional<ChannelOption<Boolean>> quickAck) {

    static NetTransport choose(boolean preferNative) {
        if (preferNative && Epoll.isAvailable()) {
            return new NetTransport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                    Optional.of(EpollChannelOption.TCP_QUICKACK));
        }
        return new NetTransport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, nioQuickAck());
    }

    /** Why epoll was not used, for the start-up log line; empty when it was not wanted or is in use. */
    static String epollUnavailabilityCause() {
        Throwable cause = Epoll.unavailabilityCause();
        return cause == null ? "" : cause.toString();
    }

    private static Optional<ChannelOption<Boolean>> nioQuickAck() {
        SocketOption<Boolean> option = ExtendedSocketOptions.TCP_QUICKACK;
        // the JDK supports TCP_QUICKACK only on Linux; elsewhere setting it would throw on every read
        boolean supported = System.getProperty("os.name", "").toLowerCase().contains("linux");
        return supported ? Optional.of(NioChannelOption.of(option)) : Optional.empty();
    }
}
