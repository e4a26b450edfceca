package io.sluice.client.search;

import io.sluice.client.sync.RetryableWriteException;
import io.sluice.client.sync.SyncLoop;
import io.sluice.client.sync.SyncTarget;
import io.sluice.protocol.entry.CanalEntry;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps OpenSearch / Elasticsearch indexes in step with tables: rows become documents (id from the primary key),
 * pulled in batches from a destination, written with the bulk API ({@link BulkWriter}) and acked only after every
 * item of every bulk response succeeded. The cluster unreachable or overloaded (429, 5xx): the same batch is applied
 * again after a doubling backoff, unacked. A document the cluster refuses (a 4xx item, e.g. a value its mapping does
 * not take): the sync stops with one ERROR naming the index, the document id and the reason; nothing is skipped.
 * The loop itself is {@link SyncLoop}, shared with the Redis and table syncs.
 *
 * <p>Run it with {@code bin/search-sync.sh <properties file>} (see {@link SearchSyncSettings} and
 * docs/search-sync.md).
 */
public final class SearchSync implements AutoCloseable {

    private final SyncLoop<DocumentChange> loop;

    public SearchSync(SearchSyncSettings settings) {
        this.loop = new SyncLoop<>("search", settings.sync(), new Target(settings));
    }

    public SearchSync start() {
        loop.start();
        return this;
    }

    public boolean isActive() {
        return loop.isActive();
    }

    public boolean isRunning() {
        return loop.isRunning();
    }

    public long ackedBatches() {
        return loop.ackedBatches();
    }

    /** Document writes, deletes and truncates confirmed by the cluster and acked. */
    public long appliedRows() {
        return loop.appliedRows();
    }

    /** Batches the cluster did not take and that were applied again. */
    public long retries() {
        return loop.retries();
    }

    /** Why the sync stopped by itself (a document the cluster refused), or null. */
    public String failure() {
        return loop.failure();
    }

    /** The port of {@code /metrics}, or 0. */
    public int metricsPort() {
        return loop.metrics().port();
    }

    /** Stops after the batch in hand; an unacked batch is delivered again to the next run. */
    @Override
    public void close() {
        loop.close();
    }

    /** The cluster as the loop drives it. */
    private static final class Target implements SyncTarget<DocumentChange> {

        private static final Logger log = LoggerFactory.getLogger(SearchSync.class);

        private final SearchSyncSettings settings;
        private final DocumentMapper mapper;
        private final BulkWriter writer;
        private boolean versionLogged;

        Target(SearchSyncSettings settings) {
            this.settings = settings;
            this.mapper = new DocumentMapper(settings);
            this.writer = new BulkWriter(settings);
        }

        @Override
        public String name() {
            return "search " + settings.searchName();
        }

        @Override
        public String subscribeFilter() {
            return settings.subscribeFilter();
        }

        @Override
        public List<String> tables() {
            return settings.tables().values().stream().map(t -> t.fullName() + "->" + t.index()).toList();
        }

        @Override
        public List<DocumentChange> map(List<CanalEntry.Entry> entries) {
            return mapper.map(entries);
        }

        @Override
        public void apply(List<DocumentChange> changes) throws RetryableWriteException {
            if (!versionLogged) {
                String version = writer.version();
                if (version != null) {
                    log.info("search cluster {} answers: {}", settings.searchName(), version);
                    versionLogged = true;
                }
            }
            writer.apply(changes);
        }

        @Override
        public void close() {
            writer.close();
        }
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        SyncLoop.main(args, "search-sync.sh", p -> new SearchSync(SearchSyncSettings.fromProperties(p)).loop);
    }
}
