package io.sluice.server.parser.schema;

import io.sluice.protocol.entry.CanalEntry;

/**
 * What one statement of a query event does, in canal's terms: the entry's EventType and its target table.
 *
 * @param type      CREATE, ALTER, ERASE, RENAME, TRUNCATE, CINDEX, DINDEX, QUERY, or INSERT/UPDATE/DELETE for
 *                  a statement-logged DML
 * @param schema    target schema (the statement's, else the session default), may be null
 * @param table     target table, null for database-level statements
 * @param oldSchema RENAME source schema, else null
 * @param oldTable  RENAME source table, else null
 */
public record DdlTarget(CanalEntry.EventType type, String schema, String table, String oldSchema, String oldTable) {

    public boolean isDml() {
        return type == CanalEntry.EventType.INSERT || type == CanalEntry.EventType.UPDATE
                || type == CanalEntry.EventType.DELETE;
    }
}
