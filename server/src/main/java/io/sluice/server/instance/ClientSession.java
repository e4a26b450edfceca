package io.sluice.server.instance;

import io.sluice.server.entry.StoredEntry;
import io.sluice.server.meta.ClientCursor;
import io.sluice.server.meta.ClientIdentity;
import io.sluice.server.meta.LogPosition;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.position.SourcePositions;
import io.sluice.server.sink.CanalRegexFilter;
import io.sluice.server.sink.FilterSyntaxException;
import io.sluice.server.store.RingBufferStore;
import io.sluice.server.store.Slice;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;

/**
 * One subscribed client of a running destination: its reader over the store, its subscribe filter, its
 * outstanding batches (canal's batch ledger, ids from 1), and what it acknowledged.
 *
 * <p>Gets of one client are serialized by {@link #getLock}; ack and rollback only take the ledger's monitor,
 * so they never wait for a get that is parked on the store. A get that raced with a rollback is discarded
 * (its entries come again), which the {@link #generation} counter detects.
 */
final class ClientSession {

    final ClientIdentity client;
    final RingBufferStore.Reader reader;
    final ReentrantLock getLock = new ReentrantLock();
    private final Deque<BatchMark> outstanding = new ArrayDeque<>();
    private volatile CanalRegexFilter filter;
    private volatile String filterText = "";
    private long nextBatchId = 1;
    private long generation;
    private SourcePositions acked;
    private ClientCursor cursor;
    private final BiFunction<String, BinlogPosition, LogPosition> logPosition;
    /** When this id last made a request (or was loaded from meta), for the client list and idle expiry. */
    private volatile long lastRequestMillis = System.currentTimeMillis();

    /**
     * @param logPosition canal's LogPosition of a position of a source (it names the source's master)
     */
    ClientSession(ClientIdentity client, RingBufferStore.Reader reader, String filter, ClientCursor cursor,
                  BiFunction<String, BinlogPosition, LogPosition> logPosition) {
        this.client = client;
        this.logPosition = logPosition;
        this.reader = reader;
        this.cursor = cursor;
        this.acked = cursor == null ? SourcePositions.NONE : cursor.resume();
        filter(filter);
    }

    void touch() {
        lastRequestMillis = System.currentTimeMillis();
    }

    /** What operators see of this id right now. */
    ClientStatus status(long nowMillis) {
        RingBufferStore.Lag lag = reader.lag();
        ClientCursor c;
        int outstandingNow;
        synchronized (this) {
            c = cursor;
            outstandingNow = outstanding.size();
        }
        // a fetch parked on the store is a client waiting for data, not an idle one
        boolean waiting = getLock.isLocked();
        long idle = waiting ? 0 : Math.max(0, nowMillis - lastRequestMillis) / 1000;
        return new ClientStatus(client.clientId(), client.isPeek() ? "peek" : "client", filterText,
                c == null ? "" : c.ackPoint().position().toString(), lag.entries(), lag.bytes(),
                lag.entries() == 0 ? 0 : Math.max(0, nowMillis - lag.oldestPutMillis()) / 1000,
                java.time.Instant.ofEpochMilli(lastRequestMillis).toString(), idle, outstandingNow,
                lag.holdsFreePosition(), lag.skippedEntries());
    }

    void filter(String text) {
        this.filter = compile(client, text);
        this.filterText = text == null ? "" : text;
    }

    /** A subscribe filter as canal reads it; a broken regex is the client's error, answered with its item. */
    static CanalRegexFilter compile(ClientIdentity client, String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return CanalRegexFilter.including(text);
        } catch (FilterSyntaxException e) {
            throw new ClientRequestException("subscribe filter of " + client + " rejected: " + e.getMessage());
        }
    }

    synchronized long generation() {
        return generation;
    }

    /** The result of registering a slice: a batch for the client, or nothing (all skipped, or raced). */
    record Taken(Batch batch, boolean consumedSilently, ClientCursor cursorToSave) {
    }

    /**
     * Turns what the store handed out into the client's batch: entries the client already acknowledged
     * (a replay after a restart) and entries its subscribe filter excludes are consumed for it but not sent.
     */
    synchronized Taken register(Slice slice, long seenGeneration) {
        if (seenGeneration != generation) {
            // a rollback happened while this get was parked: its entries will come again from the ack cursor
            reader.rollback();
            return new Taken(Batch.EMPTY, false, null);
        }
        if (slice.isEmpty()) {
            return new Taken(Batch.EMPTY, false, null);
        }
        List<StoredEntry> kept = new ArrayList<>(slice.entries().size());
        CanalRegexFilter f = filter;
        LogPosition ackPoint = null;
        List<StoredEntry> entries = slice.entries();
        for (int i = entries.size() - 1; i >= 0 && ackPoint == null; i--) {
            StoredEntry e = entries.get(i);
            if (isCanalAckPoint(e)) {
                ackPoint = logPosition.apply(e.source(), e.position());
            }
        }
        for (StoredEntry e : entries) {
            if (acked.covers(e.source(), e.resume())) {
                continue;
            }
            if (f != null && !e.table().isEmpty() && !f.accepts(e.schema(), e.table())) {
                continue;
            }
            kept.add(e);
        }
        SourcePositions last = lastResumes(entries);
        if (kept.isEmpty()) {
            BatchMark tail = outstanding.pollLast();
            if (tail != null) {
                outstanding.addLast(tail.extend(slice.to(), ackPoint, last));
                return new Taken(Batch.EMPTY, true, null);
            }
            reader.ack(slice.to());
            return new Taken(Batch.EMPTY, true, advance(ackPoint, last));
        }
        BatchMark mark = new BatchMark(nextBatchId++, slice.from(), slice.to(), ackPoint, last);
        outstanding.addLast(mark);
        return new Taken(new Batch(mark.id(), kept), false, cursor == null ? startAt(entries) : null);
    }

    /**
     * A client's first batch, before it ever acked: its cursor becomes the point just before the batch, so that a
     * restart of the destination (a crash before the first ack) replays from there instead of from wherever the
     * configuration or the master's current position says (canal writes the store's first position at subscribe).
     * Only entries inside a transaction name such a point; null when the batch starts otherwise.
     */
    private ClientCursor startAt(List<StoredEntry> entries) {
        SourcePositions start = SourcePositions.NONE;
        String firstSource = null;
        for (StoredEntry e : entries) {
            if (start.get(e.source()) != null) {
                continue;
            }
            ResumePoint r = e.resume();
            if (r.skipEntries() == 0 || r.snapshot() != null) {
                return null;
            }
            start = start.with(e.source(), new ResumePoint(r.position(), r.skipEntries() - 1));
            firstSource = firstSource == null ? e.source() : firstSource;
        }
        if (firstSource == null) {
            return null;
        }
        acked = start;
        cursor = new ClientCursor(logPosition.apply(firstSource, start.get(firstSource).position()), start);
        return cursor;
    }

    private static SourcePositions lastResumes(List<StoredEntry> entries) {
        StoredEntry lastEntry = entries.get(entries.size() - 1);
        SourcePositions out = SourcePositions.of(lastEntry.source(), lastEntry.resume());
        // a merged destination interleaves sources: record the last entry of each
        for (int i = entries.size() - 2; i >= 0; i--) {
            StoredEntry e = entries.get(i);
            if (out.get(e.source()) == null) {
                out = out.with(e.source(), e.resume());
            }
        }
        return out;
    }

    /**
     * canal moves its cursor only to a transaction end, a DDL, or a BEGIN outside GTID mode (with GTIDs a
     * BEGIN's position would resume after the GTID event).
     */
    private static boolean isCanalAckPoint(StoredEntry e) {
        return e.kind().isCanalAckPoint()
                && !(e.kind() == StoredEntry.Kind.TRANSACTION_BEGIN && e.position().hasGtidSet());
    }

    /** Acks the oldest outstanding batch; canal's texts for anything else. Returns the cursor to save. */
    synchronized ClientCursor ack(long batchId) {
        BatchMark first = outstanding.peekFirst();
        if (first == null) {
            throw new ClientRequestException(String.format("ack error , clientId:%s batchId:%d is not exist , please check",
                    client.clientId(), batchId));
        }
        if (first.id() != batchId) {
            throw new ClientRequestException(String.format("batchId:%d is not the firstly:%d", batchId, first.id()));
        }
        outstanding.pollFirst();
        reader.ack(first.to());
        return advance(first.ackPoint(), first.resume());
    }

    /**
     * Rolls back: 0 = every outstanding batch; otherwise the oldest, which as in canal moves the get cursor
     * back to the ack cursor, so the batches after it come again too (under new ids).
     */
    synchronized void rollback(long batchId) {
        if (batchId != 0) {
            BatchMark first = outstanding.peekFirst();
            if (first == null) {
                throw new ClientRequestException(String.format(
                        "rollback error, clientId:%s batchId:%d is not exist , please check", client.clientId(), batchId));
            }
            if (first.id() != batchId) {
                throw new ClientRequestException(String.format("batchId:%d is not the firstly:%d", batchId, first.id()));
            }
        }
        outstanding.clear();
        generation++;
        reader.rollback();
    }

    synchronized int outstandingBatches() {
        return outstanding.size();
    }

    synchronized ClientCursor cursor() {
        return cursor;
    }

    private ClientCursor advance(LogPosition ackPoint, SourcePositions resume) {
        acked = acked.max(resume);
        LogPosition canalCursor = ackPoint != null ? ackPoint : cursor != null ? cursor.ackPoint() : null;
        if (canalCursor == null) {
            // nothing canal would call an ack point yet: name the transaction start, which re-reads at most
            // that transaction if canal ever resumes from it
            var any = acked.bySource().entrySet().iterator().next();
            canalCursor = logPosition.apply(any.getKey(), any.getValue().position());
        }
        cursor = new ClientCursor(canalCursor, acked);
        return cursor;
    }
}
