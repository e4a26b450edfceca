package io.sluice.server.parser;

import io.sluice.server.parser.schema.TableStructure;

/**
 * Reads a table's current structure from the master ({@code SHOW CREATE TABLE}) when the history has none that
 * fits the rows. Absent when decoding files.
 */
@FunctionalInterface
interface TableStructureSource {

    /** The CREATE TABLE text, or null when the table does not exist or cannot be read. */
    String showCreateTable(String schema, String table);
}
