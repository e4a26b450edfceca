package io.sluice.server.sink;

import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.store.StoreClosedException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Route 1:n: one source's entries handed to several destinations' sinks, each applying its own filters, so
 * the binlog is read and decoded once. The source decodes a table when any destination wants it
 * ({@link #tableFilter()} is the union of theirs).
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
        for (RouteTarget t : targets) {
            try {
                t.put(entries);
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
}
