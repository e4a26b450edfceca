package io.sluice.server.sink;

import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.position.SourcePositions;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One destination fed by a shared source (route 1:n), as the {@link RouteSink} and the route's coordinator see
 * it: the destination's sink and the tables it wants decoded, plus what sharing a source takes. When the shared
 * source restarts further back than this destination already got (another destination joined with an earlier
 * resume point), the replayed entries up to a floor are dropped here, before the destination's stages, so
 * nobody sees an entry twice; {@link #lastSeen()} tells the coordinator how far the source has got.
 */
public final class RouteTarget implements EntrySink {

    private final EntrySink sink;
    private final TableFilter tableFilter;
    private final boolean skipsUnwantedRows;
    private final AtomicReference<ResumePoint> floor = new AtomicReference<>();
    private ResumePoint lastSeen;

    public RouteTarget(EntrySink sink, TableFilter tableFilter) {
        this.sink = sink;
        this.tableFilter = tableFilter;
        // a StoreSink's stages start with the destination's table filter, and its table filter is what is asked here
        this.skipsUnwantedRows = sink instanceof StoreSink store && store.tableFilter() == tableFilter;
    }

    public TableFilter tableFilter() {
        return tableFilter;
    }

    /**
     * Whether row changes of tables {@link #tableFilter()} rejects may be left out of what this destination is handed:
     * its sink's first stage is the destination's table filter, which drops them without a trace (a lookup's source
     * tables are in {@link #tableFilter()}, so the rows it reads are never left out).
     */
    public boolean skipsUnwantedRows() {
        return skipsUnwantedRows;
    }

    @Override
    public void put(List<ParsedEntry> entries) throws InterruptedException {
        put(entries, entries);
    }

    /**
     * Puts a hand-off of the shared source.
     *
     * @param entries  the whole hand-off: it decides the replay floor and {@link #lastSeen()}
     * @param delivery what this destination's sink gets of it: {@code entries}, or (when {@link #skipsUnwantedRows()})
     *                 {@code entries} without row changes of tables it does not want
     */
    synchronized void put(List<ParsedEntry> entries, List<ParsedEntry> delivery) throws InterruptedException {
        if (entries.isEmpty()) {
            return;
        }
        int from = 0;
        ResumePoint below = floor.get();
        if (below != null) {
            delivery = entries; // rare (after a restart of the shared source): the floor is decided on every entry
            while (from < entries.size() && SourcePositions.ORDER.compare(entries.get(from).resume(), below) <= 0) {
                from++; // a replay after the shared source restarted further back
            }
            if (from < entries.size()) {
                floor.compareAndSet(below, null); // past it; a floor set meanwhile stays
            }
        }
        if (from < delivery.size()) {
            sink.put(from == 0 ? delivery : delivery.subList(from, delivery.size()));
        }
        lastSeen = entries.get(entries.size() - 1).resume();
    }

    /** Drops entries at or before this resume point until the first entry past it. */
    public void dropUpTo(ResumePoint resume) {
        floor.set(resume);
    }

    /** The resume point of the last entry put, filtered or not; null before the first. */
    public synchronized ResumePoint lastSeen() {
        return lastSeen;
    }
}
