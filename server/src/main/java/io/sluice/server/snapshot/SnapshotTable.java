package io.sluice.server.snapshot;

import io.sluice.server.parser.schema.TableStructure;
import io.sluice.server.position.SnapshotProgress;
import java.util.List;

/**
 * A table as a snapshot reads it: its structure (from {@code SHOW CREATE TABLE}, as the parser's schema history
 * reads it) and the key its rows are paged by.
 *
 * @param name      schema and table
 * @param structure columns, as the binlog parser knows them
 * @param key       the paging key's columns in index order; empty for a full scan
 * @param keySource where the key comes from
 */
record SnapshotTable(SnapshotProgress.Table name, TableStructure structure, List<KeyColumn> key, KeySource keySource) {

    /** PRIMARY KEY, else a UNIQUE key of NOT NULL columns, else none (full scan). */
    enum KeySource { PRIMARY, UNIQUE, NONE }

    /**
     * One key column and how its value travels between the result set and the next chunk's bound parameter.
     *
     * @param name the column
     * @param form how the value is read and bound
     */
    record KeyColumn(String name, Form form) {

        /**
         * TEXT: as its text (compared in the column's collation); HEX: binary columns, whose bytes would not
         * survive a round trip through a Java string; NUMBER: ENUM and SET, which sort by their index, not by
         * label.
         */
        enum Form { TEXT, HEX, NUMBER }

        String select() {
            String q = ChunkQuery.quote(name);
            return switch (form) {
                case TEXT -> "CAST(" + q + " AS CHAR)";
                case HEX -> "HEX(" + q + ")";
                case NUMBER -> q + " + 0";
            };
        }

        String parameter() {
            return switch (form) {
                case TEXT -> "?";
                case HEX -> "UNHEX(?)";
                case NUMBER -> "CAST(? AS UNSIGNED)";
            };
        }
    }

    SnapshotTable {
        key = List.copyOf(key);
    }

    boolean hasKey() {
        return !key.isEmpty();
    }
}
