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
     * @param file        binlog file of the version's position
     * @param offset      byte offset of the version's position
     * @param ddl         normalized CREATE TABLE, or "" when the table was dropped at this position
     * @param provenFrom  where the structure is known to be the table's own: null (absent in histories written
     *                    before it existed) when from its own position on; {@code file:offset} when it was read
     *                    from the master while the master was there, ahead of the version's position (a DDL
     *                    between the two would have been seen by the stream and replaced the version);
     *                    {@link TableProof#NEVER} when it was derived by a DDL from a structure not proven at the
     *                    DDL's position
     */
    public record TableVersion(String file, long offset, String schema, String table, String ddl, String provenFrom) {

        public TableVersion(String file, long offset, String schema, String table, String ddl) {
            this(file, offset, schema, table, ddl, null);
        }
    }

    /** @param charset the database's default charset; null when the database was dropped */
    public record DatabaseVersion(String file, long offset, String schema, String charset) {
    }
}
