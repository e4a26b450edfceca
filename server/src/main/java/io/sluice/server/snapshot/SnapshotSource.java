package io.sluice.server.snapshot;

import io.sluice.server.config.InstanceConfig;
import io.sluice.server.parser.BinlogParser;
import io.sluice.server.parser.BinlogPurgedException;
import io.sluice.server.parser.ChangeSource;
import io.sluice.server.parser.ParserException;
import io.sluice.server.parser.ParserSettings;
import io.sluice.server.parser.ParserStatus;
import io.sluice.server.parser.schema.SchemaHistory;
import io.sluice.server.parser.value.ValueOptions;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.position.SnapshotProgress;
import io.sluice.server.sink.EntrySink;
import io.sluice.server.sink.TableFilter;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A destination's source with snapshots: the binlog parser, preceded by an initial snapshot of the tables'
 * existing rows when {@code sluice.snapshot.mode} asks for one, and interleaved with table re-reads an
 * operator asks for while it streams (incremental snapshots).
 *
 * <p><b>Initial snapshot.</b> One {@code START TRANSACTION WITH CONSISTENT SNAPSHOT} sees every table at one
 * binlog position P; its rows are emitted as INSERT entries in key-ordered chunks (one transaction each), then
 * the parser starts at exactly P: nothing committed before P is streamed again, nothing after it is missed.
 *
 * <p><b>Restart mid-snapshot.</b> A new transaction cannot see P's point in time again. The parser starts at P
 * and the tables still to read are read on from the last acknowledged key, each chunk in its own consistent
 * snapshot at its own position S ≥ P and spliced into the stream at S ({@link ChunkSplicer}); the changes
 * between P and S come from the binlog before the chunk, later ones after it, so every key still moves forward
 * in time and the result converges.
 *
 * <p><b>Incremental snapshot.</b> {@link #request} queues a table; it is read chunk by chunk the same way while
 * the stream goes on, which waits only while a chunk is read.
 *
 * <p><b>when_needed.</b> When the parser stops because its position was purged from the master, a new initial
 * snapshot runs at the master's current position and the parser continues from there.
 */
public final class SnapshotSource implements ChangeSource {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotSource.class);
    private static final long STALL_CHECK_MILLIS = 500;
    /** ER_TABLE_DEF_CHANGED: the table was altered after the snapshot transaction began. */
    private static final int ER_TABLE_DEF_CHANGED = 1412;

    /** What the status endpoint shows. */
    public record Status(String state, SnapshotProgress progress, long rowsEmitted, String lastError) {
    }

    private final String destination;
    private final SnapshotSettings settings;
    private final SnapshotConnection.Target target;
    private final ValueOptions options;
    private final TableFilter destinationFilter;
    private final SchemaHistory history;
    private final CurrentSplicer splicer;
    private final BinlogParser parser;

    private final Map<SnapshotProgress.Table, TableReader> readers = new HashMap<>();
    /** DDL entries seen when {@link #readers} were built: a later DDL may have changed a structure. */
    private long readersDdl;
    private volatile Thread worker;
    private volatile boolean stopping;
    private volatile RuntimeException failure;
    private volatile String state = "NEW";

    /** The splicer is made per start (its epoch depends on the resume point); the parser keeps one sink. */
    private static final class CurrentSplicer implements EntrySink {
        private final EntrySink downstream;
        private volatile ChunkSplicer current;
        private BinlogParser parser;

        CurrentSplicer(EntrySink downstream) {
            this.downstream = downstream;
        }

        ChunkSplicer renew(long epoch) {
            ChunkSplicer old = current;
            if (old != null) {
                old.close();
            }
            current = new ChunkSplicer(downstream, this::parserBoundary, epoch);
            return current;
        }

        private BinlogPosition parserBoundary() {
            ParserStatus s = parser.status();
            if (s.position() != null) {
                return s.position();
            }
            ResumePoint start = s.lastPut();
            return start != null && start.skipEntries() == 0 ? start.position() : null;
        }

        @Override
        public void put(List<io.sluice.server.entry.ParsedEntry> entries) throws InterruptedException {
            current.put(entries);
        }
    }

    public SnapshotSource(String destination, SnapshotSettings settings, ParserSettings parserSettings,
                          SchemaHistory history, TableFilter filter, EntrySink sink) {
        this.destination = Objects.requireNonNull(destination, "destination");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.target = new SnapshotConnection.Target(parserSettings.host(), parserSettings.port(),
                parserSettings.username(), parserSettings.password(), parserSettings.connectTimeout(),
                parserSettings.transport());
        this.options = new ValueOptions(parserSettings.canalCompatibleValues(), parserSettings.timeZone(),
                parserSettings.connectionCharset());
        this.destinationFilter = filter;
        this.history = history;
        this.splicer = new CurrentSplicer(sink);
        this.parser = new BinlogParser(parserSettings, history, filter, splicer);
        this.splicer.parser = parser;
        this.splicer.renew(ChunkSplicer.nextEpoch(null));
    }

    /** Builds the source of a destination from its configuration. */
    public static SnapshotSource create(InstanceConfig instance, ParserSettings parserSettings, SchemaHistory history,
                                        TableFilter filter, EntrySink sink) {
        return new SnapshotSource(instance.destination(), SnapshotSettings.from(instance), parserSettings, history,
                filter, sink);
    }

    public BinlogParser parser() {
        return parser;
    }

    public SnapshotSettings settings() {
        return settings;
    }

    @Override
    public synchronized void start(ResumePoint resume) {
        if (worker != null) {
            throw new IllegalStateException("source of " + destination + " already started");
        }
        stopping = false;
        failure = null;
        ChunkSplicer s = splicer.renew(ChunkSplicer.nextEpoch(resume));
        Thread t = new Thread(() -> run(s, resume), "sluice-snapshot-" + destination);
        worker = t;
        t.start();
    }

    @Override
    public void stop() {
        Thread t;
        synchronized (this) {
            t = worker;
            if (t == null) {
                return;
            }
            stopping = true;
        }
        splicer.current.close();
        t.interrupt();
        parser.stop();
        try {
            t.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            worker = null;
        }
        state = "STOPPED";
    }

    @Override
    public boolean isRunning() {
        Thread t = worker;
        return t != null && t.isAlive() && failure == null;
    }

    /** The failure that stopped this source for good, or null. */
    public RuntimeException failure() {
        return failure;
    }

    public Status status() {
        ChunkSplicer s = splicer.current;
        RuntimeException f = failure;
        return new Status(state, s.progress(), s.rowsEmitted(), f == null ? null : f.getMessage());
    }

    /**
     * Queues a table for an incremental snapshot.
     *
     * @return true when queued, false when it is already queued or being read
     * @throws SnapshotException when the table is outside the destination's filter or does not exist
     */
    public boolean request(String schema, String table) {
        SnapshotProgress.Table t = new SnapshotProgress.Table(schema, table);
        if (!destinationFilter.accepts(schema, table)) {
            throw new SnapshotException(t + " is not among the tables destination " + destination
                    + " streams (canal.instance.filter.regex / black.regex)");
        }
        try (SnapshotConnection c = SnapshotConnection.open(target)) {
            if (c.describe(t) == null) {
                throw new SnapshotException("table " + t + " does not exist on " + target.address());
            }
        }
        if (!isRunning()) {
            throw new SnapshotException("destination " + destination + " is not running");
        }
        boolean queued = !splicer.current.enqueue(List.of(t)).isEmpty();
        LOG.info("{}: incremental snapshot of {} {}", destination, t, queued ? "queued" : "already queued");
        return queued;
    }

    // ---- the worker ----

    private void run(ChunkSplicer s, ResumePoint resume) {
        SnapshotConnection incremental = null;
        try {
            ResumePoint start = resume;
            if (start != null && start.snapshot() != null && !start.snapshot().isDone()) {
                s.resumeFrom(start.snapshot());
                LOG.info("{}: continuing the snapshot after a restart: {} (each further chunk is read at its own "
                        + "position and spliced into the stream)", destination, start.snapshot());
            }
            if (start == null && settings.mode() != SnapshotMode.NEVER) {
                start = ResumePoint.at(initialSnapshot(s, false));
            }
            startParser(s, start == null ? null : start.withoutSnapshot());
            ParserException handled = null;
            while (!stopping) {
                ParserException f = parser.failure();
                if (f != null && f != handled) { // a restarted parser still reports the failure it was restarted after
                    handled = f;
                    if (f instanceof BinlogPurgedException && settings.mode() == SnapshotMode.WHEN_NEEDED) {
                        LOG.warn("{}: {}; sluice.snapshot.mode=when_needed: taking a new snapshot and streaming on "
                                + "from its position", destination, f.getMessage());
                        parser.stop();
                        BinlogPosition at = initialSnapshot(s, true);
                        startParser(s, ResumePoint.at(at));
                        continue;
                    }
                    state = "FAILED";
                    failure = f;
                    return;
                }
                if (!s.awaitWork(200)) {
                    if (incremental != null) {
                        incremental.close();
                        incremental = null;
                        readers.clear();
                    }
                    state = "STREAMING";
                    continue;
                }
                if (incremental == null) {
                    incremental = SnapshotConnection.open(target);
                }
                state = "INCREMENTAL";
                incrementalChunk(s, incremental);
            }
        } catch (InterruptedException e) {
            // stopped
        } catch (SnapshotException e) {
            if (!stopping) {
                failure = e;
                state = "FAILED";
                LOG.error("{}: snapshot stopped: {}", destination, e.getMessage());
            }
        } catch (RuntimeException e) {
            if (!stopping) {
                failure = e;
                state = "FAILED";
                LOG.error("{}: snapshot failed: {}", destination, e.toString(), e);
            }
        } finally {
            if (incremental != null) {
                incremental.close();
            }
            if (failure != null || stopping) {
                parser.stop();
            }
        }
    }

    private void startParser(ChunkSplicer s, ResumePoint start) {
        s.streamFrom(start);
        parser.stop(); // a parser that failed keeps its thread slot until stopped
        parser.start(start);
        state = "STREAMING";
    }

    /** One consistent snapshot of every table to read; returns its binlog position. */
    private BinlogPosition initialSnapshot(ChunkSplicer s, boolean reseedHistory) throws InterruptedException {
        state = "INITIAL";
        long started = System.nanoTime();
        long rowsBefore = s.rowsEmitted();
        try (SnapshotConnection c = SnapshotConnection.open(target)) {
            BinlogPosition at = c.beginConsistentSnapshot();
            List<SnapshotProgress.Table> tables = c.tables((schema, table) ->
                    destinationFilter.accepts(schema, table) && settings.tables().accepts(schema, table));
            s.restart(tables);
            LOG.info("{}: initial snapshot of {} table(s) at {} in chunks of {} rows", destination, tables.size(), at,
                    settings.chunkSize());
            SnapshotProgress p;
            while ((p = s.progress()) != null) {
                SnapshotTable table = c.describe(p.current());
                if (table == null) {
                    LOG.warn("{}: {} no longer exists; not read", destination, p.current());
                    s.dropCurrent();
                    continue;
                }
                if (reseedHistory) {
                    // the binlog before this point is gone: decode what follows with the structure of now
                    history.seedTable(at, table.name().schema(), table.name().table(), table.structure().createSql());
                }
                TableReader reader = reader(table);
                if (table.hasKey()) {
                    Chunk chunk;
                    List<String> after = p.lastKey();
                    do {
                        chunk = reader.read(c.jdbc(), after);
                        s.emit(chunk, at);
                        after = chunk.pieces().isEmpty() ? after : chunk.pieces().get(chunk.pieces().size() - 1).lastKey();
                    } while (!chunk.tableDone() && !stopping);
                } else {
                    reader.scan(c.jdbc(), p.rowsDone(), chunk -> s.emit(chunk, at));
                }
                if (stopping) {
                    throw new InterruptedException("stopped");
                }
            }
            c.commit();
            long rows = s.rowsEmitted() - rowsBefore;
            double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
            LOG.info("{}: initial snapshot done: {} rows of {} table(s) in {} s ({} rows/s); streaming from {}",
                    destination, rows, tables.size(), String.format("%.1f", seconds), Math.round(rows / seconds), at);
            return at;
        } catch (SQLException e) {
            throw new SnapshotException("initial snapshot of " + destination + " failed: " + e.getMessage(), e);
        } finally {
            readers.clear();
        }
    }

    /** One chunk of the table at the head of the queue, read at its own position and spliced in there. */
    private void incrementalChunk(ChunkSplicer s, SnapshotConnection c) throws InterruptedException {
        SnapshotProgress p = s.progress();
        if (p == null) {
            return;
        }
        if (s.ddlSeen() != readersDdl) {
            readers.clear();
            readersDdl = s.ddlSeen();
        }
        s.hold();
        try {
            BinlogPosition at = c.beginConsistentSnapshot();
            if (!s.placeAt(at)) {
                // the stream got past the position before the chunk's position was known: read it again
                c.rollback();
                return;
            }
            SnapshotTable table = describeOnce(c, p.current());
            if (table == null) {
                c.rollback();
                LOG.warn("{}: {} no longer exists; its snapshot ends", destination, p.current());
                s.dropCurrent();
                return;
            }
            TableReader reader = reader(table);
            if (table.hasKey()) {
                Chunk chunk = reader.read(c.jdbc(), p.lastKey());
                c.commit();
                if (awaitStream(s, c, at)) {
                    s.emit(chunk, at);
                    if (chunk.tableDone()) {
                        readers.remove(p.current());
                        LOG.info("{}: snapshot of {} done ({} rows)", destination, p.current(),
                                p.rowsDone() + chunk.rows());
                    }
                }
            } else if (awaitStream(s, c, at)) {
                // without a key there are no chunks to place one by one: the stream waits for the whole scan
                reader.scan(c.jdbc(), p.rowsDone(), chunk -> s.emit(chunk, at));
                c.commit();
                readers.remove(p.current());
            } else {
                c.rollback();
            }
        } catch (SQLException e) {
            c.rollback();
            if (e.getErrorCode() == ER_TABLE_DEF_CHANGED) {
                LOG.info("{}: {} was altered while a chunk was read; reading it again", destination, p.current());
                readers.clear();
                return;
            }
            throw new SnapshotException("snapshot of " + p.current() + " failed: " + e.getMessage(), e);
        } finally {
            s.release();
        }
    }

    /** Waits until the stream has delivered everything before {@code at}; false when it stopped or failed. */
    private boolean awaitStream(ChunkSplicer s, SnapshotConnection c, BinlogPosition at) throws InterruptedException {
        while (!stopping) {
            if (s.awaitReached(at, STALL_CHECK_MILLIS)) {
                return true;
            }
            if (!parser.isRunning()) {
                return false;
            }
            BinlogPosition b = s.boundary();
            // an idle master after a rotation: the stream stands at the new file's start, the snapshot position
            // after that file's header events, and no entry will ever come between them
            if (b != null && b.file().equals(at.file()) && b.offset() < at.offset()
                    && c.onlyHousekeepingBetween(b.file(), b.offset(), at.offset())) {
                return true;
            }
        }
        return false;
    }

    private SnapshotTable describeOnce(SnapshotConnection c, SnapshotProgress.Table name) {
        TableReader r = readers.get(name);
        return r != null ? r.table() : c.describe(name);
    }

    private TableReader reader(SnapshotTable table) {
        TableReader r = readers.get(table.name());
        if (r == null) {
            r = new TableReader(table, options, settings.chunkSize());
            readers.put(table.name(), r);
            if (!table.hasKey()) {
                LOG.warn("{}: {} has neither a primary key nor a unique key of NOT NULL columns: it is read in one "
                        + "full scan (a restart continues after the number of rows already emitted)", destination,
                        table.name());
            } else if (table.keySource() == SnapshotTable.KeySource.UNIQUE) {
                LOG.info("{}: {} has no primary key; paging it by unique key {}", destination, table.name(),
                        table.key().stream().map(SnapshotTable.KeyColumn::name).toList());
            }
        }
        return r;
    }
}
