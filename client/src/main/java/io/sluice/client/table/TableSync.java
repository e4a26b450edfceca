package io.sluice.client.table;

import io.sluice.client.SluiceConnector;
import io.sluice.client.sync.RetryableWriteException;
import io.sluice.client.sync.SyncLoop;
import io.sluice.client.sync.SyncTarget;
import io.sluice.protocol.entry.CanalEntry;
import java.io.IOException;
import java.util.List;

/**
 * Copies tables into tables of another database over JDBC (PostgreSQL, MariaDB/MySQL): pulls batches from a
 * destination with {@link SluiceConnector}, applies each in one target transaction ({@link TableWriter}) and acks
 * it only after the commit. Target unreachable or refusing a row: the transaction is rolled back and the same
 * batch applied again after a doubling backoff, unacked, with one log line naming the table and key. The consumer
 * crashing: the server hands out everything after the last ack again, and since upserts and deletes by key are
 * idempotent, the target converges to the source's state. The loop itself is {@link SyncLoop}, shared with the
 * Redis and search syncs.
 *
 * <p>Run it with {@code bin/table-sync.sh <properties file>} (see {@link TableSyncSettings} and docs/table-sync.md).
 */
public final class TableSync implements AutoCloseable {

    private final SyncLoop<RowChange> loop;

    public TableSync(TableSyncSettings settings) {
        this.loop = new SyncLoop<>("table", settings.sync(), new Target(settings));
    }

    public TableSync start() {
        loop.start();
        return this;
    }

    public boolean isActive() {
        return loop.isActive();
    }

    public long ackedBatches() {
        return loop.ackedBatches();
    }

    /** Upserts, deletes and truncates committed by the target and acked. */
    public long appliedRows() {
        return loop.appliedRows();
    }

    public long targetFailures() {
        return loop.retries();
    }

    /** Why the sync stopped by itself (a change it refuses to follow), or null. */
    public String failure() {
        return loop.failure();
    }

    public boolean isRunning() {
        return loop.isRunning();
    }

    /** Stops after the batch in hand; an unacked batch is delivered again to the next run. */
    @Override
    public void close() {
        loop.close();
    }

    /** The JDBC target as the loop drives it. */
    private static final class Target implements SyncTarget<RowChange> {

        private final TableSyncSettings settings;
        private final TableChangeMapper mapper;
        private final TableWriter writer;

        Target(TableSyncSettings settings) {
            this.settings = settings;
            this.mapper = new TableChangeMapper(settings);
            this.writer = new TableWriter(settings);
        }

        @Override
        public String name() {
            return "target " + settings.targetName();
        }

        @Override
        public String subscribeFilter() {
            return settings.subscribeFilter();
        }

        @Override
        public List<String> tables() {
            return List.copyOf(settings.tables().keySet());
        }

        @Override
        public List<RowChange> map(List<CanalEntry.Entry> entries) {
            return mapper.map(entries);
        }

        @Override
        public void apply(List<RowChange> changes) throws RetryableWriteException {
            try {
                writer.apply(changes);
            } catch (TargetWriteException e) {
                throw new RetryableWriteException(e.getMessage() + "; rolled back", e);
            }
        }

        @Override
        public void close() {
            writer.close();
        }
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        SyncLoop.main(args, "table-sync.sh",
                p -> new TableSync(TableSyncSettings.fromProperties(p)).loop);
    }
}
