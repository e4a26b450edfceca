package io.sluice.server.sink;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.store.StoreClosedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Route 1:n: one source's entries handed to several destinations' sinks, each applying its own filters, so
 * the binlog is read and decoded once. The source decodes a table when any destination wants it
 * ({@link #tableFilter()} is the union of theirs).
 *
 * <p>Row changes are looked at once per hand-off, not once per destination: the tables of a hand-off's row changes
 * are asked of each destination's table filter, and a destination that wants none of them gets the hand-off without
 * its row changes (its BEGIN, END and statements still go through its stages, which keep its positions moving), when
 * its sink is one whose first stage would drop those rows anyway ({@link RouteTarget#skipsUnwantedRows()}). With
 * fifty destinations of one table each, a row change then costs one table-filter question per destination per
 * hand-off instead of a pass of every entry through fifty destinations' stages.
 *
 * <p>The destinations share the source's pace: a destination whose store is full holds the others back,
 * as it holds back the master (there is one binlog connection).
 */
public final class RouteSink implements EntrySink {

    private final List<RouteTarget> targets = new CopyOnWriteArrayList<>();

    public void add(RouteTarget target) {
        targets.add(target);
    }

    public void remove(RouteTarget target) {
        targets.remove(target);
    }

    public List<RouteTarget> targets() {
        return List.copyOf(targets);
    }

    @Override
    public void put(List<ParsedEntry> entries) throws InterruptedException {
        HandOff handOff = new HandOff(entries);
        for (RouteTarget t : targets) {
            try {
                t.put(entries, handOff.forTarget(t));
            } catch (StoreClosedException e) {
                if (targets.contains(t)) {
                    throw e;
                }
                // that destination stopped and left while this put was on its way to it: nothing is lost
                // for the others, and it resumes from its own cursor when it comes back
            }
        }
    }

    /** A table is decoded when at least one destination keeps it. */
    public TableFilter tableFilter() {
        return (schema, table) -> {
            for (RouteTarget t : targets) {
                if (t.tableFilter().accepts(schema, table)) {
                    return true;
                }
            }
            return false;
        };
    }

    /**
     * Whether a destination's table filter decides this entry: a row change with rows (a table DDL, a statement or a
     * row change without rows goes by other settings).
     */
    static boolean isTableRows(ParsedEntry e) {
        return e.entryType() == CanalEntry.EntryType.ROWDATA && e.isRowChange() && !e.isDdl() && e.rowDataCount() > 0;
    }

    /** One put's entries, with what each destination needs of them worked out once. */
    private static final class HandOff {
        private final List<ParsedEntry> entries;
        /** schema, table, schema, table... of the row changes, each pair once; null until first asked. */
        private List<String> tables;
        /** The entries without their row changes; null until a destination needs it. */
        private List<ParsedEntry> withoutRows;

        HandOff(List<ParsedEntry> entries) {
            this.entries = entries;
        }

        List<ParsedEntry> forTarget(RouteTarget t) {
            if (!t.skipsUnwantedRows()) {
                return entries;
            }
            if (tables == null) {
                index();
            }
            if (tables.isEmpty()) {
                return entries;
            }
            TableFilter filter = t.tableFilter();
            for (int i = 0; i < tables.size(); i += 2) {
                if (filter.accepts(tables.get(i), tables.get(i + 1))) {
                    return entries;
                }
            }
            return withoutRows;
        }

        private void index() {
            tables = new ArrayList<>(2);
            withoutRows = new ArrayList<>(2);
            for (int i = 0; i < entries.size(); i++) {
                ParsedEntry e = entries.get(i);
                if (!isTableRows(e)) {
                    withoutRows.add(e);
                    continue;
                }
                String schema = e.schema();
                String table = e.table();
                if (!known(schema, table)) {
                    tables.add(schema);
                    tables.add(table);
                }
            }
        }

        private boolean known(String schema, String table) {
            // nearly always the pair just added: a hand-off is (part of) a transaction, mostly of one table
            for (int i = tables.size() - 2; i >= 0; i -= 2) {
                if (tables.get(i + 1).equals(table) && tables.get(i).equals(schema)) {
                    return true;
                }
            }
            return false;
        }
    }
}
