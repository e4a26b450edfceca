package io.sluice.server.instance;

import io.sluice.server.entry.StoredEntry;
import java.util.List;

/**
 * What a GET returns: a batch id (canal's, per destination and client, from 1) and the serialized entries.
 * An empty batch has id -1 and allocates no id.
 */
public record Batch(long id, List<StoredEntry> entries) {

    public static final Batch EMPTY = new Batch(-1, List.of());

    public Batch {
        entries = List.copyOf(entries);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
