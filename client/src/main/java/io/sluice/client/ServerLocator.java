package io.sluice.client;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Where the server to talk to is, asked again before every (re)connect: a fixed address, or the active server of a
 * cluster as ZooKeeper names it ({@link ZooKeeperServerLocator}).
 */
@FunctionalInterface
public interface ServerLocator {

    /** @throws IOException when no server can be named right now (the connector retries per its settings) */
    InetSocketAddress locate() throws IOException;

    static ServerLocator fixed(InetSocketAddress address) {
        return () -> address;
    }
}
