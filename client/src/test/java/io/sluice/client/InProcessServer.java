package io.sluice.client;

import io.sluice.server.instance.Destination;
import io.sluice.server.net.NetServer;
import io.sluice.server.net.NetServerSettings;
import io.sluice.server.net.testing.ListDestination;
import io.sluice.server.net.testing.SampleEntries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sluice's network server in the test JVM, serving {@link ListDestination}s of {@link SampleEntries}; it can be
 * stopped and started again on the same port (the destinations, like a real instance's store, survive).
 */
final class InProcessServer implements AutoCloseable {

    private final Map<String, Destination> destinations = new ConcurrentHashMap<>();
    private final NetServerSettings settings;
    private NetServer server;
    private int port;

    InProcessServer(NetServerSettings settings) {
        this.settings = settings;
    }

    static InProcessServer open() {
        InProcessServer server = new InProcessServer(NetServerSettings.open("127.0.0.1", 0));
        server.start();
        return server;
    }

    ListDestination add(String name, int transactions, int rows) {
        ListDestination destination = new ListDestination(name, SampleEntries.transactions(transactions, rows));
        destinations.put(name, destination);
        return destination;
    }

    /** Serves {@code destination} (possibly shared with another server, as HA servers share meta). */
    void serve(ListDestination destination) {
        destinations.put(destination.name(), destination);
    }

    int connectionCount() {
        NetServer running = server;
        return running == null ? 0 : running.connectionCount();
    }

    synchronized void start() {
        NetServerSettings bind = port == 0 ? settings : settings.withPort(port);
        server = new NetServer(bind, name -> Optional.ofNullable(destinations.get(name)));
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        port = server.localAddress().getPort();
    }

    synchronized void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    @Override
    public void close() {
        stop();
    }
}
