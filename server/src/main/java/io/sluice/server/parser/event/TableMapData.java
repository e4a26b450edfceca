package io.sluice.server.parser.event;

import com.github.shyiko.mysql.binlog.event.EventData;
import java.util.BitSet;
import java.util.List;

/**
 * A TABLE_MAP event: the binlog's own description of a table for the row events that follow. Types are the
 * binlog types (a CHAR and an ENUM are both STRING here, told apart by {@link #realType}); names, signedness,
 * charsets and ENUM/SET labels are only present with MySQL 8 / MariaDB 10.5 {@code binlog_row_metadata}.
 *
 * @param realTypes    per column, the type after unfolding STRING's metadata (ENUM, SET, STRING or a folded type)
 * @param meta         per column, the type metadata as MySQL defines it for that type
 * @param signedness   true = UNSIGNED, per column; null when the event carries no signedness
 * @param collations   per column, collation id of character columns (0 otherwise); null when absent
 * @param columnNames  null when absent
 * @param enumValues   per column, ENUM labels (null for non-ENUM columns); null when absent
 * @param setValues    per column, SET labels; null when absent
 * @param primaryKey   column indexes of the primary key; null when absent
 */
public record TableMapData(long tableId, String schema, String table, int[] types, int[] realTypes, int[] meta,
                           BitSet nullable, boolean[] signedness, int[] collations, List<String> columnNames,
                           String[][] enumValues, String[][] setValues, int[] primaryKey, int[] vectorDimensions)
        implements EventData {

    public int columnCount() {
        return types.length;
    }

    public boolean hasColumnNames() {
        return columnNames != null && columnNames.size() == types.length;
    }

    /** Same table layout as another map of the same id (MySQL reuses ids only for unchanged tables). */
    public boolean sameLayout(TableMapData other) {
        return other != null && java.util.Arrays.equals(types, other.types) && java.util.Arrays.equals(meta, other.meta)
                && schema.equals(other.schema) && table.equals(other.table);
    }

    @Override
    public String toString() {
        return "TableMap{" + tableId + " " + schema + "." + table + " columns=" + types.length + "}";
    }
}
