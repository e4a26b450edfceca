package io.sluice.client.rows;

import com.google.protobuf.ByteString;
import io.sluice.protocol.entry.CanalEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A canal {@code Entry} read in place from its serialized bytes (an element of
 * {@link io.sluice.client.Message#rawEntries()}): the header fields and entry type without building the protobuf
 * objects, and the row change through a reused {@link RowCursor}. Meant to be reused for every entry:
 *
 * <pre>{@code
 * EntryView entry = new EntryView();
 * for (ByteString raw : message.rawEntries()) {
 *     entry.wrap(raw);
 *     if (entry.entryType() == EntryType.ROWDATA && entry.isTable("shop", "orders")) {
 *         RowCursor rows = entry.rowChange();
 *         ...
 *     }
 * }
 * }</pre>
 *
 * Getters answer as protobuf-java's {@code Entry}/{@code Header} getters would (proto2 defaults: entry type ROWDATA,
 * version 1, source MYSQL, event type UPDATE; "" for an absent string; unknown fields skipped; a header sent in
 * several pieces merged). Numbers, flags and name comparisons allocate nothing; Strings are made when asked for.
 * Everything read stays a view of the received batch: do not keep it past the batch.
 */
public final class EntryView {

    private static final int HEADER = 1 << 3 | WireReader.LEN;
    private static final int ENTRY_TYPE = 2 << 3 | WireReader.VARINT;
    private static final int STORE_VALUE = 3 << 3 | WireReader.LEN;

    private static final int VERSION = 1 << 3 | WireReader.VARINT;
    private static final int LOGFILE_NAME = 2 << 3 | WireReader.LEN;
    private static final int LOGFILE_OFFSET = 3 << 3 | WireReader.VARINT;
    private static final int SERVER_ID = 4 << 3 | WireReader.VARINT;
    private static final int SERVERENCODE = 5 << 3 | WireReader.LEN;
    private static final int EXECUTE_TIME = 6 << 3 | WireReader.VARINT;
    private static final int SOURCE_TYPE = 7 << 3 | WireReader.VARINT;
    private static final int SCHEMA_NAME = 8 << 3 | WireReader.LEN;
    private static final int TABLE_NAME = 9 << 3 | WireReader.LEN;
    private static final int EVENT_LENGTH = 10 << 3 | WireReader.VARINT;
    private static final int EVENT_TYPE = 11 << 3 | WireReader.VARINT;
    private static final int PROPS = 12 << 3 | WireReader.LEN;
    private static final int GTID = 13 << 3 | WireReader.LEN;

    private final WireReader r = new WireReader();
    private final WireReader h = new WireReader();
    private final Capture capture = new Capture();
    private RowCursor cursor;
    private byte[] buf;
    private CanalEntry.EntryType entryType;
    private int storeOff, storeLen;
    // the header's pieces (one unless a writer split it; protobuf merges them)
    private int[] headerRanges = new int[2];
    private int headerPieces;
    private boolean headerHasProps;
    private int version;
    private long logfileOffset, serverId, executeTime, eventLength;
    private CanalEntry.Type sourceType;
    private CanalEntry.EventType eventType;
    private int logfileOff, logfileLen, encodeOff, encodeLen, schemaOff, schemaLen, tableOff, tableLen, gtidOff,
            gtidLen;

    public EntryView() {
    }

    /** Points the view at one serialized Entry; no copy when the ByteString is array-backed (received ones are). */
    public EntryView wrap(ByteString entry) {
        capture.of(entry);
        return wrap(capture.array, capture.offset, capture.length);
    }

    /**
     * Points the view at the serialized Entry in {@code bytes[offset, offset + length)}.
     *
     * @throws io.sluice.client.SluiceClientException if the bytes are not a valid Entry
     */
    public EntryView wrap(byte[] bytes, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > bytes.length) {
            throw new IndexOutOfBoundsException("range " + offset + "+" + length + " of " + bytes.length);
        }
        buf = bytes;
        entryType = CanalEntry.EntryType.ROWDATA;
        storeOff = storeLen = 0;
        headerPieces = 0;
        WireReader in = r;
        in.reset(bytes, offset, offset + length);
        while (in.more()) {
            int tag = in.readTag();
            switch (tag) {
                case HEADER -> {
                    int len = in.readLength();
                    if (2 * headerPieces + 1 >= headerRanges.length) {
                        headerRanges = Arrays.copyOf(headerRanges, headerRanges.length * 2);
                    }
                    headerRanges[2 * headerPieces] = in.pos;
                    headerRanges[2 * headerPieces + 1] = in.pos + len;
                    headerPieces++;
                    in.pos += len;
                }
                case ENTRY_TYPE -> {
                    CanalEntry.EntryType t = CanalEntry.EntryType.forNumber(in.readInt32());
                    if (t != null) {
                        entryType = t;
                    }
                }
                case STORE_VALUE -> {
                    storeLen = in.readLength();
                    storeOff = in.pos;
                    in.pos += storeLen;
                }
                default -> in.skip(tag);
            }
        }
        readHeader();
        return this;
    }

    private void readHeader() {
        version = 1;
        logfileOffset = serverId = executeTime = eventLength = 0;
        sourceType = CanalEntry.Type.MYSQL;
        eventType = CanalEntry.EventType.UPDATE;
        logfileOff = logfileLen = encodeOff = encodeLen = schemaOff = schemaLen = tableOff = tableLen = 0;
        gtidOff = gtidLen = 0;
        headerHasProps = false;
        WireReader in = h;
        for (int piece = 0; piece < headerPieces; piece++) {
            in.reset(buf, headerRanges[2 * piece], headerRanges[2 * piece + 1]);
            while (in.more()) {
                int tag = in.readTag();
                switch (tag) {
                    case VERSION -> version = in.readInt32();
                    case LOGFILE_NAME -> {
                        logfileLen = in.readLength();
                        logfileOff = in.pos;
                        in.pos += logfileLen;
                    }
                    case LOGFILE_OFFSET -> logfileOffset = in.readVarint64();
                    case SERVER_ID -> serverId = in.readVarint64();
                    case SERVERENCODE -> {
                        encodeLen = in.readLength();
                        encodeOff = in.pos;
                        in.pos += encodeLen;
                    }
                    case EXECUTE_TIME -> executeTime = in.readVarint64();
                    case SOURCE_TYPE -> {
                        CanalEntry.Type t = CanalEntry.Type.forNumber(in.readInt32());
                        if (t != null) {
                            sourceType = t;
                        }
                    }
                    case SCHEMA_NAME -> {
                        schemaLen = in.readLength();
                        schemaOff = in.pos;
                        in.pos += schemaLen;
                    }
                    case TABLE_NAME -> {
                        tableLen = in.readLength();
                        tableOff = in.pos;
                        in.pos += tableLen;
                    }
                    case EVENT_LENGTH -> eventLength = in.readVarint64();
                    case EVENT_TYPE -> {
                        CanalEntry.EventType t = CanalEntry.EventType.forNumber(in.readInt32());
                        if (t != null) {
                            eventType = t;
                        }
                    }
                    case PROPS -> {
                        headerHasProps = true;
                        in.skip(tag);
                    }
                    case GTID -> {
                        gtidLen = in.readLength();
                        gtidOff = in.pos;
                        in.pos += gtidLen;
                    }
                    default -> in.skip(tag);
                }
            }
        }
    }

    /** ROWDATA when absent, as proto2 reads it. */
    public CanalEntry.EntryType entryType() {
        return entryType;
    }

    public int version() {
        return version;
    }

    public String logfileName() {
        return Text.string(buf, logfileOff, logfileLen);
    }

    /** Start offset of the binlog event in {@link #logfileName()}. */
    public long logfileOffset() {
        return logfileOffset;
    }

    public long serverId() {
        return serverId;
    }

    public String serverenCode() {
        return Text.string(buf, encodeOff, encodeLen);
    }

    /** The event's timestamp in milliseconds. */
    public long executeTime() {
        return executeTime;
    }

    public CanalEntry.Type sourceType() {
        return sourceType;
    }

    public String schemaName() {
        return Text.string(buf, schemaOff, schemaLen);
    }

    public String tableName() {
        return Text.string(buf, tableOff, tableLen);
    }

    public boolean schemaNameEquals(CharSequence schema) {
        return Text.equals(buf, schemaOff, schemaLen, schema);
    }

    public boolean tableNameEquals(CharSequence table) {
        return Text.equals(buf, tableOff, tableLen, table);
    }

    /** Whether the header names exactly this schema and table; compares the bytes, makes no String. */
    public boolean isTable(CharSequence schema, CharSequence table) {
        return Text.equals(buf, tableOff, tableLen, table) && Text.equals(buf, schemaOff, schemaLen, schema);
    }

    public long eventLength() {
        return eventLength;
    }

    /** The header's event type; UPDATE when absent (canal leaves it unset on transaction begin/end entries). */
    public CanalEntry.EventType eventType() {
        return eventType;
    }

    /** The executed GTID set in GTID mode, else "". */
    public String gtid() {
        return Text.string(buf, gtidOff, gtidLen);
    }

    /** The header's props (rowsCount, curtGtid...), built on demand. */
    public List<CanalEntry.Pair> props() {
        if (!headerHasProps) {
            return List.of();
        }
        List<CanalEntry.Pair> all = new ArrayList<>();
        for (int piece = 0; piece < headerPieces; piece++) {
            all.addAll(Text.pairs(buf, headerRanges[2 * piece], headerRanges[2 * piece + 1], 12));
        }
        return all;
    }

    /** The value of the first header prop named {@code key}, or null. */
    public String prop(String key) {
        for (CanalEntry.Pair p : props()) {
            if (p.getKey().equals(key)) {
                return p.getValue();
            }
        }
        return null;
    }

    /** The serialized payload (RowChange, TransactionBegin or TransactionEnd), a view of the received bytes. */
    public ByteString storeValue() {
        return Text.bytes(buf, storeOff, storeLen);
    }

    /**
     * The payload read as a RowChange, through this view's own cursor (the same object every time, rewound).
     * Meaningful for ROWDATA entries; the begin/end payloads are other messages.
     */
    public RowCursor rowChange() {
        if (cursor == null) {
            cursor = new RowCursor();
        }
        return cursor.wrap(buf, storeOff, storeLen);
    }
}
