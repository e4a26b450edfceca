package io.sluice.client.table;

import java.util.List;
import java.util.StringJoiner;

/**
 * One idempotent change to a target table: an upsert of the row's after-image, a delete by key, or emptying the
 * table. Applying a batch's changes twice, in order, leaves the same table.
 */
sealed interface RowChange {

    TargetTable table();

    /** The source entry this change comes from; null when unknown (never skipped on replay). */
    SourcePosition position();

    /** A column value as canal sends it: text, or bytes carried as an ISO-8859-1 string; null text is SQL NULL. */
    record Value(String text, boolean binary) {
    }

    /**
     * Target column names and values; {@code keyColumns} name the primary key among them. {@code types}: the source
     * columns' {@code mysqlType}, in the order of {@code columns} (empty when unknown), to create a missing table.
     */
    record Upsert(TargetTable table, List<String> columns, List<Value> values, List<String> keyColumns,
                  List<Value> keyValues, List<String> types, SourcePosition position) implements RowChange {

        Upsert(TargetTable table, List<String> columns, List<Value> values, List<String> keyColumns,
               List<Value> keyValues) {
            this(table, columns, values, keyColumns, keyValues, List.of(), null);
        }
    }

    record Delete(TargetTable table, List<String> keyColumns, List<Value> keyValues, SourcePosition position)
            implements RowChange {

        Delete(TargetTable table, List<String> keyColumns, List<Value> keyValues) {
            this(table, keyColumns, keyValues, null);
        }
    }

    /** TRUNCATE or DROP TABLE of the source: the target table is emptied. */
    record Truncate(TargetTable table, SourcePosition position) implements RowChange {

        Truncate(TargetTable table) {
            this(table, null);
        }
    }

    /**
     * A column change of the target followed from an ALTER TABLE of the source; each is applied only when the
     * target is not already so (a batch applied twice alters once). {@code statement}: the source's ALTER, for
     * messages.
     */
    sealed interface Alter extends RowChange {
        String statement();
    }

    /** {@code type}: the target type; {@code defaultValue}: the SQL literal existing rows take, or null. */
    record AddColumn(TargetTable table, String column, String type, String defaultValue, String statement,
                     SourcePosition position) implements Alter {
    }

    record DropColumn(TargetTable table, String column, String statement, SourcePosition position) implements Alter {
    }

    record RenameColumn(TargetTable table, String from, String to, String statement, SourcePosition position)
            implements Alter {
    }

    /** MODIFY/CHANGE: go on only if the target column ({@code from}, or {@code to} once renamed) is of {@code type}. */
    record CheckType(TargetTable table, String from, String to, String type, String sourceType, String statement,
                     SourcePosition position) implements Alter {
    }

    /** The key as log lines show it: {@code id=5} or {@code a=1,b=x}; binary values as their length. */
    static String describeKey(List<String> columns, List<Value> values) {
        StringJoiner j = new StringJoiner(",");
        for (int i = 0; i < columns.size(); i++) {
            Value v = values.get(i);
            String shown = v.text() == null ? "NULL" : v.binary() ? "<" + v.text().length() + " bytes>" : v.text();
            j.add(columns.get(i) + "=" + (shown.length() > 64 ? shown.substring(0, 64) + "…" : shown));
        }
        return j.toString();
    }

    static String describe(RowChange change) {
        if (change instanceof Upsert u) {
            return "table " + u.table().target() + " key " + describeKey(u.keyColumns(), u.keyValues());
        }
        if (change instanceof Delete d) {
            return "table " + d.table().target() + " key " + describeKey(d.keyColumns(), d.keyValues());
        }
        if (change instanceof Alter a) {
            return "table " + change.table().target() + " (" + a.statement() + ")";
        }
        return "table " + change.table().target() + " (truncate)";
    }
}
