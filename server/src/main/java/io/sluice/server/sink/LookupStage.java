package io.sluice.server.sink;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.sink.lookup.LookupTransform;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The lookup enrichments ({@code sluice.transform.lookup.*}) as one stage, applied in their configured order to
 * the row changes that pass the filters. The rows of a table a lookup reads from also come here when the
 * destination's filter drops them ({@link #sawDroppedRow}): they invalidate the lookup caches and go no further.
 * The caller closes the lookups.
 */
final class LookupStage implements SinkStage {

    private final List<LookupTransform> lookups;
    private final Set<String> sources;

    LookupStage(List<LookupTransform> lookups) {
        this.lookups = List.copyOf(lookups);
        Set<String> s = new HashSet<>();
        for (LookupTransform l : lookups) {
            s.add(l.fromTable().toLowerCase(Locale.ROOT));
        }
        this.sources = Set.copyOf(s);
    }

    /** Whether a lookup reads this table, so that the parser must decode it even when no client wants it. */
    boolean readsFrom(String schema, String table) {
        return sources.contains((schema + "." + table).toLowerCase(Locale.ROOT));
    }

    @Override
    public void apply(ParsedEntry entry, Output out) throws InterruptedException {
        if (entry.entryType() != CanalEntry.EntryType.ROWDATA) {
            out.accept(entry);
            return;
        }
        through(0, entry, out);
    }

    private void through(int index, ParsedEntry entry, Output out) throws InterruptedException {
        if (index == lookups.size()) {
            out.accept(entry);
            return;
        }
        List<ParsedEntry> enriched = lookups.get(index).apply(entry);
        for (int i = 0; i < enriched.size(); i++) {
            through(index + 1, enriched.get(i), out);
        }
    }

    /** A row change the table filter dropped: a lookup reading its table invalidates its cache with it. */
    void sawDroppedRow(ParsedEntry entry) throws InterruptedException {
        if (readsFrom(entry.schema(), entry.table())) {
            for (LookupTransform l : lookups) {
                l.apply(entry); // the entry itself is not for clients
            }
        }
    }
}
