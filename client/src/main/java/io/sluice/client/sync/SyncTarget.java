package io.sluice.client.sync;

import io.sluice.protocol.entry.CanalEntry;
import java.util.List;

/**
 * What a sync consumer writes into (Redis, a JDBC database, a search engine), as {@link SyncLoop} drives it:
 * a batch's entries are mapped to changes, the changes applied, and the batch acked only after {@link #apply}
 * returned. Every change must be idempotent, so that a batch applied again (after a crash before the ack, or by
 * the standby copy taking over) leaves the same target.
 *
 * @param <C> one change as the target applies it
 */
public interface SyncTarget<C> extends AutoCloseable {

    /** The target for log lines, without secrets: {@code Redis 127.0.0.1:6379/0}, a JDBC URL without its query. */
    String name();

    /** canal's subscribe filter of the synced tables. */
    String subscribeFilter();

    /** The synced tables, for the start line. */
    List<String> tables();

    /** The changes of a batch, in order; throws {@link SyncStoppedException} for a change it does not follow. */
    List<C> map(List<CanalEntry.Entry> entries);

    /**
     * Applies the changes and returns only once the target confirmed all of them. Nothing confirmed yet may be
     * retried ({@link RetryableWriteException}); a change the target will never take stops the sync
     * ({@link SyncStoppedException}).
     */
    void apply(List<C> changes) throws RetryableWriteException;

    @Override
    void close();
}
