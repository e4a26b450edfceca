package io.sluice.client.table;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one source table is applied: into {@code target} (a name as the target database resolves it, optionally
 * schema-qualified), with {@code columns} mapping source column names to target column names (empty = every
 * column under its own name). {@code alter}: what an ALTER TABLE of the source does (see {@link Alter}).
 */
record TargetTable(String schema, String table, String target, Map<String, String> columns, Alter alter) {

    /** {@code sync.alter} / {@code sync.table.X.alter}. */
    enum Alter {
        /** The sync stops before the ALTER; the user alters the target and restarts. */
        STOP,
        /** The sync goes on; the user altered the target (or will). */
        IGNORE,
        /** ADD/DROP/RENAME COLUMN applied to the target by the sync; anything else stops it. */
        FOLLOW
    }

    TargetTable {
        columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    }

    /** True when the properties list the columns to copy (an added source column is then not copied). */
    boolean selectsColumns() {
        return !columns.isEmpty();
    }

    /** True when {@code columns} names this source column (case-insensitively, as MySQL does). */
    boolean listsColumn(String source) {
        return columns.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(source));
    }

    String fullName() {
        return schema + "." + table;
    }

    /** The target column of a source column, or null when it is not copied. */
    String targetColumn(String source) {
        if (columns.isEmpty()) {
            return source;
        }
        String t = columns.get(source);
        if (t == null) {
            for (Map.Entry<String, String> e : columns.entrySet()) {
                if (e.getKey().equalsIgnoreCase(source)) {
                    return e.getValue();
                }
            }
        }
        return t;
    }
}
