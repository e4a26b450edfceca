package io.sluice.server.store;

import io.sluice.server.entry.StoredEntry;
import java.util.List;

/**
 * What one get took from a reader's view of the store: the entries with sequence numbers
 * {@code [from, to)}. Acking {@code to} releases them for this reader.
 */
public record Slice(long from, long to, List<StoredEntry> entries) {

    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
