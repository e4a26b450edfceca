package io.sluice.server.sink;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.ParsedEntry;
import java.util.Set;

/**
 * canal's column filters: {@code canal.instance.filter.field} keeps only the listed columns of the listed
 * tables, {@code canal.instance.filter.black.field} drops the listed ones. Tables not listed pass untouched
 * (the same entry, its bytes not parsed). A stage after the lookups, so that it shapes what clients get: a
 * field filter must list the columns a lookup adds to keep them.
 */
final class ColumnFilter implements SinkStage {

    private final ColumnSelection keep;
    private final ColumnSelection drop;

    ColumnFilter(ColumnSelection keep, ColumnSelection drop) {
        this.keep = keep;
        this.drop = drop;
    }

    boolean isEmpty() {
        return keep.isEmpty() && drop.isEmpty();
    }

    @Override
    public void apply(ParsedEntry e, Output out) throws InterruptedException {
        if (e.entryType() != CanalEntry.EntryType.ROWDATA || !e.isRowChange() || e.isDdl()) {
            out.accept(e);
            return;
        }
        Set<String> kept = keep.columns(e.schema(), e.table());
        Set<String> dropped = drop.columns(e.schema(), e.table());
        if (kept == null && dropped == null) {
            out.accept(e);
            return;
        }
        CanalEntry.RowChange rc = e.rowChange();
        CanalEntry.RowChange filtered = apply(kept, dropped, rc);
        out.accept(filtered == rc ? e : e.withPayload(filtered));
    }

    private static CanalEntry.RowChange apply(Set<String> kept, Set<String> dropped, CanalEntry.RowChange rc) {
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
