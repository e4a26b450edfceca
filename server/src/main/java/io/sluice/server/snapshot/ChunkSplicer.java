package io.sluice.server.snapshot;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.EntryEncoder;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.position.SnapshotProgress;
import io.sluice.server.sink.EntrySink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Sits between a destination's binlog parser and its sink and splices snapshot chunks into the stream at the
 * binlog position each chunk was read at, and owns the snapshot's progress.
 *
 * <p>A chunk read inside {@code START TRANSACTION WITH CONSISTENT SNAPSHOT} shows the table exactly as it was at
 * the snapshot's binlog position S. Emitted right after the last binlog entry before S and before the first
 * one at or after S, its rows take their place in the stream's order: every change of the same keys before S
 * comes before them, every later one after them, so no key ever goes back in time. To keep that order the
 * splicer holds the parser's entries at or after S ({@link #hold}, {@link #placeAt}) while the chunk is read,
 * which pauses the stream for one chunk's read at most.
 *
 * <p>Every entry that passes while a snapshot runs carries the snapshot's progress in its resume point, so
 * that whatever a client acknowledges last (a snapshot row or a binlog entry) persists how far the snapshot
 * got; chunk entries are numbered in the order they are emitted.
 *
 * <p>The parser thread calls {@link #put}; the snapshot thread everything else.
 */
final class ChunkSplicer implements EntrySink {

    private final EntrySink downstream;
    private final Supplier<BinlogPosition> parserBoundary;
    private final long epoch;
    private long seq;

    private List<SnapshotProgress.Table> tables = List.of();
    private List<String> lastKey = List.of();
    private long rowsDone;
    private long rowsEmitted;
    private long ddlSeen;

    /** Last unit boundary the stream delivered (an entry's resume point without skipped entries). */
    private BinlogPosition boundary;
    /** Largest position of an entry let through (delivered or being delivered). */
    private BinlogPosition furthest;
    private final ReentrantLock delivering = new ReentrantLock();

    private boolean holding;
    private BinlogPosition barrier;
    /** Position of the entry the parser is waiting with, or null when it is not waiting. */
    private BinlogPosition parserWaitingAt;
    private boolean closed;

    /**
     * @param parserBoundary the parser's position after the last unit it completed (entries or not), or null
     * @param epoch          this run's epoch, larger than any epoch a client acknowledged
     */
    ChunkSplicer(EntrySink downstream, Supplier<BinlogPosition> parserBoundary, long epoch) {
        this.downstream = downstream;
        this.parserBoundary = parserBoundary;
        this.epoch = epoch;
    }

    /** The epoch of a new run: later than the one recorded in {@code resume}, and than any earlier run's. */
    static long nextEpoch(ResumePoint resume) {
        long after = resume == null || resume.snapshot() == null ? 0 : resume.snapshot().epoch() + 1;
        return Math.max(System.currentTimeMillis(), after);
    }

    // ---- progress ----

    /** Continues a snapshot recorded in a resume point. */
    synchronized void resumeFrom(SnapshotProgress progress) {
        tables = progress.tables();
        lastKey = progress.lastKey();
        rowsDone = progress.rowsDone();
    }

    /** Adds tables to read after those already queued (a table queued already is not added twice). */
    synchronized List<SnapshotProgress.Table> enqueue(List<SnapshotProgress.Table> more) {
        List<SnapshotProgress.Table> added = new ArrayList<>();
        List<SnapshotProgress.Table> next = new ArrayList<>(tables);
        for (SnapshotProgress.Table t : more) {
            if (!next.contains(t)) {
                next.add(t);
                added.add(t);
            }
        }
        tables = List.copyOf(next);
        notifyAll();
        return added;
    }

    /**
     * Starts reading over: {@code first} from their beginning, then whatever else was queued (an initial
     * snapshot reads every table whole, at its own position).
     */
    synchronized void restart(List<SnapshotProgress.Table> first) {
        List<SnapshotProgress.Table> next = new ArrayList<>(first);
        for (SnapshotProgress.Table t : tables) {
            if (!next.contains(t)) {
                next.add(t);
            }
        }
        tables = List.copyOf(next);
        lastKey = List.of();
        rowsDone = 0;
    }

    /** Gives up the current table (it no longer exists, or cannot be read); the next one is read from its start. */
    synchronized void dropCurrent() {
        if (!tables.isEmpty()) {
            tables = List.copyOf(tables.subList(1, tables.size()));
        }
        lastKey = List.of();
        rowsDone = 0;
    }

    /** Where the snapshot stands now: the table being read and where it continues; null when none runs. */
    synchronized SnapshotProgress progress() {
        return tables.isEmpty() ? null : mark();
    }

    synchronized long rowsEmitted() {
        return rowsEmitted;
    }

    /** How many DDL entries the stream has passed (table structures may have changed since a count). */
    synchronized long ddlSeen() {
        return ddlSeen;
    }

    /** Waits until a table is queued or the timeout passes; true when one is. */
    synchronized boolean awaitWork(long millis) throws InterruptedException {
        if (tables.isEmpty() && !closed) {
            wait(millis);
        }
        return !tables.isEmpty();
    }

    private SnapshotProgress mark() {
        return new SnapshotProgress(epoch, seq, tables, lastKey, rowsDone);
    }

    // ---- the stream ----

    /** The stream (re)starts at {@code start}: entries before it will not come. */
    synchronized void streamFrom(ResumePoint start) {
        boundary = start == null ? null : start.position();
        furthest = null;
    }

    @Override
    public void put(List<ParsedEntry> entries) throws InterruptedException {
        int i = 0;
        while (i < entries.size()) {
            List<ParsedEntry> out = new ArrayList<>(entries.size() - i);
            synchronized (this) {
                while (mustWait(entries.get(i))) {
                    parserWaitingAt = entries.get(i).position();
                    notifyAll();
                    try {
                        wait();
                    } finally {
                        parserWaitingAt = null;
                    }
                }
                for (; i < entries.size() && (out.isEmpty() || !mustWait(entries.get(i))); i++) {
                    ParsedEntry e = entries.get(i);
                    out.add(tables.isEmpty() ? e : e.withResume(e.resume().withSnapshot(mark())));
                    if (furthest == null || e.position().compareTo(furthest) > 0) {
                        furthest = e.position();
                    }
                }
            }
            deliver(out);
            synchronized (this) {
                out.forEach(this::passed);
                notifyAll();
            }
        }
    }

    private boolean mustWait(ParsedEntry e) {
        return holding && !closed && (barrier == null || e.position().compareTo(barrier) >= 0);
    }

    /**
     * Hands entries to the sink, which blocks while the store is full; never under this object's monitor, so
     * that progress, requests and stopping never wait for a full store. One hand-off at a time keeps the order.
     */
    private void deliver(List<ParsedEntry> out) throws InterruptedException {
        if (out.isEmpty()) {
            return;
        }
        delivering.lockInterruptibly();
        try {
            downstream.put(out);
        } finally {
            delivering.unlock();
        }
    }

    /** Entries delivered: the stream is past them. */
    private void passed(ParsedEntry e) {
        if (e.kind() == StoredEntry.Kind.DDL) {
            ddlSeen++;
        }
        ResumePoint r = e.resume();
        if (r.skipEntries() == 0 && (boundary == null || r.position().compareTo(boundary) > 0)) {
            boundary = r.position();
        }
    }

    /** The latest boundary the stream is known to have passed, from its entries or from the parser. */
    synchronized BinlogPosition boundary() {
        BinlogPosition p = parserBoundary.get();
        if (p != null && (boundary == null || p.compareTo(boundary) > 0)) {
            return p;
        }
        return boundary;
    }

    /** From now on the parser's entries wait, until {@link #placeAt} says which of them may pass. */
    synchronized void hold() {
        holding = true;
        barrier = null;
    }

    /**
     * Entries before {@code at} pass again; those at or after it wait for {@link #release}. False when the
     * stream already passed {@code at} (a chunk read there would come too late; read it again).
     */
    synchronized boolean placeAt(BinlogPosition at) {
        if (furthest != null && furthest.compareTo(at) >= 0) {
            return false;
        }
        barrier = at;
        notifyAll();
        return true;
    }

    /** Lets every entry pass. */
    synchronized void release() {
        holding = false;
        barrier = null;
        notifyAll();
    }

    /**
     * Waits until every entry before {@code at} has passed: an entry at or after it is waiting, or the stream's
     * boundary reached it. False when the timeout passed first.
     */
    synchronized boolean awaitReached(BinlogPosition at, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!closed) {
            BinlogPosition b = boundary();
            // the parser may still be waiting from before the barrier was placed, with an entry that may pass:
            // only an entry at or after the barrier proves that everything before it has passed
            if ((parserWaitingAt != null && parserWaitingAt.compareTo(at) >= 0) || (b != null && b.compareTo(at) >= 0)) {
                return true;
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        throw new InterruptedException("snapshot stopped");
    }

    synchronized void close() {
        closed = true;
        holding = false;
        barrier = null;
        notifyAll();
    }

    // ---- emitting ----

    /**
     * Emits a chunk read at {@code at} as BEGIN, one ROWDATA entry per piece and END, each resuming at
     * {@code at} with the progress reached after it. A chunk without rows only moves the progress.
     */
    void emit(Chunk chunk, BinlogPosition at) throws InterruptedException {
        List<ParsedEntry> out = new ArrayList<>(chunk.pieces().size() + 2);
        synchronized (this) {
            if (tables.isEmpty() || !tables.get(0).equals(chunk.table())) {
                throw new IllegalStateException("chunk of " + chunk.table() + " while the snapshot reads " + tables);
            }
            if (!chunk.pieces().isEmpty()) {
                out.add(entry(at, CanalEntry.EntryType.TRANSACTIONBEGIN, null, "", "",
                        CanalEntry.TransactionBegin.newBuilder().build(), StoredEntry.Kind.TRANSACTION_BEGIN, -1));
                for (Chunk.Piece p : chunk.pieces()) {
                    lastKey = p.lastKey();
                    rowsDone += p.count();
                    rowsEmitted += p.count();
                    out.add(rows(at, chunk.table(), p));
                }
            }
            if (chunk.tableDone()) {
                tables = List.copyOf(tables.subList(1, tables.size()));
                lastKey = List.of();
                rowsDone = 0;
            }
            if (!out.isEmpty()) {
                out.add(entry(at, CanalEntry.EntryType.TRANSACTIONEND, null, "", "",
                        CanalEntry.TransactionEnd.newBuilder().setTransactionId("0").build(),
                        StoredEntry.Kind.TRANSACTION_END, -1));
            }
        }
        deliver(out);
    }

    private ParsedEntry entry(BinlogPosition at, CanalEntry.EntryType type, CanalEntry.EventType eventType,
                              String schema, String table, com.google.protobuf.MessageLite payload,
                              StoredEntry.Kind kind, int rows) {
        seq++;
        CanalEntry.Header h = header(at, eventType, schema, table, rows);
        BinlogPosition position = position(at);
        return new ParsedEntry(h, type, payload, position, resume(position), kind);
    }

    /**
     * A piece's ROWDATA entry, its RowChange already in wire form: the entry's bytes are written around it once,
     * as the binlog parser does for a rows event, and the store gets them unless a stage changes the entry.
     */
    private ParsedEntry rows(BinlogPosition at, SnapshotProgress.Table table, Chunk.Piece p) {
        seq++;
        CanalEntry.Header h = header(at, CanalEntry.EventType.INSERT, table.schema(), table.table(), p.count());
        BinlogPosition position = position(at);
        byte[] rowChange = p.rowChange();
        byte[] bytes = EntryEncoder.toBytes(h, CanalEntry.EntryType.ROWDATA, rowChange, rowChange.length);
        return ParsedEntry.encoded(h, CanalEntry.EventType.INSERT, p.count(), bytes, bytes.length - rowChange.length,
                rowChange.length, position, resume(position), StoredEntry.Kind.ROW_DATA);
    }

    private static CanalEntry.Header header(BinlogPosition at, CanalEntry.EventType eventType, String schema,
                                            String table, int rows) {
        CanalEntry.Header.Builder h = CanalEntry.Header.newBuilder()
                .setVersion(1)
                .setLogfileName(at.file())
                .setLogfileOffset(at.offset())
                .setServerId(at.serverId())
                .setServerenCode("UTF-8")
                .setExecuteTime(at.timestampMillis())
                .setSourceType(CanalEntry.Type.MYSQL)
                .setSchemaName(schema)
                .setTableName(table);
        if (eventType != null) {
            h.setEventType(eventType);
        }
        if (rows > 0) {
            h.addProps(CanalEntry.Pair.newBuilder().setKey("rowsCount").setValue(Integer.toString(rows)));
        }
        // the canal way to say where a row comes from: a header prop, which canal clients carry along untouched
        h.addProps(CanalEntry.Pair.newBuilder().setKey("snapshot").setValue("true"));
        return h.build();
    }

    private static BinlogPosition position(BinlogPosition at) {
        return new BinlogPosition(at.file(), at.offset(), "", at.serverId(), at.timestampMillis());
    }

    /** Resumes at the chunk's position with the progress reached after the entry numbered {@code seq}. */
    private ResumePoint resume(BinlogPosition position) {
        return new ResumePoint(position, 0, new SnapshotProgress(epoch, seq, tables, lastKey, rowsDone));
    }
}
