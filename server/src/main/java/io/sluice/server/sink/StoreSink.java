package io.sluice.server.sink;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.EntryEncoder;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.meta.SourcePositions;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.store.RingBufferStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The sink of one destination: filters, column filters, transforms, then serializes the survivors once and
 * puts them into the store in one call (canal's EntryEventSink). Filtering comes first, so filtered rows are
 * never serialized and cost the store nothing.
 *
 * <p>Transactions left empty by filtering lose their BEGIN and END, as in canal; so that clients of a
 * mostly-filtered stream still have something to ack (and their positions move), one such END is kept every
 * 5 s or every 8192 dropped transactions. With {@code filter.transaction.entry} BEGIN/END are dropped, with
 * the same periodic END kept.
 *
 * <p>Safe for one putting thread at a time (the parser's, or the merger's for a merged destination).
 */
public final class StoreSink implements EntrySink {

    static final long KEEP_EMPTY_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    static final int KEEP_EMPTY_EVERY_COUNT = 8192;

    private final FilterSettings settings;
    private final EntryFilter filter;
    private final ColumnFilter columns;
    private final List<EntryTransform> transforms;
    private final RingBufferStore store;
    private final LongSupplier clock;

    private final Map<String, ParsedEntry> pendingBegin = new HashMap<>();
    private final Map<String, ResumePoint> lastSeen = new HashMap<>();
    private volatile SourcePositions floor = SourcePositions.NONE;
    private long lastKeptEndNanos;
    private int droppedSinceKept;

    public StoreSink(FilterSettings settings, List<EntryTransform> transforms, RingBufferStore store) {
        this(settings, transforms, store, System::nanoTime);
    }

    StoreSink(FilterSettings settings, List<EntryTransform> transforms, RingBufferStore store, LongSupplier clock) {
        this.settings = settings;
        this.filter = new EntryFilter(settings);
        this.columns = new ColumnFilter(ColumnSelection.parse(settings.fields()),
                ColumnSelection.parse(settings.blackFields()));
        this.transforms = List.copyOf(transforms);
        this.store = store;
        this.clock = clock;
        this.lastKeptEndNanos = clock.getAsLong();
    }

    /** What the parser asks at TABLE_MAP: the instance's include and exclude filters. */
    public CanalRegexFilter tableFilter() {
        return filter.tables();
    }

    public RingBufferStore store() {
        return store;
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
        List<StoredEntry> out = new ArrayList<>(entries.size());
        SourcePositions below = floor;
        ResumePoint floorOfSource = below.get(source);
        for (ParsedEntry e : entries) {
            if (floorOfSource != null) {
                if (SourcePositions.ORDER.compare(e.resume(), floorOfSource) <= 0) {
                    continue; // a replay after the shared source restarted further back (route 1:n)
                }
                floorOfSource = null;
                clearFloor(source);
            }
            accept(source, e, out);
        }
        store.put(out);
        lastSeen.put(source, entries.get(entries.size() - 1).resume());
    }

    private void accept(String source, ParsedEntry e, List<StoredEntry> out) {
        CanalEntry.EntryType type = e.entryType();
        if (type == CanalEntry.EntryType.TRANSACTIONBEGIN) {
            // held until something of the transaction survives the filters
            pendingBegin.put(source, e);
            return;
        }
        if (type == CanalEntry.EntryType.TRANSACTIONEND) {
            ParsedEntry begin = pendingBegin.remove(source);
            boolean empty = begin != null;
            if (settings.dropTransactions() || empty) {
                if (!keepForProgress()) {
                    return;
                }
                if (!settings.dropTransactions()) {
                    transform(source, begin, out);
                }
            }
            transform(source, e, out);
            droppedSinceKept = 0;
            lastKeptEndNanos = clock.getAsLong();
            return;
        }
        if (!filter.accepts(e)) {
            return;
        }
        ParsedEntry kept = e;
        if (!columns.isEmpty() && type == CanalEntry.EntryType.ROWDATA && e.payload() instanceof CanalEntry.RowChange rc
                && !rc.getIsDdl()) {
            CanalEntry.RowChange filtered = columns.apply(e.schema(), e.table(), rc);
            kept = filtered == rc ? e : e.withPayload(filtered);
        }
        ParsedEntry begin = pendingBegin.remove(source);
        if (begin != null && !settings.dropTransactions()) {
            transform(source, begin, out);
        }
        transform(source, kept, out);
    }

    private boolean keepForProgress() {
        droppedSinceKept++;
        return droppedSinceKept >= KEEP_EMPTY_EVERY_COUNT || clock.getAsLong() - lastKeptEndNanos >= KEEP_EMPTY_EVERY_NANOS;
    }

    private void transform(String source, ParsedEntry e, List<StoredEntry> out) {
        if (transforms.isEmpty()) {
            out.add(encode(source, e));
            return;
        }
        apply(0, source, e, out);
    }

    private void apply(int index, String source, ParsedEntry e, List<StoredEntry> out) {
        if (index == transforms.size()) {
            out.add(encode(source, e));
            return;
        }
        transforms.get(index).apply(e, next -> apply(index + 1, source, next, out));
    }

    private static StoredEntry encode(String source, ParsedEntry e) {
        return new StoredEntry(EntryEncoder.toBytes(e), e.position(), e.resume(), e.kind(), e.schema(), e.table(),
                source);
    }

    /**
     * Drops entries at or before these resume points, per source, until the first entry past them: used
     * when a shared source (route 1:n) restarts further back than this destination already got.
     */
    public void dropUpTo(SourcePositions positions) {
        floor = positions;
    }

    private void clearFloor(String source) {
        Map<String, ResumePoint> m = new HashMap<>(floor.bySource());
        m.remove(source);
        floor = new SourcePositions(m);
    }

    /** The resume point of the last entry put per source, filtered or not. */
    public synchronized SourcePositions lastSeen() {
        return new SourcePositions(lastSeen);
    }
}
