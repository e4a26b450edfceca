package io.sluice.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Asks every server in turn, several times a second, whether it serves the destination: a client of its own id
 * connects, subscribes and unsubscribes. A standby refuses the subscription (canal's "should start first"), a
 * frozen server does not answer within the timeout. Each round records who served.
 */
final class ServingProbe implements Runnable, AutoCloseable {

    private static final short PROBE_CLIENT = 2001;

    /** One round over the servers: when it started (System.nanoTime) and the names of those that served. */
    record Round(long at, List<String> serving) {
    }

    private final List<SluiceCluster.Server> servers;
    private final Thread thread = new Thread(this, "serving-probe");
    final List<Round> rounds = new CopyOnWriteArrayList<>();
    private volatile boolean stop;

    ServingProbe(List<SluiceCluster.Server> servers) {
        this.servers = servers;
    }

    ServingProbe start() {
        thread.start();
        return this;
    }

    @Override
    public void run() {
        while (!stop) {
            long at = System.nanoTime();
            List<String> serving = new ArrayList<>();
            for (SluiceCluster.Server s : servers) {
                if (serves(s)) {
                    serving.add(s.name);
                }
            }
            rounds.add(new Round(at, serving));
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static boolean serves(SluiceCluster.Server server) {
        ConnectorSettings settings = ConnectorSettings.of(SluiceCluster.DEST).withClientId(PROBE_CLIENT)
                .withRollbackOnConnect(false).withReconnect(0, Duration.ofMillis(10))
                .withTimeouts(Duration.ofMillis(800), Duration.ofMillis(800), Duration.ofSeconds(60));
        try (SluiceConnector c = new SluiceConnector(server.socketAddress(), settings)) {
            c.connect();
            c.subscribe();
            c.unsubscribe();
            return true;
        } catch (SluiceClientException | IllegalStateException e) {
            return false; // refused, not listening, or frozen: not serving
        }
    }

    /** Rounds in which more than one server served. */
    List<Round> doubleActive() {
        return rounds.stream().filter(r -> r.serving().size() > 1).toList();
    }

    boolean lastRoundServing(String name) {
        return !rounds.isEmpty() && rounds.get(rounds.size() - 1).serving().contains(name);
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join(10_000);
    }
}
