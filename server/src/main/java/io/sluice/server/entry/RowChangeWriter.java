package io.sluice.server.entry;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.sluice.protocol.entry.CanalEntry.Column;
import io.sluice.protocol.entry.CanalEntry.RowChange;
import io.sluice.protocol.entry.CanalEntry.RowData;
import java.io.IOException;
import java.util.List;

/**
 * Writes a canal {@code RowChange} field by field, the same bytes as protobuf's {@code writeTo}. The lengths are
 * protobuf's own memoized sizes ({@code getSerializedSize()}), which the parser computes right after decoding a rows
 * event, while its columns are still in the CPU cache; here the entry is written in one pass over the columns, with
 * names and values as the UTF-8 bytes they are (a string field held as a {@code String} would be re-encoded).
 * A row or column with props or unknown fields is written by protobuf itself, so every message is supported.
 */
final class RowChangeWriter {

    private RowChangeWriter() {
    }

    /** Whether {@link #write} applies; otherwise let protobuf write the whole message. */
    static boolean handles(RowChange rc) {
        return rc.getPropsCount() == 0 && rc.getUnknownFields().asMap().isEmpty();
    }

    /** Writes {@code rc} (which {@link #handles}); as many bytes as {@code rc.getSerializedSize()}. */
    static void write(RowChange rc, CodedOutputStream out) throws IOException {
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
            if (row.getPropsCount() != 0 || !row.getUnknownFields().asMap().isEmpty()) {
                out.writeMessage(RowChange.ROWDATAS_FIELD_NUMBER, row);
                continue;
            }
            out.writeTag(RowChange.ROWDATAS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(row.getSerializedSize());
            writeColumns(RowData.BEFORECOLUMNS_FIELD_NUMBER, row.getBeforeColumnsList(), out);
            writeColumns(RowData.AFTERCOLUMNS_FIELD_NUMBER, row.getAfterColumnsList(), out);
        }
        if (rc.hasDdlSchemaName()) {
            out.writeBytes(RowChange.DDLSCHEMANAME_FIELD_NUMBER, rc.getDdlSchemaNameBytes());
        }
    }

    private static void writeColumns(int field, List<Column> columns, CodedOutputStream out) throws IOException {
        for (int i = 0, n = columns.size(); i < n; i++) {
            Column c = columns.get(i);
            if (c.getPropsCount() != 0 || !c.getUnknownFields().asMap().isEmpty()) {
                out.writeMessage(field, c);
                continue;
            }
            out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(c.getSerializedSize());
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
    }
}
