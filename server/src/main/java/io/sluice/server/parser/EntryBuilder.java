package io.sluice.server.parser;

import com.google.protobuf.MessageLite;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.EntryType;
import io.sluice.protocol.entry.CanalEntry.EventType;
import io.sluice.server.entry.EntryEncoder;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.entry.WireBuffer;
import io.sluice.server.parser.event.BinlogEventHeader;

/**
 * Builds the canal entries of the unit being read (CANAL-PROTOCOL.md §3.3): canal's header from the event and the
 * stream's GTIDs, the entry's position and resume point, numbered in its unit, and hands them to the
 * {@link TransactionBuffer}.
 */
final class EntryBuilder {

    private static final String UTF_8 = "UTF-8";

    private final boolean gtidMode;
    private final UnitTracker units;
    private final TransactionBuffer out;

    EntryBuilder(boolean gtidMode, UnitTracker units, TransactionBuffer out) {
        this.gtidMode = gtidMode;
        this.units = units;
        this.out = out;
    }

    /** One entry whose payload is a message. */
    void add(BinlogEventHeader h, EntryType entryType, EventType eventType, String schema, String table,
             MessageLite payload, StoredEntry.Kind kind, boolean endsUnit) throws InterruptedException {
        int ordinal = units.nextOrdinal();
        String gtidSet = gtidMode ? units.executedGtidSet() : "";
        CanalEntry.Header header = header(h, eventType, schema, table, gtidSet, -1, null);
        out.add(new ParsedEntry(header, entryType, payload, units.at(h, gtidSet), units.resume(h, endsUnit), kind),
                ordinal);
    }

    /**
     * One ROWDATA entry of a rows event whose {@code RowChange} is already in wire form: the entry's bytes are
     * written here, once, around it.
     *
     * @param rowsStart     where the {@code RowChange} starts in {@code encodedRows}: the bytes before it are room
     *                      for the entry's header, written there in place
     * @param structureFlag {@link StructureCheck#PROPERTY} of rows whose structure is not proven; null otherwise
     */
    void addRows(BinlogEventHeader h, EventType eventType, String schema, String table, WireBuffer encodedRows,
                 int rowsStart, int rowsCount, String structureFlag) throws InterruptedException {
        int ordinal = units.nextOrdinal();
        String gtidSet = gtidMode ? units.executedGtidSet() : "";
        CanalEntry.Header header = header(h, eventType, schema, table, gtidSet, rowsCount, structureFlag);
        int length = encodedRows.position() - rowsStart;
        byte[] bytes = EntryEncoder.toBytesInPlace(header, EntryType.ROWDATA, encodedRows.array(), rowsStart,
                encodedRows.position());
        out.add(ParsedEntry.encoded(header, eventType, rowsCount, bytes, bytes.length - length, length,
                units.at(h, gtidSet), units.resume(h, false), StoredEntry.Kind.ROW_DATA), ordinal);
    }

    private CanalEntry.Header header(BinlogEventHeader h, EventType eventType, String schema, String table,
                                     String gtidSet, int rowsCount, String structureFlag) {
        CanalEntry.Header.Builder header = CanalEntry.Header.newBuilder()
                .setVersion(1)
                .setLogfileName(units.file())
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
            String gtid = units.currentGtid();
            if (!gtid.isEmpty()) {
                header.addProps(pair("curtGtid", gtid));
                if (!units.currentGtidSn().isEmpty()) {
                    header.addProps(pair("curtGtidSn", units.currentGtidSn()));
                    header.addProps(pair("curtGtidLct", units.currentGtidLct()));
                }
            }
        }
        if (rowsCount > 0) {
            header.addProps(rowsCountPair(rowsCount));
        }
        if (structureFlag != null) {
            header.addProps(pair(StructureCheck.PROPERTY, structureFlag));
        }
        return header.build();
    }

    /** The rowsCount pairs of small counts, built once: a rows entry carries one, and Pairs are immutable. */
    private final CanalEntry.Pair[] rowsCountPairs = new CanalEntry.Pair[1024];

    private CanalEntry.Pair rowsCountPair(int rowsCount) {
        if (rowsCount >= rowsCountPairs.length) {
            return pair("rowsCount", Integer.toString(rowsCount));
        }
        CanalEntry.Pair p = rowsCountPairs[rowsCount];
        if (p == null) {
            p = rowsCountPairs[rowsCount] = pair("rowsCount", Integer.toString(rowsCount));
        }
        return p;
    }

    static CanalEntry.Pair pair(String key, String value) {
        return CanalEntry.Pair.newBuilder().setKey(key).setValue(value).build();
    }
}
