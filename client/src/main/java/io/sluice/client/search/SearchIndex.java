package io.sluice.client.search;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one source table is indexed: its rows become documents of {@code index}, with {@code fields} mapping source
 * column names to document field names (empty = every column under its own name).
 */
record SearchIndex(String schema, String table, String index, Map<String, String> fields) {

    SearchIndex {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    String fullName() {
        return schema + "." + table;
    }

    /** The document field of a source column, or null when it is not copied. */
    String field(String column) {
        if (fields.isEmpty()) {
            return column;
        }
        String f = fields.get(column);
        if (f == null) {
            for (Map.Entry<String, String> e : fields.entrySet()) {
                if (e.getKey().equalsIgnoreCase(column)) {
                    return e.getValue();
                }
            }
        }
        return f;
    }
}
