package io.sluice.server.parser;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.network.ServerException;
import io.sluice.server.parser.event.BinlogEventDeserializer;
import io.sluice.server.parser.event.BinlogFormatException;
import io.sluice.server.parser.schema.SchemaHistory;
import io.sluice.server.parser.schema.ZooKeeperSchemaHistoryStore;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.sink.EntrySink;
import io.sluice.server.sink.TableFilter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The binlog parser of one destination: a replica of the master over mysql-binlog-connector-java that turns the
 * stream into canal entries and puts them, transaction by transaction, into the sink.
 *
 * <p>It runs on its own thread. Each connection checks the master (row format, grants), decides where to start
 * (the resume point, else the configured journal position / GTID set / timestamp, else the master's current
 * position), and reads until the connection breaks. It then reconnects with exponential backoff at the resume
 * point of the last entry it put, so the sink gets nothing twice and misses nothing. Failures a reconnect
 * cannot cure (purged position, statement format, missing grant, undecodable event) stop it with a
 * {@link ParserException} in its status.
 */
public final class BinlogParser implements ChangeSource {

    private static final Logger log = LoggerFactory.getLogger(BinlogParser.class);
    private static final int ER_MASTER_FATAL_ERROR_READING_BINLOG = 1236;
    private static final int ER_SPECIFIC_ACCESS_DENIED = 1227;

    private final ParserSettings settings;
    private final SchemaHistory history;
    private final TableFilter filter;
    private final EntrySink sink;
    private final long serverId;
    private final ParserCounters counters = new ParserCounters();

    private volatile Thread thread;
    private volatile boolean stopping;
    private volatile BinaryLogClient client;
    private volatile ParserStatus.State state = ParserStatus.State.NEW;
    private volatile String lastError;
    private volatile ParserException failure;
    private volatile ResumePoint lastPut;
    private volatile TransactionBuffer buffer;
    /** Whether this run's first session has dropped the history versions older than its start. */
    private boolean forgotten;

    public BinlogParser(ParserSettings settings, SchemaHistory history, TableFilter filter, EntrySink sink) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.history = Objects.requireNonNull(history, "history");
        this.filter = Objects.requireNonNull(filter, "filter");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.serverId = settings.slaveId() > 0 ? settings.slaveId() : derivedSlaveId(settings.destination());
    }

    @Override
    public synchronized void start(ResumePoint resume) {
        if (thread != null) {
            throw new IllegalStateException("parser of " + settings.destination() + " already started");
        }
        stopping = false;
        state = ParserStatus.State.CONNECTING;
        lastPut = resume;
        Thread t = new Thread(() -> run(resume), "sluice-parser-" + settings.destination());
        thread = t;
        t.start();
    }

    @Override
    public void stop() {
        Thread t;
        synchronized (this) {
            t = thread;
            if (t == null) {
                return;
            }
            stopping = true;
        }
        t.interrupt(); // unblocks a put into a full store and a backoff sleep
        BinaryLogClient c = client;
        if (c != null) {
            disconnect(c);
        }
        try {
            t.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            thread = null;
        }
    }

    @Override
    public boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive() && state != ParserStatus.State.FAILED;
    }

    /** The failure that stopped the parser for good, or null. */
    public ParserException failure() {
        return failure;
    }

    public long serverId() {
        return serverId;
    }

    public ParserStatus status() {
        TransactionBuffer b = buffer;
        return new ParserStatus(state, counters.position, b != null ? b.lastPut() : lastPut, counters.lastEventMillis,
                counters.rows, counters.transactions, totalPut + (b != null ? b.entriesPut() : 0), counters.reconnects,
                lastError);
    }

    private long totalPut;

    private void run(ResumePoint resume) {
        forgotten = false;
        ResumePoint next = resume;
        Duration delay = settings.reconnectMin();
        while (!stopping) {
            long putBefore = counters.transactions;
            try {
                try {
                    next = session(next);
                } catch (ZooKeeperSchemaHistoryStore.SchemaHistoryFencedException e) {
                    throw fenced(e); // at the start (seed, rewind); during the stream it comes through classify
                }
                if (stopping) {
                    break;
                }
                lastError = "master " + address() + " closed the replication connection";
                log.warn("{}: {}; reconnecting at {}", settings.destination(), lastError, next);
            } catch (ParserException e) {
                ResumePoint latest = e instanceof BinlogPurgedException && settings.autoResetToLatest()
                        ? latestInsteadOfPurged(e) : null;
                if (latest == null) {
                    failure = e;
                    lastError = e.getMessage();
                    state = ParserStatus.State.FAILED;
                    log.error("{}: parser stopped: {}", settings.destination(), e.getMessage());
                    return;
                }
                lastPut = latest;
            } catch (InterruptedException e) {
                break;
            } catch (Exception e) {
                if (stopping) {
                    break;
                }
                lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
                // before the first position is known the next attempt starts where the configuration says
                log.warn("{}: replication from {} interrupted ({}); reconnecting {} in {} ms",
                        settings.destination(), address(), lastError,
                        lastPut == null ? "from the configured start" : "at " + lastPut, delay.toMillis());
            } finally {
                TransactionBuffer b = buffer;
                if (b != null) {
                    totalPut += b.entriesPut();
                    buffer = null;
                }
            }
            next = lastPut;
            if (counters.transactions > putBefore) {
                delay = settings.reconnectMin(); // the last connection worked: start the backoff over
            }
            state = ParserStatus.State.RECONNECTING;
            counters.reconnects++;
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                break;
            }
            delay = delay.multipliedBy(2).compareTo(settings.reconnectMax()) > 0 ? settings.reconnectMax() : delay.multipliedBy(2);
        }
        state = failure != null ? ParserStatus.State.FAILED : ParserStatus.State.STOPPED;
    }

    /**
     * canal.auto.reset.latest.pos.mode, as canal means it: the master's current position replaces a purged one,
     * with one ERROR saying what is lost. Null when that position cannot be read (the purge error then stands).
     */
    private ResumePoint latestInsteadOfPurged(ParserException purged) {
        try (MasterConnection master = MasterConnection.open(settings)) {
            BinlogPosition latest = master.currentPosition();
            lastError = purged.getMessage();
            log.error("{}: {}; canal.auto.reset.latest.pos.mode=true: continuing at the master's current position "
                    + "{}, every change in between is lost", settings.destination(), purged.getMessage(), latest);
            return ResumePoint.at(latest);
        } catch (Exception e) {
            log.error("{}: canal.auto.reset.latest.pos.mode=true but the master's current position cannot be read: {}",
                    settings.destination(), e.getMessage());
            return null;
        }
    }

    /** One replication connection, from {@code resume} until it breaks. Returns where to continue. */
    private ResumePoint session(ResumePoint resume) throws Exception {
        state = ParserStatus.State.CONNECTING;
        try (MasterConnection master = MasterConnection.open(settings)) {
            master.checkRowFormat(settings.binlogImages());
            ResumePoint start = resume != null ? resume : ResumePoint.at(firstStart(master));
            if (settings.gtidMode() && start.position().gtidSet().isEmpty() && !start.position().file().isEmpty()) {
                BinlogPosition withGtids = new BinlogScanner(settings).withGtidSet(start.position().file(), start.position().offset());
                start = new ResumePoint(withGtids.withGtidSet(withGtids.gtidSet()), start.skipEntries());
            }
            lastPut = start;
            final ResumePoint from = start;
            history.useServerVersion(master.version());
            if (history.isEmpty()) {
                seed(master, start.position());
            }
            history.rewindTo(start.position());
            if (!forgotten) {
                // the start of this parser is the destination's acked position (or its configured one), before
                // which no later start goes; a reconnect's start is only what was put, so it forgets nothing
                history.forgetBefore(start.position());
                forgotten = true;
            }

            TransactionBuffer out = new TransactionBuffer(sink, settings.transactionSize(), start);
            buffer = out;
            EventConverter converter = new EventConverter(settings.gtidMode(), settings.valueOptions(), history, filter,
                    TableStructureSource.of(master, log), out, counters, start.position());
            BinaryLogClient c = newClient(start.position());
            AtomicReference<Throwable> broken = new AtomicReference<>();
            c.registerEventListener(event -> {
                if (broken.get() != null) {
                    return;
                }
                try {
                    converter.accept(event);
                    lastPut = out.lastPut();
                } catch (Throwable t) {
                    broken.compareAndSet(null, t);
                    disconnect(c);
                }
            });
            c.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
                @Override
                public void onConnect(BinaryLogClient connected) {
                    state = ParserStatus.State.STREAMING;
                    log.info("{}: replicating from {} ({}) as server id {} at {} over {}", settings.destination(),
                            address(), master.version(), serverId, from, settings.transport().replicationTransport());
                }

                @Override
                public void onCommunicationFailure(BinaryLogClient failed, Exception ex) {
                    broken.compareAndSet(null, ex);
                }

                @Override
                public void onEventDeserializationFailure(BinaryLogClient failed, Exception ex) {
                    // the connector would skip the event and go on: that loses data, so stop here
                    broken.compareAndSet(null, new BinlogFormatException("undecodable event: " + ex.getMessage(), ex));
                    disconnect(failed);
                }
            });
            client = c;
            try {
                if (stopping) {
                    return start;
                }
                c.connect();
            } catch (IOException | RuntimeException e) {
                MasterTransportException refused = settings.transport().explain(e);
                if (refused != null) {
                    throw new ParserException(refused.getMessage(), refused);
                }
                throw e;
            } finally {
                client = null;
            }
            lastPut = out.lastPut();
            Throwable t = broken.get();
            if (stopping || t instanceof InterruptedException) {
                throw new InterruptedException("stopped");
            }
            if (t != null) {
                throw classify(t, start);
            }
            return lastPut;
        }
    }

    /** Another server runs the destination now: reconnecting would only fail the same way. */
    private ParserException fenced(ZooKeeperSchemaHistoryStore.SchemaHistoryFencedException e) {
        return new ParserException(e.getMessage(), e);
    }

    /** Turns what broke a connection into a fatal ParserException or a transient exception to reconnect after. */
    private Exception classify(Throwable t, ResumePoint start) {
        if (t instanceof ParserException p) {
            return p;
        }
        MasterTransportException refused = settings.transport().explain(t);
        if (refused != null) {
            return new ParserException(refused.getMessage(), refused);
        }
        if (t instanceof ZooKeeperSchemaHistoryStore.SchemaHistoryFencedException fenced) {
            return fenced(fenced);
        }
        if (t instanceof BinlogFormatException f) {
            return new ParserException("cannot decode the binlog of " + address() + ": " + f.getMessage(), f);
        }
        if (t instanceof ServerException s) {
            String message = s.getMessage() == null ? "" : s.getMessage();
            if (message.contains("same server_uuid/server_id") || message.contains("same server_id")) {
                log.warn("{}: {} dropped this replica because another replica connected with the same server id {}; "
                        + "set canal.instance.mysql.slaveId to a value no other replica of this master uses",
                        settings.destination(), address(), serverId);
                return new IOException("server id " + serverId + " taken over by another replica");
            }
            if (s.getErrorCode() == ER_SPECIFIC_ACCESS_DENIED || message.contains("REPLICATION SLAVE")) {
                return new ReplicationPrivilegeException("'" + settings.username() + "' may not read the binlog of "
                        + address() + ": " + message + "; GRANT REPLICATION SLAVE ON *.* TO '" + settings.username()
                        + "'@'%'", s);
            }
            if (s.getErrorCode() == ER_MASTER_FATAL_ERROR_READING_BINLOG) {
                return purged(start, s);
            }
            return new IOException("master " + address() + " error " + s.getErrorCode() + ": " + message, s);
        }
        if (t instanceof Exception e) {
            return e;
        }
        return new ParserException("parser thread failed: " + t, t);
    }

    private Exception purged(ResumePoint start, ServerException s) {
        String oldest = "unknown";
        try (MasterConnection master = MasterConnection.open(settings)) {
            List<String> files = master.binaryLogs();
            oldest = files.isEmpty() ? "none" : files.get(0) + ":4";
        } catch (SQLException | RuntimeException e) {
            oldest = "unknown (" + e.getMessage() + ")";
        }
        BinlogPosition p = start.position();
        String requested = settings.gtidMode() && p.hasGtidSet() ? "GTID set " + p.gtidSet() : p.file() + ":" + p.offset();
        String message = s.getMessage() == null ? "" : s.getMessage();
        String lower = message.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("purged") || lower.contains("could not find first log file")
                || lower.contains("could not find gtid state") || lower.contains("not in the master's binlog")) {
            return new BinlogPurgedException("requested position " + requested + " is no longer on master " + address()
                    + "; the oldest binlog available is " + oldest + " (SHOW BINARY LOGS). Master said: " + message, s);
        }
        return new ParserException("master " + address() + " cannot send the binlog from " + requested + ": " + message
                + " (oldest available: " + oldest + ")", s);
    }

    /** canal's first-start order: GTID set (gtidon), journal file+position, timestamp, else the current position. */
    private BinlogPosition firstStart(MasterConnection master) throws Exception {
        if (settings.gtidMode() && !settings.journalGtid().isEmpty()) {
            return new BinlogPosition(settings.journalName(), 4, settings.journalGtid(), 0, 0);
        }
        if (!settings.journalName().isEmpty() && settings.journalPosition() >= 0) {
            return BinlogPosition.of(settings.journalName(), Math.max(4, settings.journalPosition()));
        }
        if (settings.journalTimestamp() > 0) {
            BinlogPosition at = new BinlogScanner(settings).atTimestamp(master, settings.journalTimestamp());
            if (at != null) {
                log.info("{}: first transaction at or after {} starts at {}", settings.destination(),
                        java.time.Instant.ofEpochMilli(settings.journalTimestamp()), at);
                return at;
            }
            log.info("{}: no transaction at or after {} yet; starting at the master's current position",
                    settings.destination(), java.time.Instant.ofEpochMilli(settings.journalTimestamp()));
        }
        BinlogPosition current = master.currentPosition();
        return settings.gtidMode() ? current : current.withGtidSet("");
    }

    /** First start: the structures of the filtered tables as the master has them now. */
    private void seed(MasterConnection master, BinlogPosition at) throws SQLException {
        for (Map.Entry<String, String> db : master.databaseCharsets().entrySet()) {
            history.seedDatabase(at, db.getKey(), db.getValue());
        }
        Map<String[], String> ddls = new java.util.LinkedHashMap<>();
        for (String[] t : master.tables(filter)) {
            String ddl = master.showCreateTable(t[0], t[1]);
            if (ddl != null) {
                ddls.put(t, ddl);
            }
        }
        // read after the structures: they are the tables' own from there on (TableProof); when the start is older,
        // rows before it are flagged as unverified, since a DDL in between would make them another table's
        BinlogPosition masterAt = TableStructureSource.of(master, log).currentPosition();
        int tables = 0;
        for (Map.Entry<String[], String> t : ddls.entrySet()) {
            if (history.seedTable(at, t.getKey()[0], t.getKey()[1], t.getValue(), masterAt) != null) {
                tables++;
            }
        }
        boolean ahead = masterAt == null || BinlogPosition.of(masterAt.file(), masterAt.offset())
                .compareTo(BinlogPosition.of(at.file(), at.offset())) > 0;
        log.info("{}: schema history seeded with {} table structures from {} at {}{}", settings.destination(), tables,
                address(), at, ahead ? "; read at the master's " + (masterAt == null ? "unknown position"
                        : masterAt.file() + ":" + masterAt.offset()) + ", so not proven before it" : "");
    }

    private BinaryLogClient newClient(BinlogPosition start) {
        BinaryLogClient c = new BinaryLogClient(settings.host(), settings.port(), settings.username(), settings.password());
        c.setServerId(serverId);
        c.setKeepAlive(false); // reconnection is ours: it must resume at our position, not the connector's
        c.setConnectTimeout(settings.connectTimeout().toMillis());
        c.setEventDeserializer(new BinlogEventDeserializer(settings.connectionCharset()));
        c.setUseSendAnnotateRowsEvent(true);
        settings.transport().applyTo(c);
        if (!settings.heartbeatPeriod().isZero()) {
            c.setHeartbeatInterval(settings.heartbeatPeriod().toMillis());
        }
        int soTimeout = (int) Math.min(Integer.MAX_VALUE, settings.readTimeout().toMillis());
        c.setSocketFactory(() -> {
            Socket s = new Socket();
            s.setSoTimeout(soTimeout); // with heartbeats flowing, silence this long means the master is gone
            s.setKeepAlive(true);
            // canal.instance.network.*BufferSize; unset (0) leaves the operating system's automatic sizing
            if (settings.receiveBufferSize() > 0) {
                s.setReceiveBufferSize(settings.receiveBufferSize());
            }
            if (settings.sendBufferSize() > 0) {
                s.setSendBufferSize(settings.sendBufferSize());
            }
            return s;
        });
        if (settings.gtidMode() && start.hasGtidSet()) {
            c.setGtidSet(start.gtidSet());
        } else {
            c.setBinlogFilename(start.file());
            c.setBinlogPosition(start.offset());
        }
        return c;
    }

    private static void disconnect(BinaryLogClient c) {
        try {
            c.disconnect();
        } catch (IOException e) {
            log.debug("closing the replication connection: {}", e.getMessage());
        }
    }

    private String address() {
        return settings.host() + ":" + settings.port();
    }

    /**
     * canal's default for an unset {@code slaveId}: {@code ((destination.hashCode() & 0x7f) << 24)} plus the low
     * three bytes of this host's address, which keeps ids of different destinations and hosts apart.
     */
    static long derivedSlaveId(String destination) {
        long host;
        try {
            byte[] a = InetAddress.getLocalHost().getAddress();
            host = ((a[a.length - 3] & 0xFFL) << 16) | ((a[a.length - 2] & 0xFFL) << 8) | (a[a.length - 1] & 0xFFL);
        } catch (IOException e) {
            host = ThreadLocalRandom.current().nextLong(1, 1 << 24);
        }
        long id = ((long) (destination.hashCode() & 0x7f) << 24) + host;
        return id == 0 ? 1 : id;
    }
}
