package io.sluice.server.parser;

import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.sink.EntrySink;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects a transaction's entries and hands them to the sink whole, or in chunks when the transaction is
 * large. Entries whose ordinal is covered by the resume point's {@code skipEntries} are dropped here (they
 * were acknowledged, or already put before a reconnect). Remembers the resume point of the last entry put:
 * that is where a reconnect continues.
 */
final class TransactionBuffer {

    /** canal's {@code canal.instance.transaction.size}: a larger transaction goes to the sink in pieces. */
    static final int DEFAULT_CHUNK = 1024;

    private final EntrySink sink;
    private final int chunkSize;
    private final List<ParsedEntry> pending = new ArrayList<>();
    private int skip;
    private ResumePoint lastPut;
    private long entriesPut;

    TransactionBuffer(EntrySink sink, int chunkSize, ResumePoint start) {
        this.sink = sink;
        this.chunkSize = chunkSize;
        this.lastPut = start;
        this.skip = start == null ? 0 : start.skipEntries();
    }

    /** Adds an entry of the open unit with its 1-based ordinal; flushes a full chunk. */
    void add(ParsedEntry entry, int ordinal) throws InterruptedException {
        if (ordinal <= skip) {
            return;
        }
        pending.add(entry);
        if (pending.size() >= chunkSize) {
            flush();
        }
    }

    /** The unit is complete (END, a standalone DDL): everything goes to the sink; later units skip nothing. */
    void endUnit() throws InterruptedException {
        flush();
        skip = 0;
    }

    /** A unit that produced no entry (filtered, empty) still moves the restart point past it. */
    void advance(ResumePoint boundary) {
        if (pending.isEmpty()) {
            lastPut = boundary;
        }
        skip = 0;
    }

    void flush() throws InterruptedException {
        if (pending.isEmpty()) {
            return;
        }
        List<ParsedEntry> batch = List.copyOf(pending);
        sink.put(batch);
        pending.clear();
        lastPut = batch.get(batch.size() - 1).resume();
        entriesPut += batch.size();
    }

    /** Forgets entries not yet put (the connection broke mid-unit; they will be read again). */
    void discardPending() {
        pending.clear();
    }

    ResumePoint lastPut() {
        return lastPut;
    }

    long entriesPut() {
        return entriesPut;
    }
}
