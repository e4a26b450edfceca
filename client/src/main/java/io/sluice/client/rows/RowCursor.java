package io.sluice.client.rows;

import com.google.protobuf.ByteString;
import io.sluice.protocol.entry.CanalEntry;
import java.util.Arrays;
import java.util.List;

/**
 * A canal {@code RowChange} read in place, one row at a time: the change's own fields (event type, isDdl, sql...)
 * and, after each {@link #next()}, the current row's {@link #before()} and {@link #after()} images. Nothing is
 * copied and, reading numbers and flags, nothing is allocated; Strings are made only when asked for. One cursor is
 * meant to be reused for every entry ({@link #wrap}); what it hands out is valid until it is wrapped again, and reads
 * the received bytes, so it must not outlive the batch they belong to.
 *
 * <pre>{@code
 * RowCursor rows = entry.rowChange();           // or new RowCursor().wrap(bytes)
 * while (rows.next()) {
 *     RowImage row = rows.eventType() == EventType.DELETE ? rows.before() : rows.after();
 *     long id = row.longValue(row.find("id"));
 * }
 * }</pre>
 *
 * Field for field it reads what protobuf-java's {@code RowChange.parseFrom} would: proto2 defaults for absent
 * fields (event type UPDATE), an enum number it does not know ignored, unknown fields skipped, the last occurrence
 * of a scalar winning.
 */
public final class RowCursor {

    private static final int TABLE_ID = 1 << 3 | WireReader.VARINT;
    private static final int EVENT_TYPE = 2 << 3 | WireReader.VARINT;
    private static final int IS_DDL = 10 << 3 | WireReader.VARINT;
    private static final int SQL = 11 << 3 | WireReader.LEN;
    private static final int ROW_DATAS = 12 << 3 | WireReader.LEN;
    private static final int PROPS = 13 << 3 | WireReader.LEN;
    private static final int DDL_SCHEMA_NAME = 14 << 3 | WireReader.LEN;

    private static final int BEFORE_COLUMNS = 1 << 3 | WireReader.LEN;
    private static final int AFTER_COLUMNS = 2 << 3 | WireReader.LEN;
    private static final int ROW_PROPS = 3 << 3 | WireReader.LEN;

    private final WireReader r = new WireReader();
    private final Capture capture = new Capture();
    private final RowImage before = new RowImage();
    private final RowImage after = new RowImage();
    private byte[] buf;
    private int from;
    private int to;
    private long tableId;
    private CanalEntry.EventType eventType;
    private boolean isDdl;
    private boolean hasProps;
    private int sqlOff, sqlLen, ddlSchemaOff, ddlSchemaLen;
    private int[] rowStart = new int[64];
    private int[] rowEnd = new int[64];
    private int rowCount;
    private int row = -1;
    private boolean rowHasProps;

    public RowCursor() {
    }

    /** Points the cursor at a serialized RowChange (an entry's storeValue), before its first row. */
    public RowCursor wrap(ByteString rowChange) {
        capture.of(rowChange);
        return wrap(capture.array, capture.offset, capture.length);
    }

    /**
     * Points the cursor at the serialized RowChange in {@code bytes[offset, offset + length)}, before its first row.
     *
     * @throws io.sluice.client.SluiceClientException if the bytes are not a valid RowChange
     */
    public RowCursor wrap(byte[] bytes, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > bytes.length) {
            throw new IndexOutOfBoundsException("range " + offset + "+" + length + " of " + bytes.length);
        }
        buf = bytes;
        from = offset;
        to = offset + length;
        tableId = 0;
        eventType = CanalEntry.EventType.UPDATE;
        isDdl = false;
        hasProps = false;
        sqlOff = sqlLen = ddlSchemaOff = ddlSchemaLen = 0;
        rowCount = 0;
        row = -1;
        before.clear(bytes);
        after.clear(bytes);
        WireReader in = r;
        in.reset(bytes, from, to);
        while (in.more()) {
            int tag = in.readTag();
            switch (tag) {
                case TABLE_ID -> tableId = in.readVarint64();
                case EVENT_TYPE -> {
                    CanalEntry.EventType t = CanalEntry.EventType.forNumber(in.readInt32());
                    if (t != null) {
                        eventType = t;
                    }
                }
                case IS_DDL -> isDdl = in.readBool();
                case SQL -> {
                    sqlLen = in.readLength();
                    sqlOff = in.pos;
                    in.pos += sqlLen;
                }
                case ROW_DATAS -> {
                    int len = in.readLength();
                    if (rowCount == rowStart.length) {
                        rowStart = Arrays.copyOf(rowStart, rowCount * 2);
                        rowEnd = Arrays.copyOf(rowEnd, rowCount * 2);
                    }
                    rowStart[rowCount] = in.pos;
                    rowEnd[rowCount] = in.pos + len;
                    rowCount++;
                    in.pos += len;
                }
                case PROPS -> {
                    hasProps = true;
                    in.skip(tag);
                }
                case DDL_SCHEMA_NAME -> {
                    ddlSchemaLen = in.readLength();
                    ddlSchemaOff = in.pos;
                    in.pos += ddlSchemaLen;
                }
                default -> in.skip(tag);
            }
        }
        return this;
    }

    public long tableId() {
        return tableId;
    }

    /** UPDATE when absent, as proto2 reads it. */
    public CanalEntry.EventType eventType() {
        return eventType;
    }

    public boolean isDdl() {
        return isDdl;
    }

    /** The statement of a DDL or query entry; "" for row events. */
    public String sql() {
        return Text.string(buf, sqlOff, sqlLen);
    }

    public String ddlSchemaName() {
        return Text.string(buf, ddlSchemaOff, ddlSchemaLen);
    }

    /** The change's props (canal: XA_TYPE / XA_XID of XA entries); built on demand. */
    public List<CanalEntry.Pair> props() {
        return hasProps ? Text.pairs(buf, from, to, 13) : List.of();
    }

    /** Number of rows (RowDatas) in the change. */
    public int rowCount() {
        return rowCount;
    }

    /** Moves to the next row; false after the last one. */
    public boolean next() {
        if (row + 1 >= rowCount) {
            row = rowCount;
            return false;
        }
        moveTo(row + 1);
        return true;
    }

    /** Moves to row {@code i} (0-based), e.g. to read a change twice. */
    public RowCursor moveTo(int i) {
        if (i < 0 || i >= rowCount) {
            throw new IndexOutOfBoundsException("row " + i + " of " + rowCount);
        }
        row = i;
        before.clear(buf);
        after.clear(buf);
        rowHasProps = false;
        WireReader in = r;
        in.reset(buf, rowStart[i], rowEnd[i]);
        while (in.more()) {
            int tag = in.readTag();
            switch (tag) {
                case BEFORE_COLUMNS -> {
                    int len = in.readLength();
                    before.add(in.pos, in.pos + len);
                    in.pos += len;
                }
                case AFTER_COLUMNS -> {
                    int len = in.readLength();
                    after.add(in.pos, in.pos + len);
                    in.pos += len;
                }
                case ROW_PROPS -> {
                    rowHasProps = true;
                    in.skip(tag);
                }
                default -> in.skip(tag);
            }
        }
        return this;
    }

    /** The current row's position, -1 before the first {@link #next()}. */
    public int row() {
        return row;
    }

    /** The current row's before image: the old values of an UPDATE, the row of a DELETE, empty for an INSERT. */
    public RowImage before() {
        requireRow();
        return before;
    }

    /** The current row's after image: the new values of an UPDATE, the row of an INSERT, empty for a DELETE. */
    public RowImage after() {
        requireRow();
        return after;
    }

    /** The current RowData's props (canal never sets them); built on demand. */
    public List<CanalEntry.Pair> rowProps() {
        requireRow();
        return rowHasProps ? Text.pairs(buf, rowStart[row], rowEnd[row], 3) : List.of();
    }

    private void requireRow() {
        if (row < 0 || row >= rowCount) {
            throw new IllegalStateException("no current row: call next() first");
        }
    }
}
