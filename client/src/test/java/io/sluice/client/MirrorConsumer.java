package io.sluice.client;

import io.sluice.protocol.entry.CanalEntry;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A consumer that applies the row changes of {@code ha.t} to an in-memory copy and acks each batch after applying
 * it. Every row change is keyed by its binlog place (file, offset, row index), so redeliveries are counted, and
 * those of a batch whose ack the server had processed are counted apart: those must never happen.
 *
 * <p>canal's ack has no reply, and the connector drops an ack of a batch whose session ended (the server rolled
 * it back). So an ack counts as processed only once a later request of the same session was answered: the
 * server handles a connection's requests in order, and under HA writes the ack to ZooKeeper before it goes on.
 */
final class MirrorConsumer implements Runnable, AutoCloseable {

    /** A non-empty batch: when its GET was sent and when it arrived (System.nanoTime), and its session. */
    record Served(long requestedAt, long receivedAt, long session) {
    }

    private final SluiceConnector connector;
    private final Thread thread = new Thread(this, "mirror-consumer");
    private final Map<Integer, Integer> rows = new HashMap<>();
    private final Set<String> seen = new HashSet<>();
    private final Set<String> acked = new HashSet<>();
    /** Keys of acks sent but not yet confirmed by a later answer in the same session, and that session. */
    private List<String> unconfirmed = List.of();
    private long unconfirmedSession;
    final List<Served> served = new CopyOnWriteArrayList<>();
    private volatile boolean stop;
    private volatile Throwable failure;
    private long duplicates;
    private long ackedRedelivered;
    private long errors;

    MirrorConsumer(String zkServers) {
        this.connector = SluiceConnector.cluster(zkServers, ConnectorSettings.of(SluiceCluster.DEST)
                .withReconnect(600, Duration.ofMillis(50)));
    }

    MirrorConsumer start() {
        connector.connect();
        connector.subscribe();
        thread.start();
        return this;
    }

    @Override
    public void run() {
        try {
            while (!stop) {
                long requested = System.nanoTime();
                Message message;
                try {
                    message = connector.getWithoutAck(500, 100, TimeUnit.MILLISECONDS);
                } catch (SluiceClientException e) {
                    // all reconnect attempts used up while no server was active; the connector's next call retries
                    synchronized (this) {
                        errors++;
                    }
                    System.out.println(java.time.LocalTime.now() + " consumer: get failed: " + e.getMessage());
                    Thread.sleep(50);
                    continue;
                }
                confirm(message.session());
                if (message.isEmpty()) {
                    continue;
                }
                served.add(new Served(requested, System.nanoTime(), message.session()));
                List<String> keys = apply(message);
                try {
                    connector.ack(message);
                } catch (SluiceClientException e) {
                    synchronized (this) {
                        errors++;
                    }
                    continue; // not acked: the batch comes again
                }
                synchronized (this) {
                    unconfirmed = keys;
                    unconfirmedSession = message.session();
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    private synchronized void confirm(long session) {
        if (session == unconfirmedSession) {
            acked.addAll(unconfirmed);
        }
        unconfirmed = List.of();
    }

    private synchronized List<String> apply(Message message) throws Exception {
        List<String> keys = new java.util.ArrayList<>();
        for (CanalEntry.Entry entry : message.entries()) {
            if (entry.getEntryType() != CanalEntry.EntryType.ROWDATA) {
                continue;
            }
            CanalEntry.Header h = entry.getHeader();
            if (!h.getSchemaName().equals("ha") || !h.getTableName().equals("t")) {
                continue;
            }
            CanalEntry.RowChange change = CanalEntry.RowChange.parseFrom(entry.getStoreValue());
            int index = 0;
            for (CanalEntry.RowData row : change.getRowDatasList()) {
                String key = h.getLogfileName() + ":" + h.getLogfileOffset() + ":" + index++;
                keys.add(key);
                if (!seen.add(key)) {
                    duplicates++;
                    if (acked.contains(key)) {
                        ackedRedelivered++;
                    }
                }
                switch (change.getEventType()) {
                    case INSERT, UPDATE -> rows.put(value(row.getAfterColumnsList(), "id"),
                            value(row.getAfterColumnsList(), "v"));
                    case DELETE -> rows.remove(value(row.getBeforeColumnsList(), "id"));
                    default -> throw new IllegalStateException("unexpected " + change.getEventType());
                }
            }
        }
        return keys;
    }

    private static int value(List<CanalEntry.Column> columns, String name) {
        return columns.stream().filter(c -> c.getName().equals(name)).findFirst()
                .map(c -> Integer.parseInt(c.getValue()))
                .orElseThrow(() -> new IllegalStateException("no column " + name + " in " + columns));
    }

    synchronized Map<Integer, Integer> rows() {
        return new HashMap<>(rows);
    }

    synchronized long duplicates() {
        return duplicates;
    }

    synchronized long ackedRedelivered() {
        return ackedRedelivered;
    }

    synchronized long errors() {
        return errors;
    }

    /** The first batch whose GET was sent after {@code nanos}. */
    java.util.Optional<Served> firstServedAfter(long nanos) {
        return served.stream().filter(s -> s.requestedAt() > nanos).findFirst();
    }

    void assertHealthy() {
        if (failure != null) {
            throw new AssertionError("consumer failed: " + failure, failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(30_000);
        connector.close();
    }
}
