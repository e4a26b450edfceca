package io.sluice.client.table;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one source table is applied: into {@code target} (a name as the target database resolves it, optionally
 * schema-qualified), with {@code columns} mapping source column names to target column names (empty = every
 * column under its own name). {@code followAlter} false: an ALTER TABLE of the source stops the sync.
 */
record TargetTable(String schema, String table, String target, Map<String, String> columns, boolean followAlter) {

    TargetTable {
        columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
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
