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
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.EntryType;
import io.sluice.protocol.entry.CanalEntry.EventType;
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
import io.sluice.server.parser.value.RowImageDecoder;
import io.sluice.server.parser.value.ValueOptions;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.sink.TableFilter;
import java.util.List;
import java.util.Locale;

/**
 * Turns one binlog stream's events into canal entries (CANAL-PROTOCOL.md §3.3): BEGIN/END around each
 * transaction, one ROWDATA entry per rows event, DDL and QUERY entries. The same instance logic serves the live
 * connection and file reading. This class is the switch over the events; where the stream is and which unit it
 * is in is {@link UnitTracker}'s, the entries' headers and resume points {@link EntryBuilder}'s, the tables' row
 * decoders {@link TableDecoders}'.
 */
final class EventConverter {

    private static final int MARIADB_FL_STANDALONE = 1;
    /** A rows event is at most binlog_row_event_max_size (8 KiB by default) and encodes to about as much. */
    private static final int RETAINED_ROWS_BUFFER = 1 << 20;
    /**
     * Room before a RowChange for its entry's header (file name, positions, names, GTIDs, props; a few hundred
     * bytes, more with a long GTID set), so the entry is copied out once without a zeroed array first.
     */
    private static final int ENTRY_PREFIX_ROOM = 1024;

    private final SchemaHistory history;
    private final ParserCounters counters;
    private final UnitTracker units;
    private final EntryBuilder entries;
    private final TableDecoders tables;
    /** Where each rows event's RowChange is written before it is copied into its entry's exact-size array. */
    private WireBuffer rowsBuffer = new WireBuffer(64 * 1024);

    EventConverter(boolean gtidMode, ValueOptions options, SchemaHistory history, TableFilter filter,
                   TableStructureSource master, TransactionBuffer out, ParserCounters counters, BinlogPosition start) {
        this.history = history;
        this.counters = counters;
        this.units = new UnitTracker(out, counters, start);
        this.entries = new EntryBuilder(gtidMode, units, out);
        this.tables = new TableDecoders(options, history, filter, master);
    }

    /** Where the next unit starts (file, offset and the GTID set executed before it). */
    BinlogPosition boundary() {
        return units.boundary();
    }

    private static boolean isFileHousekeeping(int type) {
        return type == BinlogEventTypes.FORMAT_DESCRIPTION || type == BinlogEventTypes.ROTATE
                || type == BinlogEventTypes.PREVIOUS_GTIDS || type == BinlogEventTypes.MARIADB_GTID_LIST
                || type == BinlogEventTypes.BINLOG_CHECKPOINT;
    }

    boolean inUnit() {
        return units.inUnit();
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
            case BinlogEventTypes.ROTATE -> {
                RotateEventData rotate = (RotateEventData) event.getData();
                units.rotate(h, rotate.getBinlogFilename(), rotate.getBinlogPosition());
            }
            case BinlogEventTypes.FORMAT_DESCRIPTION -> {
                // the server that wrote this file decides how its column types are spelt (int(11) or int)
                if (event.getData() instanceof FormatDescriptionEventData fde
                        && history.useServerVersion(fde.getServerVersion())) {
                    tables.invalidate();
                }
            }
            case BinlogEventTypes.STOP, BinlogEventTypes.HEARTBEAT,
                 BinlogEventTypes.HEARTBEAT_V2, BinlogEventTypes.BINLOG_CHECKPOINT, BinlogEventTypes.ANONYMOUS_GTID,
                 BinlogEventTypes.INTVAR, BinlogEventTypes.RAND, BinlogEventTypes.USER_VAR -> {
                if (h.typeCode() == BinlogEventTypes.ANONYMOUS_GTID) {
                    units.anonymousGtid(h);
                }
            }
            case BinlogEventTypes.PREVIOUS_GTIDS -> {
                if (event.getData() instanceof PreviousGtidsData previous) {
                    units.initialGtidSet(previous.gtidSet());
                }
            }
            case BinlogEventTypes.MARIADB_GTID_LIST -> {
                if (event.getData() instanceof MariadbGtidListEventData list && list.getMariaGTIDSet() != null) {
                    units.initialGtidSet(list.getMariaGTIDSet().toString());
                }
            }
            case BinlogEventTypes.GTID -> {
                GtidEventData g = (GtidEventData) event.getData();
                units.gtid(h, g.getMySqlGtid().toString(), Long.toString(g.getSequenceNumber()), Long.toString(g.getLastCommitted()));
            }
            case BinlogEventTypes.GTID_TAGGED -> {
                TaggedGtidData g = (TaggedGtidData) event.getData();
                units.gtid(h, g.gtid(), Long.toString(g.sequenceNumber()), Long.toString(g.lastCommitted()));
            }
            case BinlogEventTypes.MARIADB_GTID -> mariadbGtid(h, (MariadbGtidEventData) event.getData());
            case BinlogEventTypes.QUERY, BinlogEventTypes.QUERY_COMPRESSED -> query(h, (QueryEventData) event.getData());
            case BinlogEventTypes.XID -> end(h, Long.toUnsignedString(((XidEventData) event.getData()).getXid()), null);
            case BinlogEventTypes.XA_PREPARE -> {
                // MySQL/MariaDB XA PREPARE closes the prepared part; the decision comes later as its own query
                if (units.inUnit()) {
                    units.closeUnit(h);
                }
            }
            case BinlogEventTypes.TABLE_MAP -> tables.tableMap((TableMapData) event.getData());
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

    private void mariadbGtid(BinlogEventHeader h, MariadbGtidEventData g) throws InterruptedException {
        String gtid = g.getDomainId() + "-" + h.getServerId() + "-" + g.getSequence();
        units.gtid(h, gtid, "", "");
        if ((g.getFlags() & MARIADB_FL_STANDALONE) != 0) {
            return; // a DDL or another statement that is its own unit; no BEGIN for it
        }
        // MariaDB replaces BEGIN with the GTID event for replicas that understand GTIDs
        units.openUnit(h);
        CanalEntry.TransactionBegin begin = CanalEntry.TransactionBegin.newBuilder().build();
        entries.add(h, EntryType.TRANSACTIONBEGIN, null, "", "", begin, StoredEntry.Kind.TRANSACTION_BEGIN, false);
    }

    private void query(BinlogEventHeader h, QueryEventData q) throws InterruptedException {
        String sql = q.getSql();
        String trimmed = sql.trim();
        String upper = trimmed.length() > 16 ? trimmed.substring(0, 16).toUpperCase(Locale.ROOT) : trimmed.toUpperCase(Locale.ROOT);
        if (upper.startsWith("XA START")) {
            if (units.inUnit()) {
                return; // MariaDB: the GTID event flagged prepared_xa already began it
            }
            units.openUnit(h);
            CanalEntry.TransactionBegin begin = CanalEntry.TransactionBegin.newBuilder().setThreadId(q.getThreadId())
                    .addProps(pair("XA_TYPE", "XA START")).addProps(pair("XA_XID", after(trimmed, "XA START"))).build();
            entries.add(h, EntryType.TRANSACTIONBEGIN, null, "", "", begin, StoredEntry.Kind.TRANSACTION_BEGIN, false);
            return;
        }
        if (upper.startsWith("XA END")) {
            end(h, "0", List.of(pair("XA_TYPE", "XA END"), pair("XA_XID", after(trimmed, "XA END"))));
            return;
        }
        if (upper.startsWith("XA COMMIT") || upper.startsWith("XA ROLLBACK")) {
            String type = upper.startsWith("XA COMMIT") ? "XA COMMIT" : "XA ROLLBACK";
            boolean own = !units.inUnit();
            if (own) {
                units.openUnit(h);
            }
            CanalEntry.RowChange change = CanalEntry.RowChange.newBuilder().setSql(sql)
                    .addProps(pair("XA_TYPE", type)).addProps(pair("XA_XID", after(trimmed, type)))
                    .setEventType(type.equals("XA COMMIT") ? EventType.XACOMMIT : EventType.XAROLLBACK).build();
            entries.add(h, EntryType.ROWDATA, change.getEventType(), "", "", change, StoredEntry.Kind.QUERY, own);
            if (own) {
                units.closeUnit(h);
            }
            return;
        }
        if (upper.equals("BEGIN") || upper.endsWith(" BEGIN")) {
            if (units.inUnit()) {
                return; // MariaDB: the GTID event already began it
            }
            units.openUnit(h);
            CanalEntry.TransactionBegin begin = CanalEntry.TransactionBegin.newBuilder().setThreadId(q.getThreadId()).build();
            entries.add(h, EntryType.TRANSACTIONBEGIN, null, "", "", begin, StoredEntry.Kind.TRANSACTION_BEGIN, false);
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
            throw new UnsupportedBinlogFormatException("statement-logged " + first.type() + " at " + units.file() + ":"
                    + h.startOffset() + " (" + abbreviate(sql) + "): the master writes statement-based events; set "
                    + "binlog_format=ROW (SET GLOBAL binlog_format='ROW' and in the server configuration)");
        }
        boolean own = !units.inUnit();
        if (own) {
            units.openUnit(h);
        }
        BinlogPosition end = units.after(h);
        EventType type = first == null ? EventType.QUERY : first.type();
        if (isSchemaChange(sql, first)) {
            SchemaHistory.DdlApplication applied = history.apply(end, db, sql);
            tables.invalidate();
            if (!applied.understood()) {
                tables.notUnderstood(units.file() + ":" + h.startOffset(), sql, applied.targets());
            }
        }
        CanalEntry.RowChange.Builder change = CanalEntry.RowChange.newBuilder()
                .setIsDdl(true).setSql(sql).setEventType(type);
        if (db != null && !db.isEmpty()) {
            change.setDdlSchemaName(db);
        }
        StoredEntry.Kind kind = type == EventType.QUERY ? StoredEntry.Kind.QUERY : StoredEntry.Kind.DDL;
        entries.add(h, EntryType.ROWDATA, type, first == null ? null : first.schema(), first == null ? null : first.table(),
                change.build(), kind, own);
        if (own) {
            units.closeUnit(h);
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
        boolean own = !units.inUnit();
        if (own) {
            units.openUnit(h);
        }
        CanalEntry.RowChange change = CanalEntry.RowChange.newBuilder().setSql(sql).setEventType(EventType.QUERY).build();
        entries.add(h, EntryType.ROWDATA, EventType.QUERY, "", table, change, StoredEntry.Kind.QUERY, false);
    }

    private void rows(BinlogEventHeader h, RowsEventData rows) throws InterruptedException {
        boolean own = !units.inUnit();
        if (own) {
            units.openUnit(h); // rows without BEGIN: a stream that started inside a transaction
        }
        if (tables.filtered(rows.tableId())) {
            units.nextOrdinal(); // numbered as if put, so skip counts do not depend on the filter
            return;
        }
        TableMapData map = tables.tableMap(rows.tableId());
        if (map == null) {
            throw new ParserException("rows event at " + units.file() + ":" + h.startOffset() + " for table id "
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
        change.skip(ENTRY_PREFIX_ROOM);
        change.writeInt64(CanalEntry.RowChange.TABLEID_FIELD_NUMBER, rows.tableId());
        change.writeEnum(CanalEntry.RowChange.EVENTTYPE_FIELD_NUMBER, type.getNumber());
        change.writeBool(CanalEntry.RowChange.ISDDL_FIELD_NUMBER, false);
        RowImageDecoder decoder = tables.forRows(map, h, units);
        String structureFlag = tables.structureFlag(map, units.file(), h.startOffset());
        int count = decoder.encode(rows, change);
        counters.rows += count;
        entries.addRows(h, type, map.schema(), map.table(), change, ENTRY_PREFIX_ROOM, count, structureFlag);
        if (change.array().length > RETAINED_ROWS_BUFFER) {
            rowsBuffer = new WireBuffer(RETAINED_ROWS_BUFFER); // one huge event does not pin its buffer
        }
    }

    private void end(BinlogEventHeader h, String transactionId, List<CanalEntry.Pair> props) throws InterruptedException {
        if (!units.inUnit()) {
            units.openUnit(h);
        }
        CanalEntry.TransactionEnd.Builder end = CanalEntry.TransactionEnd.newBuilder().setTransactionId(transactionId);
        if (props != null) {
            end.addAllProps(props);
        }
        entries.add(h, EntryType.TRANSACTIONEND, null, "", "", end.build(), StoredEntry.Kind.TRANSACTION_END, true);
        units.closeUnit(h);
    }

    /** Forget per-connection state (table maps, an open unit) before reading again from {@link #boundary()}. */
    void reset(BinlogPosition start) {
        tables.reset();
        units.reset(start);
    }

    private static CanalEntry.Pair pair(String key, String value) {
        return EntryBuilder.pair(key, value);
    }

    private static String after(String text, String keyword) {
        return text.substring(Math.min(text.length(), keyword.length()));
    }

    static String abbreviate(String sql) {
        String oneLine = sql.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 120 ? oneLine.substring(0, 117) + "..." : oneLine;
    }
}
