package io.sluice.client.table;

import io.sluice.client.ClientRunningMonitor;
import io.sluice.client.Message;
import io.sluice.client.SluiceClientException;
import io.sluice.client.SluiceConnector;
import io.sluice.protocol.entry.CanalEntry;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies tables into tables of another database over JDBC (PostgreSQL, MariaDB/MySQL): pulls batches from a
 * destination with {@link SluiceConnector}, applies each in one target transaction ({@link TableWriter}) and acks
 * it only after the commit. Target unreachable or refusing a row: the transaction is rolled back and the same
 * batch applied again after a doubling backoff, unacked, with one log line naming the table and key. The consumer
 * crashing: the server hands out everything after the last ack again, and since upserts and deletes by key are
 * idempotent, the target converges to the source's state. Same pattern as the Redis sync.
 *
 * <p>Run it with {@code bin/table-sync.sh <properties file>} (see {@link TableSyncSettings} and docs/table-sync.md).
 */
public final class TableSync implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TableSync.class);

    private final TableSyncSettings settings;
    private final TableChangeMapper mapper;
    private final TableWriter writer;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong ackedBatches = new AtomicLong();
    private final AtomicLong appliedRows = new AtomicLong();
    private final AtomicLong targetFailures = new AtomicLong();
    /** Execute time (ms) of the last entry of the last acked batch, for the lag; 0 before the first. */
    private final AtomicLong lastExecuteTime = new AtomicLong();
    private volatile boolean running = true;
    private volatile String failure;
    private volatile SluiceConnector connector;
    private volatile ClientRunningMonitor monitor;
    private long progressAt = System.nanoTime();
    private long progressRows;

    public TableSync(TableSyncSettings settings) {
        this.settings = settings;
        this.mapper = new TableChangeMapper(settings);
        this.writer = new TableWriter(settings);
        this.thread = new Thread(this::run, "table-sync-" + settings.connector().destination());
    }

    public TableSync start() {
        thread.start();
        return this;
    }

    public boolean isActive() {
        ClientRunningMonitor m = monitor;
        return settings.hasZooKeeper() ? m != null && m.isActive() : thread.isAlive();
    }

    public long ackedBatches() {
        return ackedBatches.get();
    }

    /** Upserts, deletes and truncates committed by the target and acked. */
    public long appliedRows() {
        return appliedRows.get();
    }

    public long targetFailures() {
        return targetFailures.get();
    }

    /** Why the sync stopped by itself (a change it refuses to follow), or null. */
    public String failure() {
        return failure;
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    private void run() {
        log.info("copying {} into {}", settings.tables().keySet(), settings.targetName());
        Duration backoff = settings.retryBackoff();
        if (settings.hasZooKeeper()) {
            monitor = ClientRunningMonitor.start(settings.zkServers(), Duration.ofSeconds(10),
                    settings.connector().destination(), settings.connector().clientId(),
                    ClientRunningMonitor.processAddress());
        }
        try {
            while (running) {
                try {
                    progress();
                    if (monitor != null && !monitor.awaitActive(1, TimeUnit.SECONDS)) {
                        closeConnector(); // standby: another copy pulls
                        continue;
                    }
                    if (connector == null) {
                        SluiceConnector c = settings.server() == null
                                ? SluiceConnector.cluster(settings.zkServers(), settings.connector())
                                : new SluiceConnector(new InetSocketAddress(settings.server().getHostString(),
                                        settings.server().getPort()), settings.connector());
                        connector = c;
                        c.connect();
                        c.subscribe(settings.subscribeFilter());
                    }
                    Message message = connector.getWithoutAck(settings.batchSize(), 1, TimeUnit.SECONDS);
                    if (message.isEmpty()) {
                        continue;
                    }
                    if (monitor != null && !monitor.isActive()) {
                        closeConnector();
                        continue;
                    }
                    List<RowChange> changes;
                    try {
                        changes = mapper.map(message.entries());
                    } catch (AlterRefusedException e) {
                        failure = e.getMessage();
                        log.error("stopping: {}", e.getMessage());
                        return;
                    }
                    applyUntilCommitted(changes);
                    if (!running) {
                        return; // stopped while the target was away: the batch stays unacked and comes again
                    }
                    if (monitor != null && !monitor.isActive()) {
                        closeConnector(); // committed but not acked: the new active copy applies it again, idempotently
                        continue;
                    }
                    connector.ack(message.id());
                    ackedBatches.incrementAndGet();
                    appliedRows.addAndGet(changes.size());
                    List<CanalEntry.Entry> entries = message.entries();
                    if (!entries.isEmpty()) {
                        lastExecuteTime.set(entries.get(entries.size() - 1).getHeader().getExecuteTime());
                    }
                    backoff = settings.retryBackoff();
                } catch (SluiceClientException e) {
                    if (!running) {
                        return;
                    }
                    log.warn("Sluice server {}: {}; reconnecting in {} ms", settings.serverName(), e.getMessage(),
                            backoff.toMillis());
                    closeConnector();
                    Thread.sleep(backoff.toMillis());
                    backoff = next(backoff);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeConnector();
            if (monitor != null) {
                monitor.close();
            }
            writer.close();
            stopped.countDown();
        }
    }

    private void applyUntilCommitted(List<RowChange> changes) throws InterruptedException {
        Duration backoff = settings.retryBackoff();
        while (running) {
            try {
                writer.apply(changes);
                return;
            } catch (TargetWriteException e) {
                targetFailures.incrementAndGet();
                log.warn("target {} did not take the batch: {}; rolled back, retrying in {} ms, nothing acked",
                        settings.targetName(), e.getMessage(), backoff.toMillis());
                Thread.sleep(backoff.toMillis());
                backoff = next(backoff);
            }
        }
    }

    /** One line every sync.progress.seconds: rows applied, rate, acked batches, lag behind the source, failures. */
    private void progress() {
        if (settings.progressInterval().isZero()) {
            return;
        }
        long now = System.nanoTime();
        long elapsed = now - progressAt;
        if (elapsed < settings.progressInterval().toNanos()) {
            return;
        }
        long rows = appliedRows.get();
        long executed = lastExecuteTime.get();
        log.info("progress: {} rows applied ({} rows/s), {} batches acked, lag {}, {} target failures", rows,
                Math.round((rows - progressRows) * 1e9 / elapsed), ackedBatches.get(),
                executed == 0 ? "-" : Math.max(0, System.currentTimeMillis() - executed) / 1000 + " s",
                targetFailures.get());
        progressAt = now;
        progressRows = rows;
    }

    private Duration next(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(settings.retryBackoffMax()) > 0 ? settings.retryBackoffMax() : doubled;
    }

    private void closeConnector() {
        SluiceConnector c = connector;
        connector = null;
        if (c != null) {
            try {
                c.close();
            } catch (SluiceClientException e) {
                log.warn("closing the connection to {}: {}", settings.serverName(), e.getMessage());
            }
        }
    }

    /** Stops after the batch in hand; an unacked batch is delivered again to the next run. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            if (!stopped.await(30, TimeUnit.SECONDS)) {
                log.warn("table sync thread did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: table-sync.sh <properties file>");
            System.exit(2);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(args[0]))) {
            p.load(r);
        }
        TableSync sync;
        try {
            sync = new TableSync(TableSyncSettings.fromProperties(p));
        } catch (TableSyncSettingsException e) {
            System.err.println(args[0] + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(sync::close, "table-sync-shutdown"));
        sync.start();
        sync.stopped.await();
        if (sync.failure() != null) {
            System.exit(1);
        }
    }
}
