package io.sluice.server.parser.schema;

import java.util.List;
import java.util.Objects;

/**
 * A table's columns at one point of the binlog, and the normalized CREATE TABLE they were read from (which
 * is what the history persists and replays).
 */
public record TableStructure(String schema, String table, List<ColumnDef> columns, String createSql) {

    public TableStructure {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
        columns = List.copyOf(columns);
        createSql = createSql == null ? "" : createSql;
    }

    public int columnCount() {
        return columns.size();
    }

    public ColumnDef column(int index) {
        return columns.get(index);
    }

    public String fullName() {
        return schema + "." + table;
    }
}
