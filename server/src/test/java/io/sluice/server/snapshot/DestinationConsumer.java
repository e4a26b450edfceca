package io.sluice.server.snapshot;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.instance.Batch;
import io.sluice.server.instance.Destination;
import io.sluice.server.meta.ClientIdentity;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A client of an in-process destination, as the network server drives one: subscribe, get without ack, apply,
 * ack. Runs on its own thread; {@link #delayMillis} slows it down so that the store fills and the source waits.
 */
final class DestinationConsumer implements AutoCloseable {

    private final Destination destination;
    private final ClientIdentity client;
    private final MaterializedView view;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    volatile long delayMillis;
    private volatile boolean stopping;

    DestinationConsumer(Destination destination, MaterializedView view, int fetchSize) {
        this.destination = destination;
        this.client = new ClientIdentity(destination.name(), (short) 1001);
        this.view = view;
        destination.subscribe(client, "");
        this.thread = new Thread(() -> run(fetchSize), "test-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(int fetchSize) {
        try {
            while (!stopping) {
                Batch b = destination.getWithoutAck(client, fetchSize, 100, TimeUnit.MILLISECONDS);
                if (b.isEmpty()) {
                    continue;
                }
                for (StoredEntry e : b.entries()) {
                    view.apply(CanalEntry.Entry.parseFrom(e.bytes()));
                }
                destination.ack(client, b.id());
                long d = delayMillis;
                if (d > 0) {
                    Thread.sleep(d);
                }
            }
        } catch (InterruptedException e) {
            // stopped
        } catch (Throwable t) {
            if (!stopping) {
                failure.set(t);
            }
        }
    }

    void checkHealthy() {
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError("consumer failed: " + t, t);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.interrupt();
        thread.join(10_000);
    }
}
