package io.sluice.server.metrics;

import io.sluice.server.ha.HaCoordinator;
import io.sluice.server.instance.DestinationInstance;
import io.sluice.server.parser.ParserStatus;
import io.sluice.server.store.RingBufferStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A snapshot of every destination the server knows, for the metrics, the status view and the progress lines: asks
 * each destination for its state, store and clients, and its parsers (one, or one per merged source) for their
 * progress. Taken afresh at every call; nothing is cached.
 */
public final class DestinationStatsCollector implements Supplier<List<DestinationStats>> {

    private final Supplier<Collection<DestinationInstance>> destinations;
    private final Function<String, List<ParserStatus>> parsers;
    /** Null without HA. */
    private final HaCoordinator ha;
    private final ErrorHistory errors = new ErrorHistory();

    /**
     * @param destinations every destination of the server, started or not
     * @param parsers      a destination's parsers by its name
     * @param ha           the server's HA coordinator, null without HA (a stopped destination is STOPPED, not STANDBY)
     */
    public DestinationStatsCollector(Supplier<Collection<DestinationInstance>> destinations,
                                     Function<String, List<ParserStatus>> parsers, HaCoordinator ha) {
        this.destinations = destinations;
        this.parsers = parsers;
        this.ha = ha;
    }

    /** The last distinct errors of each destination, as seen by the calls of {@link #get()}. */
    public ErrorHistory errors() {
        return errors;
    }

    @Override
    public List<DestinationStats> get() {
        long now = System.currentTimeMillis();
        List<DestinationStats> out = new ArrayList<>();
        for (DestinationInstance i : destinations.get()) {
            out.add(of(i, now));
        }
        return out;
    }

    private DestinationStats of(DestinationInstance i, long now) {
        List<ParserStatus> ps = i.isRunning() ? parsers.apply(i.name()) : List.of();
        long rows = 0;
        long txns = 0;
        long entries = 0;
        long reconnects = 0;
        long delay = 0;
        String position = "";
        String error = "";
        for (ParserStatus p : ps) {
            rows += p.rows();
            txns += p.transactions();
            entries += p.entriesPut();
            reconnects += p.reconnects();
            delay = Math.max(delay, p.delayMillis(now));
            if (p.position() != null) {
                position = position.isEmpty() ? p.position().toString() : position + ", " + p.position();
            }
            if (p.lastError() != null && !p.lastError().isEmpty()) {
                error = p.lastError();
            }
        }
        errors.record(i.name(), error, now);
        RingBufferStore store = i.store().orElse(null);
        DestinationInstance.ClientCounters c = i.clientCounters();
        String state = i.isRunning() ? (i.hasFailedSource() ? "FAILED" : "RUNNING")
                : ha != null ? "STANDBY" : "STOPPED";
        String active = ha == null ? (i.isRunning() ? "local" : "") : ha.activeServer(i.name()).orElse("");
        return new DestinationStats(i.name(), state, active, position,
                i.oldestAck().map(String::valueOf).orElse(""), delay, rows, txns, entries, reconnects,
                store == null ? 0 : store.heldEntries(), store == null ? 0 : store.heldBytes(),
                store == null ? 0 : store.settings().capacity(),
                store == null ? 0 : store.settings().byteCapacity(),
                store == null ? 0 : store.putSequence(), store == null ? 0 : store.releasedSequence(),
                c.batchesServed(), c.batchesAcked(), c.rollbacks(), error, i.clients());
    }
}
