package io.sluice.server.parser;

import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.sink.EntrySink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps everything the parser puts, and each put's size (to check that transactions arrive whole or chunked). */
final class CollectingSink implements EntrySink {

    final List<ParsedEntry> entries = new CopyOnWriteArrayList<>();
    final List<Integer> putSizes = new CopyOnWriteArrayList<>();

    @Override
    public void put(List<ParsedEntry> batch) {
        entries.addAll(batch);
        putSizes.add(batch.size());
    }

    List<ParsedEntry> snapshot() {
        return new ArrayList<>(entries);
    }
}
