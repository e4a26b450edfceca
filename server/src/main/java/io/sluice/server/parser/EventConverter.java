package io.sluice.server.parser;

import com.github.shyiko.mysql.binlog.event.AnnotateRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.FormatDescriptionEventData;
import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;
import com.github.shyiko.mysql.binlog.event.MariadbGtidListEventData;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.RowsQueryEventData;
import com.github.shyiko.mysql.binlog.event.TransactionPayloadEventData;
import com.github.shyiko.mysql.binlog.event.XidEventData;
import com.google.protobuf.MessageLite;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.EntryType;
import io.sluice.protocol.entry.CanalEntry.EventType;
import io.sluice.server.entry.EntryEncoder;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.entry.WireBuffer;
import io.sluice.server.parser.event.BinlogEventHeader;
import io.sluice.server.parser.event.BinlogEventTypes;
import io.sluice.server.parser.event.PreviousGtidsData;
import io.sluice.server.parser.event.RowsEventData;
import io.sluice.server.parser.event.TableMapData;
import io.sluice.server.parser.event.TaggedGtidData;
import io.sluice.server.parser.schema.DdlClassifier;
import io.sluice.server.parser.schema.DdlTarget;
import io.sluice.server.parser.schema.SchemaHistory;
import io.sluice.server.parser.schema.TableStructure;
import io.sluice.server.parser.value.RowImageDecoder;
import io.sluice.server.parser.value.TemporalText;
import io.sluice.server.parser.value.ValueOptions;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.sink.TableFilter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one binlog stream's events into canal entries (CANAL-PROTOCOL.md §3.3): BEGIN/END around each
 * transaction, one ROWDATA entry per rows event, DDL and QUERY entries, with canal's header and Sluice's resume
 * points. The same instance logic serves the live connection and file reading.
 *
 * <p>A <em>unit</em> is what a restart can begin at: a transaction, or a statement outside one (DDL). Every entry
 * a unit would produce is numbered from 1, whether or not its table passes the filter, so that a resume point's
 * {@code skipEntries} means the same thing however the filter changes.
 */
final class EventConverter {

    private static final Logger log = LoggerFactory.getLogger(EventConverter.class);
    private static final String UTF_8 = "UTF-8";
    private static final int MARIADB_FL_STANDALONE = 1;
    /** A rows event is at most binlog_row_event_max_size (8 KiB by default) and encodes to about as much. */
    private static final int RETAINED_ROWS_BUFFER = 1 << 20;

    private final boolean gtidMode;
    private final ValueOptions options;
    private final TemporalText temporal;
    private final SchemaHistory history;
    private final TableFilter filter;
    private final TableStructureSource master;
    private final TransactionBuffer out;
    private final ParserCounters counters;

    private final Map<Long, TableMapData> tableMaps = new HashMap<>();
    private final Map<Long, RowImageDecoder> decoders = new HashMap<>();
    private final Set<Long> filteredTables = new HashSet<>();
    private final StructureCheck check;
    /** Where each rows event's RowChange is written before it is copied into its entry's exact-size array. */
    private WireBuffer rowsBuffer = new WireBuffer(64 * 1024);
    private final Set<String> warned = new HashSet<>();
    /** Tables (schema.table) touched by a DDL the history could not apply: re-read before decoding their rows. */
    private final Set<String> stale = new HashSet<>();
    /**
     * Counts DDL the history could not apply and whose tables are unknown; a table re-read at a lower count is
     * re-read again (once) before its rows are decoded.
     */
    private int unknownDdl;
    private final Map<String, Integer> rereadAt = new HashMap<>();

    private String file;
    /** Position after the last complete unit, with the GTID set executed up to it: where a unit starts. */
    private BinlogPosition boundary;
    private final GtidSetText executed;
    private String currentGtid = "";
    private String currentGtidSn = "";
    private String currentGtidLct = "";

    private boolean inUnit;
    private BinlogPosition unitStart;
    /** Start of the GTID event announcing the next unit, -1 when none: the unit's first event. */
    private long gtidEventStart = -1;
    private int ordinal;

    EventConverter(boolean gtidMode, ValueOptions options, SchemaHistory history, TableFilter filter,
                   TableStructureSource master, TransactionBuffer out, ParserCounters counters, BinlogPosition start) {
        this.gtidMode = gtidMode;
        this.options = options;
        this.temporal = new TemporalText(options.timeZone());
        this.history = history;
        this.check = new StructureCheck(history);
        this.filter = filter;
        this.master = master;
        this.out = out;
        this.counters = counters;
        this.file = start.file();
        this.boundary = start;
        this.executed = new GtidSetText(start.gtidSet());
    }

    /** Where the next unit starts (file, offset and the GTID set executed before it). */
    BinlogPosition boundary() {
        return boundary;
    }

    private static boolean isFileHousekeeping(int type) {
        return type == BinlogEventTypes.FORMAT_DESCRIPTION || type == BinlogEventTypes.ROTATE
                || type == BinlogEventTypes.PREVIOUS_GTIDS || type == BinlogEventTypes.MARIADB_GTID_LIST
                || type == BinlogEventTypes.BINLOG_CHECKPOINT;
    }

    boolean inUnit() {
        return inUnit;
    }

    void accept(Event event) throws InterruptedException {
        BinlogEventHeader h = (BinlogEventHeader) event.getHeader();
        if (h.typeCode() == BinlogEventTypes.HEARTBEAT || h.typeCode() == BinlogEventTypes.HEARTBEAT_V2) {
            counters.lastEventMillis = System.currentTimeMillis(); // the master had nothing newer to send: caught up
        } else if (h.getTimestamp() > 0 && !isFileHousekeeping(h.typeCode())) {
            // artificial events (rotate on connect) carry 0, and a file's opening events carry the time the file
            // was opened, not the time of any change: neither says how far behind the master we are
            counters.lastEventMillis = h.getTimestamp();
        }
        switch (h.typeCode()) {
            case BinlogEventTypes.ROTATE -> rotate(h, (RotateEventData) event.getData());
            case BinlogEventTypes.FORMAT_DESCRIPTION -> {
                // the server that wrote this file decides how its column types are spelt (int(11) or int)
                if (event.getData() instanceof FormatDescriptionEventData fde
                        && history.useServerVersion(fde.getServerVersion())) {
                    invalidateDecoders();
                }
            }
            case BinlogEventTypes.STOP, BinlogEventTypes.HEARTBEAT,
                 BinlogEventTypes.HEARTBEAT_V2, BinlogEventTypes.BINLOG_CHECKPOINT, BinlogEventTypes.ANONYMOUS_GTID,
                 BinlogEventTypes.INTVAR, BinlogEventTypes.RAND, BinlogEventTypes.USER_VAR -> {
                if (h.typeCode() == BinlogEventTypes.ANONYMOUS_GTID && !inUnit) {
                    currentGtid = "";
                    gtidEventStart = h.startOffset();
                }
            }
            case BinlogEventTypes.PREVIOUS_GTIDS -> {
                if (executed.isEmpty() && event.getData() instanceof PreviousGtidsData previous) {
                    executed.reset(previous.gtidSet());
                    boundary = boundary.withGtidSet(executed.toString());
                }
            }
            case BinlogEventTypes.MARIADB_GTID_LIST -> {
                if (executed.isEmpty() && event.getData() instanceof MariadbGtidListEventData list
                        && list.getMariaGTIDSet() != null) {
                    executed.reset(list.getMariaGTIDSet().toString());
                    boundary = boundary.withGtidSet(executed.toString());
                }
            }
            case BinlogEventTypes.GTID -> {
                GtidEventData g = (GtidEventData) event.getData();
                markGtidEvent(h);
                gtid(g.getMySqlGtid().toString(), Long.toString(g.getSequenceNumber()), Long.toString(g.getLastCommitted()));
            }
            case BinlogEventTypes.GTID_TAGGED -> {
                TaggedGtidData g = (TaggedGtidData) event.getData();
                markGtidEvent(h);
                gtid(g.gtid(), Long.toString(g.sequenceNumber()), Long.toString(g.lastCommitted()));
            }
            case BinlogEventTypes.MARIADB_GTID -> mariadbGtid(h, (MariadbGtidEventData) event.getData());
            case BinlogEventTypes.QUERY, BinlogEventTypes.QUERY_COMPRESSED -> query(h, (QueryEventData) event.getData());
            case BinlogEventTypes.XID -> end(h, Long.toUnsignedString(((XidEventData) event.getData()).getXid()), null);
            case BinlogEventTypes.XA_PREPARE -> {
                // MySQL/MariaDB XA PREPARE closes the prepared part; the decision comes later as its own query
                if (inUnit) {
                    closeUnit(h);
                }
            }
            case BinlogEventTypes.TABLE_MAP -> tableMap((TableMapData) event.getData(), h);
            case BinlogEventTypes.ROWS_QUERY -> rowsQuery(h, ((RowsQueryEventData) event.getData()).getQuery(), true);
            case BinlogEventTypes.ANNOTATE_ROWS -> rowsQuery(h, ((AnnotateRowsEventData) event.getData()).getRowsQuery(), false);
            case BinlogEventTypes.TRANSACTION_PAYLOAD -> {
                for (Event inner : ((TransactionPayloadEventData) event.getData()).getUncompressedEvents()) {
                    accept(inner);
                }
            }
            default -> {
                if (event.getData() instanceof RowsEventData rows) {
                    rows(h, rows);
                }
            }
        }
    }

    private void rotate(BinlogEventHeader h, RotateEventData rotate) {
        file = rotate.getBinlogFilename();
        if (!inUnit) {
            boundary = new BinlogPosition(file, rotate.getBinlogPosition(), executed.toString(), h.getServerId(),
                    boundary.timestampMillis());
        }
    }

    private void markGtidEvent(BinlogEventHeader h) {
        if (!inUnit) {
            gtidEventStart = h.startOffset();
        }
    }

    private void gtid(String gtid, String sequenceNumber, String lastCommitted) {
        currentGtid = gtid;
        currentGtidSn = sequenceNumber;
        currentGtidLct = lastCommitted;
        executed.add(gtid);
    }

    private void mariadbGtid(BinlogEventHeader h, MariadbGtidEventData g) throws InterruptedException {
        String gtid = g.getDomainId() + "-" + h.getServerId() + "-" + g.getSequence();
        markGtidEvent(h);
        currentGtid = gtid;
        currentGtidSn = "";
        currentGtidLct = "";
        executed.add(gtid);
        if ((g.getFlags() & MARIADB_FL_STANDALONE) != 0) {
            return; // a DDL or another statement that is its own unit; no BEGIN for it
        }
        // MariaDB replaces BEGIN with the GTID event for replicas that understand GTIDs
        openUnit(h);
        CanalEntry.TransactionBegin begin = CanalEntry.TransactionBegin.newBuilder().build();
        add(h, EntryType.TRANSACTIONBEGIN, null, "", "", begin, StoredEntry.Kind.TRANSACTION_BEGIN, -1, false);
    }

    private void query(BinlogEventHeader h, QueryEventData q) throws InterruptedException {
        String sql = q.getSql();
        String trimmed = sql.trim();
        String upper = trimmed.length() > 16 ? trimmed.substring(0, 16).toUpperCase(Locale.ROOT) : trimmed.toUpperCase(Locale.ROOT);
        if (upper.startsWith("XA START")) {
            if (inUnit) {
                return; // MariaDB: the GTID event flagged prepared_xa already began it
            }
            openUnit(h);
            CanalEntry.TransactionBegin begin = CanalEntry.TransactionBegin.newBuilder().setThreadId(q.getThreadId())
                    .addProps(pair("XA_TYPE", "XA START")).addProps(pair("XA_XID", after(trimmed, "XA START"))).build();
            add(h, EntryType.TRANSACTIONBEGIN, null, "", "", begin, StoredEntry.Kind.TRANSACTION_BEGIN, -1, false);
            return;
        }
        if (upper.startsWith("XA END")) {
            end(h, "0", List.of(pair("XA_TYPE", "XA END"), pair("XA_XID", after(trimmed, "XA END"))));
            return;
        }
        if (upper.startsWith("XA COMMIT") || upper.startsWith("XA ROLLBACK")) {
            String type = upper.startsWith("XA COMMIT") ? "XA COMMIT" : "XA ROLLBACK";
            boolean own = !inUnit;
            if (own) {
                openUnit(h);
            }
            CanalEntry.RowChange change = CanalEntry.RowChange.newBuilder().setSql(sql)
                    .addProps(pair("XA_TYPE", type)).addProps(pair("XA_XID", after(trimmed, type)))
                    .setEventType(type.equals("XA COMMIT") ? EventType.XACOMMIT : EventType.XAROLLBACK).build();
            add(h, EntryType.ROWDATA, change.getEventType(), "", "", change, StoredEntry.Kind.QUERY, -1, own);
            if (own) {
                closeUnit(h);
            }
            return;
        }
        if (upper.equals("BEGIN") || upper.endsWith(" BEGIN")) {
            if (inUnit) {
                return; // MariaDB: the GTID event already began it
            }
            openUnit(h);
            CanalEntry.TransactionBegin begin = CanalEntry.TransactionBegin.newBuilder().setThreadId(q.getThreadId()).build();
            add(h, EntryType.TRANSACTIONBEGIN, null, "", "", begin, StoredEntry.Kind.TRANSACTION_BEGIN, -1, false);
            return;
        }
        if (upper.equals("COMMIT") || upper.equals("ROLLBACK")) {
            // transactions that touched non-transactional tables end with a COMMIT (or ROLLBACK) query, no XID
            end(h, "0", null);
            return;
        }
        statement(h, q, sql);
    }

    /** Any other statement: DDL, or a statement canal reports as a QUERY entry (GRANT, SAVEPOINT, ...). */
    private void statement(BinlogEventHeader h, QueryEventData q, String sql) throws InterruptedException {
        String db = q.getDatabase();
        List<DdlTarget> targets = DdlClassifier.classify(sql, db);
        DdlTarget first = targets.isEmpty() ? null : targets.get(0);
        if (first != null && first.isDml()) {
            throw new UnsupportedBinlogFormatException("statement-logged " + first.type() + " at " + file + ":"
                    + h.startOffset() + " (" + abbreviate(sql) + "): the master writes statement-based events; set "
                    + "binlog_format=ROW (SET GLOBAL binlog_format='ROW' and in the server configuration)");
        }
        boolean own = !inUnit;
        if (own) {
            openUnit(h);
        }
        BinlogPosition end = new BinlogPosition(file, h.getNextPosition(), executed.toString(), h.getServerId(),
                h.getTimestamp());
        EventType type = first == null ? EventType.QUERY : first.type();
        if (isSchemaChange(sql, first)) {
            SchemaHistory.DdlApplication applied = history.apply(end, db, sql);
            invalidateDecoders();
            if (!applied.understood()) {
                warnOnce("ddl:" + sql.hashCode(), "cannot understand DDL at " + file + ":" + h.startOffset()
                        + ", table structures will be re-read from the master when rows need them: " + abbreviate(sql));
                boolean named = false;
                for (DdlTarget t : applied.targets()) {
                    if (t.table() != null && t.schema() != null) {
                        stale.add(staleKey(t.schema(), t.table()));
                        named = true;
                    }
                }
                if (!named) {
                    unknownDdl++;
                }
            }
        }
        CanalEntry.RowChange.Builder change = CanalEntry.RowChange.newBuilder()
                .setIsDdl(true).setSql(sql).setEventType(type);
        if (db != null && !db.isEmpty()) {
            change.setDdlSchemaName(db);
        }
        StoredEntry.Kind kind = type == EventType.QUERY ? StoredEntry.Kind.QUERY : StoredEntry.Kind.DDL;
        add(h, EntryType.ROWDATA, type, first == null ? null : first.schema(), first == null ? null : first.table(),
                change.build(), kind, -1, own);
        if (own) {
            closeUnit(h);
        }
    }

    private static boolean isSchemaChange(String sql, DdlTarget first) {
        if (first != null) {
            return first.type() != EventType.QUERY || first.table() == null; // table DDL, CREATE/DROP DATABASE
        }
        String s = sql.trim().toUpperCase(Locale.ROOT);
        while (s.startsWith("/*")) {
            int close = s.indexOf("*/");
            s = close < 0 ? "" : s.substring(close + 2).trim();
        }
        // not parsed by Druid: only a schema change matters to the history
        return s.startsWith("CREATE") || s.startsWith("ALTER") || s.startsWith("DROP") || s.startsWith("RENAME")
                || s.startsWith("TRUNCATE");
    }

    private void rowsQuery(BinlogEventHeader h, String sql, boolean mysql) throws InterruptedException {
        String table = "";
        if (mysql) {
            List<DdlTarget> targets = DdlClassifier.classify(sql, null);
            if (!targets.isEmpty() && targets.get(0).table() != null) {
                table = targets.get(0).table();
            }
        }
        boolean own = !inUnit;
        if (own) {
            openUnit(h);
        }
        CanalEntry.RowChange change = CanalEntry.RowChange.newBuilder().setSql(sql).setEventType(EventType.QUERY).build();
        add(h, EntryType.ROWDATA, EventType.QUERY, "", table, change, StoredEntry.Kind.QUERY, -1, false);
    }

    private void tableMap(TableMapData map, BinlogEventHeader h) {
        TableMapData old = tableMaps.put(map.tableId(), map);
        if (old != null && old.sameLayout(map) && (decoders.containsKey(map.tableId()) || filteredTables.contains(map.tableId()))) {
            return;
        }
        decoders.remove(map.tableId());
        filteredTables.remove(map.tableId());
        if (!filter.accepts(map.schema(), map.table())) {
            filteredTables.add(map.tableId());
        }
    }

    private RowImageDecoder decoder(TableMapData map, BinlogEventHeader h) {
        RowImageDecoder d = decoders.get(map.tableId());
        if (d != null) {
            return d;
        }
        TableStructure structure = history.find(map.schema(), map.table());
        String key = staleKey(map.schema(), map.table());
        boolean reread = stale.remove(key) | rereadAt.getOrDefault(key, 0) < unknownDdl;
        if (reread && master != null) {
            rereadAt.put(key, unknownDdl);
            TableStructure fresh = reread(map, h);
            structure = fresh != null ? fresh : structure;
        }
        TableStructure disagreed = structure != null && map.hasColumnNames() && !StructureCheck.matches(map, structure)
                ? structure : null;
        if (structure == null || !StructureCheck.matches(map, structure)) {
            TableStructure fresh = reread(map, h);
            if (fresh != null) {
                structure = fresh;
            } else {
                if (!map.hasColumnNames()) {
                    warnOnce("structure:" + map.schema() + "." + map.table() + ":" + map.columnCount(),
                            "no known structure of " + map.schema() + "." + map.table() + " fits its rows at " + file + ":"
                                    + h.startOffset() + " (" + map.columnCount() + " columns); decoding with binlog types only");
                }
                structure = null;
            }
        }
        if (disagreed != null) {
            // binlog_row_metadata=FULL: the event names its columns, and the history's structure is not this one
            warnOnce("names:" + staleKey(map.schema(), map.table()), "the schema history's structure of "
                    + map.schema() + "." + map.table() + " (" + StructureCheck.names(disagreed) + ") does not match "
                    + "the columns the binlog names at " + file + ":" + h.startOffset() + " (" + String.join(", ",
                    map.columnNames()) + "); decoding with " + (structure != null
                    ? "the master's current structure, which matches them"
                    : "the binlog's column names and types (no mysqlType)"));
        }
        d = RowImageDecoder.create(map, structure, options, temporal);
        decoders.put(map.tableId(), d);
        check.chosen(map, structure);
        return d;
    }

    private TableStructure reread(TableMapData map, BinlogEventHeader h) {
        if (master == null) {
            return null;
        }
        String ddl = master.showCreateTable(map.schema(), map.table());
        if (ddl == null) {
            check.reread(map.schema(), map.table(), null);
            return null;
        }
        // read after the structure: a DDL between the two reaches the stream after this version and replaces it
        BinlogPosition masterAt = master.currentPosition();
        check.reread(map.schema(), map.table(), masterAt);
        TableStructure structure = history.seedTable(new BinlogPosition(file, h.startOffset(), boundary.gtidSet(),
                h.getServerId(), h.getTimestamp()), map.schema(), map.table(), ddl, masterAt);
        if (structure != null && StructureCheck.matches(map, structure)) {
            log.info("re-read the structure of {}.{} from the master at {}:{}", map.schema(), map.table(), file,
                    h.startOffset());
            return structure;
        }
        return null;
    }

    private void rows(BinlogEventHeader h, RowsEventData rows) throws InterruptedException {
        boolean own = !inUnit;
        if (own) {
            openUnit(h); // rows without BEGIN: a stream that started inside a transaction
        }
        if (filteredTables.contains(rows.tableId())) {
            ordinal++; // numbered as if put, so skip counts do not depend on the filter
            return;
        }
        TableMapData map = tableMaps.get(rows.tableId());
        if (map == null) {
            throw new ParserException("rows event at " + file + ":" + h.startOffset() + " for table id "
                    + rows.tableId() + " without its TABLE_MAP; the stream must start at a transaction boundary");
        }
        EventType type = switch (rows.kind()) {
            case INSERT -> EventType.INSERT;
            case UPDATE -> EventType.UPDATE;
            case DELETE -> EventType.DELETE;
        };
        // the RowChange is written straight into wire form (tableId, eventType, isDdl, then a RowData per row):
        // no Column objects, and the store gets these bytes unless a filter or transform changes the entry
        WireBuffer change = rowsBuffer;
        change.reset();
        change.writeInt64(CanalEntry.RowChange.TABLEID_FIELD_NUMBER, rows.tableId());
        change.writeEnum(CanalEntry.RowChange.EVENTTYPE_FIELD_NUMBER, type.getNumber());
        change.writeBool(CanalEntry.RowChange.ISDDL_FIELD_NUMBER, false);
        RowImageDecoder decoder = decoder(map, h);
        if (master != null && check.rereadDue(map, file, h.startOffset())) {
            // its structure was derived from one never proven: the master's may be proven once the stream gets there
            stale.add(staleKey(map.schema(), map.table()));
            decoders.remove(map.tableId());
            decoder = decoder(map, h);
        }
        String structureFlag = check.flag(map, file, h.startOffset());
        int count = decoder.encode(rows, change);
        counters.rows += count;
        add(h, EntryType.ROWDATA, type, map.schema(), map.table(), null, change, StoredEntry.Kind.ROW_DATA, count, false,
                structureFlag);
        if (change.array().length > RETAINED_ROWS_BUFFER) {
            rowsBuffer = new WireBuffer(RETAINED_ROWS_BUFFER); // one huge event does not pin its buffer
        }
    }

    private void end(BinlogEventHeader h, String transactionId, List<CanalEntry.Pair> props) throws InterruptedException {
        if (!inUnit) {
            openUnit(h);
        }
        CanalEntry.TransactionEnd.Builder end = CanalEntry.TransactionEnd.newBuilder().setTransactionId(transactionId);
        if (props != null) {
            end.addAllProps(props);
        }
        add(h, EntryType.TRANSACTIONEND, null, "", "", end.build(), StoredEntry.Kind.TRANSACTION_END, -1, true);
        closeUnit(h);
    }

    /**
     * The unit starts at its first event (its GTID event when there is one); a dump can restart there, and the
     * GTID set before it is the boundary's.
     */
    private void openUnit(BinlogEventHeader h) {
        inUnit = true;
        ordinal = 0;
        long offset = gtidEventStart >= 0 ? gtidEventStart : h.startOffset();
        unitStart = new BinlogPosition(file, offset, boundary.gtidSet(), h.getServerId(), h.getTimestamp());
    }

    private void closeUnit(BinlogEventHeader h) throws InterruptedException {
        inUnit = false;
        counters.transactions++;
        out.endUnit();
        boundary = new BinlogPosition(file, h.getNextPosition(), executed.toString(), h.getServerId(), h.getTimestamp());
        out.advance(ResumePoint.at(boundary));
        currentGtid = "";
        gtidEventStart = -1;
        counters.position = boundary;
    }

    /**
     * Builds one entry. Inside a unit its resume point is the unit start plus its ordinal; the entry that ends a
     * unit (END, a standalone DDL) resumes after the event.
     */
    private void add(BinlogEventHeader h, EntryType entryType, EventType eventType, String schema, String table,
                     MessageLite payload, StoredEntry.Kind kind, int rowsCount, boolean endsUnit)
            throws InterruptedException {
        add(h, entryType, eventType, schema, table, payload, null, kind, rowsCount, endsUnit, null);
    }

    /**
     * Builds one entry whose payload is either a message or a RowChange already in wire form.
     *
     * @param structureFlag {@link StructureCheck#PROPERTY} of rows whose structure is not proven; null otherwise
     */
    private void add(BinlogEventHeader h, EntryType entryType, EventType eventType, String schema, String table,
                     MessageLite payload, WireBuffer encodedRows, StoredEntry.Kind kind, int rowsCount, boolean endsUnit,
                     String structureFlag) throws InterruptedException {
        ordinal++;
        String gtidSet = gtidMode ? executed.toString() : "";
        CanalEntry.Header.Builder header = CanalEntry.Header.newBuilder()
                .setVersion(1)
                .setLogfileName(file)
                .setLogfileOffset(h.startOffset())
                .setServerId(h.getServerId())
                .setServerenCode(UTF_8)
                .setExecuteTime(h.getTimestamp())
                .setSourceType(CanalEntry.Type.MYSQL)
                .setEventLength(h.getEventLength());
        if (eventType != null) {
            header.setEventType(eventType);
        }
        if (schema != null) {
            header.setSchemaName(schema);
        }
        if (table != null) {
            header.setTableName(table);
        }
        if (gtidMode) {
            if (!gtidSet.isEmpty()) {
                header.setGtid(gtidSet);
            }
            if (!currentGtid.isEmpty()) {
                header.addProps(pair("curtGtid", currentGtid));
                if (!currentGtidSn.isEmpty()) {
                    header.addProps(pair("curtGtidSn", currentGtidSn));
                    header.addProps(pair("curtGtidLct", currentGtidLct));
                }
            }
        }
        if (rowsCount > 0) {
            header.addProps(pair("rowsCount", Integer.toString(rowsCount)));
        }
        if (structureFlag != null) {
            header.addProps(pair(StructureCheck.PROPERTY, structureFlag));
        }
        BinlogPosition position = new BinlogPosition(file, h.startOffset(), gtidSet, h.getServerId(), h.getTimestamp());
        ResumePoint resume = endsUnit
                ? ResumePoint.at(new BinlogPosition(file, h.getNextPosition(), executed.toString(), h.getServerId(),
                        h.getTimestamp()))
                : new ResumePoint(unitStart, ordinal);
        if (encodedRows != null) {
            CanalEntry.Header built = header.build();
            int length = encodedRows.position();
            byte[] bytes = EntryEncoder.toBytes(built, entryType, encodedRows.array(), length);
            out.add(ParsedEntry.encoded(built, eventType, rowsCount, bytes, bytes.length - length, length, position,
                    resume, kind), ordinal);
        } else {
            out.add(new ParsedEntry(header.build(), entryType, payload, position, resume, kind), ordinal);
        }
    }

    private void invalidateDecoders() {
        decoders.clear();
        check.forget();
    }

    /** Forget per-connection state (table maps, an open unit) before reading again from {@link #boundary()}. */
    void reset(BinlogPosition start) {
        tableMaps.clear();
        decoders.clear();
        check.forget();
        filteredTables.clear();
        inUnit = false;
        ordinal = 0;
        file = start.file();
        boundary = start;
        executed.reset(start.gtidSet());
        currentGtid = "";
        gtidEventStart = -1;
    }

    private static String staleKey(String schema, String table) {
        return schema.toLowerCase(Locale.ROOT) + "." + table.toLowerCase(Locale.ROOT);
    }

    private void warnOnce(String key, String message) {
        if (warned.add(key)) {
            log.warn(message);
        }
    }

    private static CanalEntry.Pair pair(String key, String value) {
        return CanalEntry.Pair.newBuilder().setKey(key).setValue(value).build();
    }

    private static String after(String text, String keyword) {
        return text.substring(Math.min(text.length(), keyword.length()));
    }

    private static String abbreviate(String sql) {
        String oneLine = sql.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 120 ? oneLine.substring(0, 117) + "..." : oneLine;
    }
}
