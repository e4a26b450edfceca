package io.sluice.client.redis;

import java.util.List;

/**
 * How one table is mirrored: each row is a hash at {@code key}; {@code columns} chooses the hash fields (empty =
 * every column).
 */
record TableMapping(String schema, String table, KeyTemplate key, List<String> columns) {

    TableMapping {
        columns = List.copyOf(columns);
    }

    String fullName() {
        return schema + "." + table;
    }

    boolean keeps(String column) {
        return columns.isEmpty() || columns.contains(column);
    }
}
