package io.sluice.server.sink;

import io.sluice.protocol.entry.CanalEntry;
import java.util.Set;

/**
 * canal's column filters: {@code canal.instance.filter.field} keeps only the listed columns of the listed
 * tables, {@code canal.instance.filter.black.field} drops the listed ones. Tables not listed pass untouched.
 */
final class ColumnFilter {

    private final ColumnSelection keep;
    private final ColumnSelection drop;

    ColumnFilter(ColumnSelection keep, ColumnSelection drop) {
        this.keep = keep;
        this.drop = drop;
    }

    boolean isEmpty() {
        return keep.isEmpty() && drop.isEmpty();
    }

    CanalEntry.RowChange apply(String schema, String table, CanalEntry.RowChange rc) {
        Set<String> kept = keep.columns(schema, table);
        Set<String> dropped = drop.columns(schema, table);
        if (kept == null && dropped == null) {
            return rc;
        }
        return RowColumns.map(rc, c -> {
            String name = c.getName();
            if (kept != null && !kept.contains(name)) {
                return null;
            }
            if (dropped != null && dropped.contains(name)) {
                return null;
            }
            return c;
        });
    }
}
