package io.sluice.server.parser.schema;

import java.util.List;

/**
 * Everything a schema history persists: every table version and every database charset change, in binlog
 * order. A version's position is the end of the DDL event that produced it (or the start position for
 * structures read from the master), so a restart at a position keeps exactly the versions before it.
 */
public record SchemaHistoryState(List<TableVersion> tables, List<DatabaseVersion> databases) {

    public static final SchemaHistoryState EMPTY = new SchemaHistoryState(List.of(), List.of());

    public SchemaHistoryState {
        tables = List.copyOf(tables);
        databases = List.copyOf(databases);
    }

    public boolean isEmpty() {
        return tables.isEmpty() && databases.isEmpty();
    }

    /**
     * @param file   binlog file of the version's position
     * @param offset byte offset of the version's position
     * @param ddl    normalized CREATE TABLE, or "" when the table was dropped at this position
     */
    public record TableVersion(String file, long offset, String schema, String table, String ddl) {
    }

    /** @param charset the database's default charset; null when the database was dropped */
    public record DatabaseVersion(String file, long offset, String schema, String charset) {
    }
}
