package io.sluice.server.sink;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.EntryEncoder;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.position.SourcePositions;
import io.sluice.server.sink.lookup.LookupTransform;
import io.sluice.server.sink.rows.RowContentFilter;
import io.sluice.server.store.RingBufferStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The sink of one destination: table and kind filters, row-content filter ({@code sluice.filter.rows}), lookup
 * enrichments ({@code sluice.transform.lookup.*}), column filters, user transforms, then serializes the
 * survivors once and puts them into the store in one call (canal's EntryEventSink). Filtering comes first, so
 * filtered rows are never serialized and cost the store nothing. The row filter and the lookups see the row as
 * the binlog has it; the column filter then shapes what clients get (a field filter must list the columns a
 * lookup adds to keep them).
 *
 * <p>Rows of a table that a lookup reads from reach the lookups for cache invalidation even when the
 * destination's filter drops them for clients ({@link #tableFilter()} lets the parser decode them).
 *
 * <p>When the stages turn one entry into several, every piece but the last resumes before the original entry:
 * an ack of an early piece must not let a restart skip the later ones (they may come again, never get lost).
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
    private static final RowContentFilter NO_ROW_FILTER = new RowContentFilter(Map.of(), false);

    private final FilterSettings settings;
    private final EntryFilter filter;
    private final ColumnFilter columns;
    private final List<EntryTransform> transforms;
    private final RowContentFilter rows;
    private final List<LookupTransform> lookups;
    private final Set<String> lookupSources;
    private final RingBufferStore store;
    private final LongSupplier clock;

    private final Map<String, ParsedEntry> pendingBegin = new HashMap<>();
    private final Map<String, ResumePoint> lastSeen = new HashMap<>();
    private volatile SourcePositions floor = SourcePositions.NONE;
    private long lastKeptEndNanos;
    private int droppedSinceKept;

    public StoreSink(FilterSettings settings, List<EntryTransform> transforms, RingBufferStore store) {
        this(settings, NO_ROW_FILTER, List.of(), transforms, store, System::nanoTime);
    }

    /**
     * @param rows    the row-content filter (empty: every row is kept)
     * @param lookups lookup enrichments, applied in order; the caller closes them
     */
    public StoreSink(FilterSettings settings, RowContentFilter rows, List<LookupTransform> lookups,
                     List<EntryTransform> transforms, RingBufferStore store) {
        this(settings, rows, lookups, transforms, store, System::nanoTime);
    }

    StoreSink(FilterSettings settings, List<EntryTransform> transforms, RingBufferStore store, LongSupplier clock) {
        this(settings, NO_ROW_FILTER, List.of(), transforms, store, clock);
    }

    private StoreSink(FilterSettings settings, RowContentFilter rows, List<LookupTransform> lookups,
                      List<EntryTransform> transforms, RingBufferStore store, LongSupplier clock) {
        this.settings = settings;
        this.rows = rows;
        this.lookups = List.copyOf(lookups);
        Set<String> sources = new HashSet<>();
        for (LookupTransform l : lookups) {
            sources.add(l.fromTable().toLowerCase(Locale.ROOT));
        }
        this.lookupSources = Set.copyOf(sources);
        this.filter = new EntryFilter(settings);
        this.columns = new ColumnFilter(ColumnSelection.parse(settings.fields()),
                ColumnSelection.parse(settings.blackFields()));
        this.transforms = List.copyOf(transforms);
        this.store = store;
        this.clock = clock;
        this.lastKeptEndNanos = clock.getAsLong();
    }

    /**
     * What the parser asks at TABLE_MAP: the instance's include and exclude filters, plus the tables lookups read
     * from (decoded for their cache invalidation, dropped before the store).
     */
    public TableFilter tableFilter() {
        CanalRegexFilter tables = filter.tables();
        if (lookupSources.isEmpty()) {
            return tables;
        }
        return (schema, table) -> tables.accepts(schema, table) || isLookupSource(schema, table);
    }

    private boolean isLookupSource(String schema, String table) {
        return lookupSources.contains((schema + "." + table).toLowerCase(Locale.ROOT));
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

    private void accept(String source, ParsedEntry e, List<StoredEntry> out) throws InterruptedException {
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
            if (type == CanalEntry.EntryType.ROWDATA && isLookupSource(e.schema(), e.table())) {
                for (LookupTransform l : lookups) {
                    l.apply(e); // invalidates its cache; the entry itself is not for clients
                }
            }
            return;
        }
        List<ParsedEntry> pieces = List.of(e);
        if (type == CanalEntry.EntryType.ROWDATA) {
            if (!rows.isEmpty()) {
                pieces = rowFiltered(pieces);
                if (pieces.isEmpty()) {
                    return; // every row filtered out: nothing of this entry, and no BEGIN for it
                }
            }
            for (LookupTransform l : lookups) {
                List<ParsedEntry> next = new ArrayList<>(pieces.size());
                for (ParsedEntry p : pieces) {
                    next.addAll(l.apply(p));
                }
                pieces = next;
            }
            if (!columns.isEmpty()) {
                List<ParsedEntry> next = new ArrayList<>(pieces.size());
                for (ParsedEntry p : pieces) {
                    next.add(columnFiltered(p));
                }
                pieces = next;
            }
        }
        ParsedEntry begin = pendingBegin.remove(source);
        if (begin != null && !settings.dropTransactions()) {
            transform(source, begin, out);
        }
        if (pieces.size() == 1 && pieces.get(0) == e) {
            transform(source, e, out);
            return;
        }
        List<ParsedEntry> all = new ArrayList<>();
        for (ParsedEntry p : pieces) {
            applyTransforms(0, p, all::add);
        }
        encodeAll(source, e, all, out);
    }

    private List<ParsedEntry> rowFiltered(List<ParsedEntry> pieces) {
        List<ParsedEntry> next = new ArrayList<>(pieces.size());
        for (ParsedEntry p : pieces) {
            next.addAll(rows.apply(p));
        }
        return next;
    }

    private ParsedEntry columnFiltered(ParsedEntry e) {
        if (e.payload() instanceof CanalEntry.RowChange rc && !rc.getIsDdl()) {
            CanalEntry.RowChange filtered = columns.apply(e.schema(), e.table(), rc);
            return filtered == rc ? e : e.withPayload(filtered);
        }
        return e;
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
        List<ParsedEntry> all = new ArrayList<>(1);
        applyTransforms(0, e, all::add);
        encodeAll(source, e, all, out);
    }

    private void applyTransforms(int index, ParsedEntry e, Consumer<ParsedEntry> out) {
        if (index == transforms.size()) {
            out.accept(e);
            return;
        }
        transforms.get(index).apply(e, next -> applyTransforms(index + 1, next, out));
    }

    /** Encodes what the stages made of one original entry, with every piece but the last resuming before it. */
    private static void encodeAll(String source, ParsedEntry original, List<ParsedEntry> pieces, List<StoredEntry> out) {
        for (ParsedEntry p : ParsedEntry.resumeSafely(pieces, original)) {
            out.add(encode(source, p));
        }
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
