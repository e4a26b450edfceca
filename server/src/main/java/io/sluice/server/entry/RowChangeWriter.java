package io.sluice.server.entry;

import com.google.protobuf.CodedOutputStream;
import io.sluice.protocol.entry.CanalEntry.Column;
import io.sluice.protocol.entry.CanalEntry.RowChange;
import io.sluice.protocol.entry.CanalEntry.RowData;
import java.io.IOException;
import java.util.List;

/**
 * Writes a canal {@code RowChange} field by field, the same bytes as protobuf's {@code writeTo}, for the shape the
 * parser produces (columns without props, no unknown fields): the row-change payload is most of what the server
 * serializes, and the generic path measures every column twice (size, then write) through per-field dispatch and,
 * for a string field held as a {@code String}, a UTF-8 length scan. Here each column's size is computed once into
 * a scratch array, and names and values go out as the UTF-8 bytes they already are. Anything outside that shape
 * is reported as {@link #UNSUPPORTED} and left to protobuf.
 */
final class RowChangeWriter {

    static final int UNSUPPORTED = -1;

    private static final int TAG_LEN = 1; // every field number here is below 16

    /** Per column, then per row data: sizes in the order {@link #write} needs them. */
    private int[] sizes = new int[1024];
    private int count;

    /** Size of the payload, or {@link #UNSUPPORTED}; must precede {@link #write} for the same message. */
    int size(RowChange rc) {
        count = 0;
        if (rc.getPropsCount() != 0 || !rc.getUnknownFields().asMap().isEmpty()) {
            return UNSUPPORTED;
        }
        int size = 0;
        if (rc.hasTableId()) {
            size += TAG_LEN + CodedOutputStream.computeInt64SizeNoTag(rc.getTableId());
        }
        if (rc.hasEventType()) {
            size += TAG_LEN + CodedOutputStream.computeEnumSizeNoTag(rc.getEventType().getNumber());
        }
        if (rc.hasIsDdl()) {
            size += TAG_LEN + 1;
        }
        if (rc.hasSql()) {
            size += TAG_LEN + CodedOutputStream.computeBytesSizeNoTag(rc.getSqlBytes());
        }
        for (int r = 0, n = rc.getRowDatasCount(); r < n; r++) {
            RowData row = rc.getRowDatas(r);
            if (row.getPropsCount() != 0 || !row.getUnknownFields().asMap().isEmpty()) {
                return UNSUPPORTED;
            }
            int slot = reserve();
            int rowSize = columns(row.getBeforeColumnsList());
            if (rowSize < 0) {
                return UNSUPPORTED;
            }
            int after = columns(row.getAfterColumnsList());
            if (after < 0) {
                return UNSUPPORTED;
            }
            rowSize += after;
            sizes[slot] = rowSize;
            size += TAG_LEN + CodedOutputStream.computeUInt32SizeNoTag(rowSize) + rowSize;
        }
        if (rc.hasDdlSchemaName()) {
            size += TAG_LEN + CodedOutputStream.computeBytesSizeNoTag(rc.getDdlSchemaNameBytes());
        }
        return size;
    }

    void write(RowChange rc, CodedOutputStream out) throws IOException {
        int next = 0;
        if (rc.hasTableId()) {
            out.writeInt64(RowChange.TABLEID_FIELD_NUMBER, rc.getTableId());
        }
        if (rc.hasEventType()) {
            out.writeEnum(RowChange.EVENTTYPE_FIELD_NUMBER, rc.getEventType().getNumber());
        }
        if (rc.hasIsDdl()) {
            out.writeBool(RowChange.ISDDL_FIELD_NUMBER, rc.getIsDdl());
        }
        if (rc.hasSql()) {
            out.writeBytes(RowChange.SQL_FIELD_NUMBER, rc.getSqlBytes());
        }
        for (int r = 0, n = rc.getRowDatasCount(); r < n; r++) {
            RowData row = rc.getRowDatas(r);
            out.writeTag(RowChange.ROWDATAS_FIELD_NUMBER, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(sizes[next++]);
            next = writeColumns(RowData.BEFORECOLUMNS_FIELD_NUMBER, row.getBeforeColumnsList(), out, next);
            next = writeColumns(RowData.AFTERCOLUMNS_FIELD_NUMBER, row.getAfterColumnsList(), out, next);
        }
        if (rc.hasDdlSchemaName()) {
            out.writeBytes(RowChange.DDLSCHEMANAME_FIELD_NUMBER, rc.getDdlSchemaNameBytes());
        }
    }

    private int reserve() {
        if (count == sizes.length) {
            sizes = java.util.Arrays.copyOf(sizes, sizes.length * 2);
        }
        return count++;
    }

    /** The bytes these columns take inside their RowData (tags and lengths included), or -1. */
    private int columns(List<Column> columns) {
        int total = 0;
        for (int i = 0, n = columns.size(); i < n; i++) {
            Column c = columns.get(i);
            if (c.getPropsCount() != 0 || !c.getUnknownFields().asMap().isEmpty()) {
                return UNSUPPORTED;
            }
            int size = 0;
            if (c.hasIndex()) {
                size += TAG_LEN + CodedOutputStream.computeInt32SizeNoTag(c.getIndex());
            }
            if (c.hasSqlType()) {
                size += TAG_LEN + CodedOutputStream.computeInt32SizeNoTag(c.getSqlType());
            }
            if (c.hasName()) {
                size += TAG_LEN + CodedOutputStream.computeBytesSizeNoTag(c.getNameBytes());
            }
            if (c.hasIsKey()) {
                size += TAG_LEN + 1;
            }
            if (c.hasUpdated()) {
                size += TAG_LEN + 1;
            }
            if (c.hasIsNull()) {
                size += TAG_LEN + 1;
            }
            if (c.hasValue()) {
                size += TAG_LEN + CodedOutputStream.computeBytesSizeNoTag(c.getValueBytes());
            }
            if (c.hasLength()) {
                size += TAG_LEN + CodedOutputStream.computeInt32SizeNoTag(c.getLength());
            }
            if (c.hasMysqlType()) {
                size += TAG_LEN + CodedOutputStream.computeBytesSizeNoTag(c.getMysqlTypeBytes());
            }
            int slot = reserve(); // before indexing: reserve may replace the array
            sizes[slot] = size;
            total += TAG_LEN + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
        }
        return total;
    }

    private int writeColumns(int field, List<Column> columns, CodedOutputStream out, int next) throws IOException {
        for (int i = 0, n = columns.size(); i < n; i++) {
            Column c = columns.get(i);
            out.writeTag(field, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(sizes[next++]);
            if (c.hasIndex()) {
                out.writeInt32(Column.INDEX_FIELD_NUMBER, c.getIndex());
            }
            if (c.hasSqlType()) {
                out.writeInt32(Column.SQLTYPE_FIELD_NUMBER, c.getSqlType());
            }
            if (c.hasName()) {
                out.writeBytes(Column.NAME_FIELD_NUMBER, c.getNameBytes());
            }
            if (c.hasIsKey()) {
                out.writeBool(Column.ISKEY_FIELD_NUMBER, c.getIsKey());
            }
            if (c.hasUpdated()) {
                out.writeBool(Column.UPDATED_FIELD_NUMBER, c.getUpdated());
            }
            if (c.hasIsNull()) {
                out.writeBool(Column.ISNULL_FIELD_NUMBER, c.getIsNull());
            }
            if (c.hasValue()) {
                out.writeBytes(Column.VALUE_FIELD_NUMBER, c.getValueBytes());
            }
            if (c.hasLength()) {
                out.writeInt32(Column.LENGTH_FIELD_NUMBER, c.getLength());
            }
            if (c.hasMysqlType()) {
                out.writeBytes(Column.MYSQLTYPE_FIELD_NUMBER, c.getMysqlTypeBytes());
            }
        }
        return next;
    }
}
