package io.sluice.server.sink;

import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.sink.rows.RowContentFilter;
import java.util.List;

/**
 * The row-content filter ({@code sluice.filter.rows}) as a stage: after the table and kind filter, before the
 * lookups, so it sees the row as the binlog has it. An entry of a table without a condition passes as it is.
 */
final class RowFilterStage implements SinkStage {

    private final RowContentFilter rows;

    RowFilterStage(RowContentFilter rows) {
        this.rows = rows;
    }

    @Override
    public void apply(ParsedEntry entry, Output out) throws InterruptedException {
        if (!rows.covers(entry)) {
            out.accept(entry);
            return;
        }
        List<ParsedEntry> kept = rows.apply(entry);
        for (int i = 0; i < kept.size(); i++) {
            out.accept(kept.get(i));
        }
    }
}
