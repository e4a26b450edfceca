package io.sluice.server.sink;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.EntryEncoder;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.store.RingBufferStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The sink of one destination (canal's EntryEventSink): runs each entry through the destination's stages
 * ({@link SinkStages}: filters, lookups, transforms), frames what survives in its transactions, serializes it
 * and puts a whole hand-off into the store in one call. Filtering comes first, so filtered rows are never
 * serialized and cost the store nothing; an entry no stage changed keeps the parser's bytes.
 *
 * <p>Transactions left empty by the stages lose their BEGIN and END, as in canal: a BEGIN goes through the
 * stages when it comes (so that transforms see it before the rows) and what comes out is held until something
 * of the transaction does. So that clients of a mostly-filtered stream still have something to ack (and their
 * positions move), one such END is kept every 5 s or every 8192 dropped transactions. With
 * {@code filter.transaction.entry} BEGIN/END are dropped, with the same periodic END kept.
 *
 * <p>Safe for one putting thread at a time (the parser's, or the merger's for a merged destination).
 */
public final class StoreSink implements EntrySink {

    static final long KEEP_EMPTY_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    static final int KEEP_EMPTY_EVERY_COUNT = 8192;

    private final boolean dropTransactions;
    private final SinkStages stages;
    private final StageChain chain;
    private final RingBufferStore store;
    private final LongSupplier clock;

    /** Per source (one for a plain destination): its transaction in progress. */
    private final Map<String, OpenTransaction> transactions = new HashMap<>();
    /** What the stages made of the entry at hand; kept across entries so that the per-row path allocates none. */
    private final List<ParsedEntry> survivors = new ArrayList<>(4);
    private long lastKeptEndNanos;
    private int droppedSinceKept;

    /**
     * @param settings the destination's filters; this class reads {@code filter.transaction.entry}, the stages
     *                 the rest
     */
    public StoreSink(FilterSettings settings, SinkStages stages, RingBufferStore store) {
        this(settings, stages, store, System::nanoTime);
    }

    public StoreSink(FilterSettings settings, List<EntryTransform> transforms, RingBufferStore store) {
        this(settings, SinkStages.of(settings, transforms), store, System::nanoTime);
    }

    StoreSink(FilterSettings settings, List<EntryTransform> transforms, RingBufferStore store, LongSupplier clock) {
        this(settings, SinkStages.of(settings, transforms), store, clock);
    }

    private StoreSink(FilterSettings settings, SinkStages stages, RingBufferStore store, LongSupplier clock) {
        this.dropTransactions = settings.dropTransactions();
        this.stages = stages;
        this.chain = stages.chain();
        this.store = store;
        this.clock = clock;
        this.lastKeptEndNanos = clock.getAsLong();
    }

    /** What the parser asks at TABLE_MAP: see {@link SinkStages#tableFilter()}. */
    public TableFilter tableFilter() {
        return stages.tableFilter();
    }

    @Override
    public void put(List<ParsedEntry> entries) throws InterruptedException {
        put("", entries);
    }

    /** Puts entries of one source of a merged destination; the source is recorded in each stored entry. */
    public synchronized void put(String source, List<ParsedEntry> entries) throws InterruptedException {
        if (entries.isEmpty()) {
            return;
        }
        OpenTransaction tx = transactions.computeIfAbsent(source, s -> new OpenTransaction());
        List<StoredEntry> out = new ArrayList<>(entries.size());
        for (ParsedEntry e : entries) {
            accept(source, tx, e, out);
        }
        store.put(out);
    }

    private void accept(String source, OpenTransaction tx, ParsedEntry e, List<StoredEntry> out)
            throws InterruptedException {
        CanalEntry.EntryType type = e.entryType();
        if (type == CanalEntry.EntryType.TRANSACTIONBEGIN) {
            // through the stages now, so that transforms see it before the rows; held until something of the
            // transaction comes out of them
            tx.begin.clear();
            chain.run(e, tx.begin);
            tx.beginHeld = true;
            return;
        }
        survivors.clear();
        chain.run(e, survivors);
        if (type == CanalEntry.EntryType.TRANSACTIONEND) {
            boolean empty = tx.beginHeld;
            tx.beginHeld = false;
            if (dropTransactions || empty) {
                if (!keepForProgress()) {
                    return;
                }
                if (!dropTransactions) {
                    encode(source, tx.begin, out);
                }
            }
            encode(source, survivors, out);
            droppedSinceKept = 0;
            lastKeptEndNanos = clock.getAsLong();
            return;
        }
        if (survivors.isEmpty()) {
            return; // nothing of this entry, and no BEGIN for it
        }
        if (tx.beginHeld) {
            tx.beginHeld = false;
            if (!dropTransactions) {
                encode(source, tx.begin, out);
            }
        }
        encode(source, survivors, out);
    }

    private boolean keepForProgress() {
        droppedSinceKept++;
        return droppedSinceKept >= KEEP_EMPTY_EVERY_COUNT || clock.getAsLong() - lastKeptEndNanos >= KEEP_EMPTY_EVERY_NANOS;
    }

    private static void encode(String source, List<ParsedEntry> entries, List<StoredEntry> out) {
        for (int i = 0; i < entries.size(); i++) {
            ParsedEntry e = entries.get(i);
            out.add(new StoredEntry(EntryEncoder.toBytes(e), e.position(), e.resume(), e.kind(), e.schema(),
                    e.table(), source));
        }
    }

    private static final class OpenTransaction {
        /** What the stages made of its BEGIN. */
        final List<ParsedEntry> begin = new ArrayList<>(1);
        /** Its BEGIN came and nothing of the transaction has come out of the stages yet. */
        boolean beginHeld;
    }
}
