package io.sluice.server.parser.event;

import com.github.shyiko.mysql.binlog.event.EventData;
import java.util.BitSet;

/**
 * A rows event whose row images are kept as bytes: they are decoded straight into canal columns by the value
 * decoders with the table's structure at this position, and not at all when the table is filtered out. The
 * connector's own row deserializers produce signed integers, millisecond times and default-charset strings,
 * which cannot be repaired afterwards.
 *
 * @param kind          what the rows do
 * @param partialJson   a MySQL PARTIAL_UPDATE_ROWS_EVENT: after images start with value options and may hold
 *                      JSON diffs
 * @param columns       columns present in each (before) image
 * @param columnsAfter  columns present in each after image (UPDATE), else null
 * @param rows          the row images: {@code rows[rowsStart, rowsEnd)}
 */
public record RowsEventData(Kind kind, boolean partialJson, long tableId, int flags, int columnCount, BitSet columns,
                            BitSet columnsAfter, byte[] rows, int rowsStart, int rowsEnd) implements EventData {

    public enum Kind { INSERT, UPDATE, DELETE }

    /** STMT_END_F: the last rows event of a statement. */
    public boolean statementEnd() {
        return (flags & 0x1) != 0;
    }

    @Override
    public String toString() {
        return "Rows{" + kind + " table=" + tableId + " bytes=" + (rowsEnd - rowsStart) + "}";
    }
}
