package io.sluice.client;

import io.sluice.protocol.entry.CanalEntry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An application's consumer on its own thread: subscribes as a client id, fetches, records the first column of every
 * inserted row in the order received, and acks each batch.
 */
public final class AckingApplication implements AutoCloseable {

    private final SluiceConnector connector;
    private final List<Integer> inserted = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile boolean stop;
    private volatile Throwable failure;

    public AckingApplication(InetSocketAddress server, String destination, short clientId) {
        connector = new SluiceConnector(server, ConnectorSettings.of(destination).withClientId(clientId)
                .withReconnect(5, Duration.ofMillis(200)));
        connector.connect();
        connector.subscribe();
        thread = new Thread(this::run, "application-" + clientId);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (!stop) {
                Message m = connector.getWithoutAck(20, 100, TimeUnit.MILLISECONDS);
                for (CanalEntry.Entry e : m.entries()) {
                    if (e.getEntryType() != CanalEntry.EntryType.ROWDATA) {
                        continue;
                    }
                    CanalEntry.RowChange change = CanalEntry.RowChange.parseFrom(e.getStoreValue());
                    if (change.getEventType() == CanalEntry.EventType.INSERT) {
                        for (CanalEntry.RowData row : change.getRowDatasList()) {
                            inserted.add(Integer.parseInt(row.getAfterColumns(0).getValue()));
                        }
                    }
                }
                if (!m.isEmpty()) {
                    connector.ack(m);
                }
            }
        } catch (Throwable e) {
            if (!stop) {
                failure = e;
            }
        }
    }

    /** The ids of the inserted rows received so far, in order. */
    public List<Integer> inserted() {
        synchronized (inserted) {
            return List.copyOf(inserted);
        }
    }

    public Throwable failure() {
        return failure;
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(5000);
        connector.close();
    }
}
