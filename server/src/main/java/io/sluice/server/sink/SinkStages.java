package io.sluice.server.sink;

import io.sluice.server.sink.lookup.LookupTransform;
import io.sluice.server.sink.rows.RowContentFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The stages of one destination's sink, in their order, and the tables they need decoded. The order: the table
 * and kind filter first ({@link EntryFilter}), so that dropped rows cost nothing further; the row-content filter
 * ({@code sluice.filter.rows}) and the lookups ({@code sluice.transform.lookup.*}) next, seeing the row as the
 * binlog has it; the column filter then shapes what clients get (a field filter must list the columns a lookup
 * adds to keep them); the user transforms ({@code sluice.instance.transforms}) last, in their configured order,
 * seeing what clients would get.
 *
 * <p>A step with nothing configured is left out rather than passing everything on, so a destination without
 * filters, lookups or transforms runs the table and kind filter alone (see {@link StageChain} on encoding once).
 */
public final class SinkStages {

    private static final RowContentFilter NO_ROW_FILTER = new RowContentFilter(Map.of(), false);

    private final StageChain chain;
    private final TableFilter tableFilter;

    private SinkStages(StageChain chain, TableFilter tableFilter) {
        this.chain = chain;
        this.tableFilter = tableFilter;
    }

    /**
     * @param rows       the row-content filter (empty: every row is kept)
     * @param lookups    lookup enrichments, applied in order; the caller closes them
     * @param transforms user transforms, applied in order
     */
    public static SinkStages of(FilterSettings settings, RowContentFilter rows, List<LookupTransform> lookups,
                                List<EntryTransform> transforms) {
        LookupStage lookup = lookups.isEmpty() ? null : new LookupStage(lookups);
        EntryFilter filter = lookup == null ? new EntryFilter(settings) : new EntryFilter(settings, lookup::sawDroppedRow);
        ColumnFilter columns = new ColumnFilter(ColumnSelection.parse(settings.fields()),
                ColumnSelection.parse(settings.blackFields()));
        List<SinkStage> stages = new ArrayList<>();
        stages.add(filter);
        if (!rows.isEmpty()) {
            stages.add(new RowFilterStage(rows));
        }
        if (lookup != null) {
            stages.add(lookup);
        }
        if (!columns.isEmpty()) {
            stages.add(columns);
        }
        for (EntryTransform t : transforms) {
            stages.add(new TransformStage(t));
        }
        CanalRegexFilter tables = filter.tables();
        TableFilter decode = lookup == null ? tables
                : (schema, table) -> tables.accepts(schema, table) || lookup.readsFrom(schema, table);
        return new SinkStages(new StageChain(stages), decode);
    }

    /** Filters and user transforms only: no row-content filter, no lookups. */
    public static SinkStages of(FilterSettings settings, List<EntryTransform> transforms) {
        return of(settings, NO_ROW_FILTER, List.of(), transforms);
    }

    StageChain chain() {
        return chain;
    }

    /**
     * What the parser asks at TABLE_MAP: the include and exclude filters, plus the tables lookups read from
     * (decoded for their cache invalidation, dropped before the store).
     */
    public TableFilter tableFilter() {
        return tableFilter;
    }
}
