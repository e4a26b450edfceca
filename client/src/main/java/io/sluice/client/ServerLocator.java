package io.sluice.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * Where the server to talk to is, asked again before every (re)connect: a fixed address, or the active server of a
 * cluster as ZooKeeper names it ({@link ZooKeeperServerLocator}).
 */
@FunctionalInterface
public interface ServerLocator extends AutoCloseable {

    /** @throws IOException when no server can be named right now (the connector retries per its settings) */
    InetSocketAddress locate() throws IOException;

    /** Calls {@code moved} with the new address whenever the server to use changes; a fixed address never does. */
    default void watch(Consumer<InetSocketAddress> moved) {
    }

    @Override
    default void close() {
    }

    static ServerLocator fixed(InetSocketAddress address) {
        return () -> address;
    }
}
