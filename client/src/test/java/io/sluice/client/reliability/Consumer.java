package io.sluice.client.reliability;

import io.sluice.client.ConnectorSettings;
import io.sluice.client.Message;
import io.sluice.client.SluiceClientException;
import io.sluice.client.SluiceConnector;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sluice's client pulling a destination into a {@link Ledger}, acking every batch, and — because the point is to
 * see every failure — reconnecting itself (the connector's own reconnect is off) so that each lost connection is
 * counted and timed: recovery = from the failure to the next answered GET.
 */
final class Consumer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Consumer.class);

    private final InetSocketAddress address;
    private final String destination;
    private final List<Ledger> ledgers;
    private final Duration soTimeout;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile long worstRecoveryMillis;
    private volatile long reconnects;
    private volatile long batches;
    private Thread thread;

    Consumer(InetSocketAddress address, String destination, Ledger... ledgers) {
        this(address, destination, Duration.ofSeconds(10), ledgers);
    }

    /** {@code soTimeout}: how long a silent connection is waited on before it counts as lost. */
    Consumer(InetSocketAddress address, String destination, Duration soTimeout, Ledger... ledgers) {
        this.soTimeout = soTimeout;
        this.address = address;
        this.destination = destination;
        this.ledgers = List.of(ledgers);
    }

    void start() {
        running.set(true);
        thread = new Thread(this::run, "consumer-" + destination);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long failedAt = 0;
        while (running.get()) {
            SluiceConnector connector = new SluiceConnector(address, ConnectorSettings.of(destination)
                    .withReconnect(0, Duration.ofMillis(100))
                    .withTimeouts(soTimeout, Duration.ofSeconds(2), Duration.ofHours(1)));
            try {
                connector.connect();
                connector.subscribe();
                while (running.get()) {
                    Message message = connector.getWithoutAck(500, 200, TimeUnit.MILLISECONDS);
                    if (failedAt != 0) {
                        worstRecoveryMillis = Math.max(worstRecoveryMillis, System.currentTimeMillis() - failedAt);
                        failedAt = 0;
                    }
                    ledgers.forEach(l -> l.received(message.entries()));
                    if (!message.isEmpty()) {
                        batches++;
                        ledgers.forEach(Ledger::acking);
                        connector.ack(message);
                    }
                }
            } catch (SluiceClientException e) {
                ledgers.forEach(Ledger::connectionLost);
                if (failedAt == 0) {
                    failedAt = System.currentTimeMillis();
                    reconnects++;
                    log.info("consumer lost its connection: {}", e.getMessage());
                }
                pause(100);
            } finally {
                connector.disconnect();
            }
        }
    }

    Ledger ledger() {
        return ledgers.get(0);
    }

    long worstRecoveryMillis() {
        return worstRecoveryMillis;
    }

    long reconnects() {
        return reconnects;
    }

    long batches() {
        return batches;
    }

    void stop() {
        running.set(false);
        if (thread != null) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
