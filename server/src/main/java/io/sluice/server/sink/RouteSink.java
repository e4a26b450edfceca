package io.sluice.server.sink;

import io.sluice.server.entry.ParsedEntry;
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

    private final List<StoreSink> targets = new CopyOnWriteArrayList<>();

    public void add(StoreSink target) {
        targets.add(target);
    }

    public void remove(StoreSink target) {
        targets.remove(target);
    }

    public List<StoreSink> targets() {
        return List.copyOf(targets);
    }

    @Override
    public void put(List<ParsedEntry> entries) throws InterruptedException {
        for (StoreSink t : targets) {
            t.put(entries);
        }
    }

    /** A table is decoded when at least one destination keeps it. */
    public TableFilter tableFilter() {
        return (schema, table) -> {
            for (StoreSink t : targets) {
                if (t.tableFilter().accepts(schema, table)) {
                    return true;
                }
            }
            return false;
        };
    }
}
