package io.sluice.server.parser;

import io.sluice.server.position.BinlogPosition;

/**
 * Reads a table's current structure from the master ({@code SHOW CREATE TABLE}) when the history has none that
 * fits the rows. Absent when decoding files.
 */
interface TableStructureSource {

    /** The CREATE TABLE text, or null when the table does not exist or cannot be read. */
    String showCreateTable(String schema, String table);

    /**
     * The master's binlog position now, or null when it cannot be read: asked right after a structure, it is
     * where that structure is proven from (see {@link io.sluice.server.parser.schema.TableProof}).
     */
    BinlogPosition currentPosition();

    /** The master connection as a structure source. */
    static TableStructureSource of(MasterConnection master, org.slf4j.Logger log) {
        return new TableStructureSource() {
            @Override
            public String showCreateTable(String schema, String table) {
                return master.showCreateTable(schema, table);
            }

            @Override
            public BinlogPosition currentPosition() {
                try {
                    return master.currentPosition();
                } catch (java.sql.SQLException | RuntimeException e) {
                    log.warn("cannot read the master's position after reading a table structure ({}); the "
                            + "structure cannot be proven for older positions", e.getMessage());
                    return null;
                }
            }
        };
    }
}
