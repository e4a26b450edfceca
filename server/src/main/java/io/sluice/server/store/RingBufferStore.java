package io.sluice.server.store;

import io.sluice.server.entry.StoredEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A destination's bounded store of serialized entries: a ring of {@code capacity} slots addressed by
 * ever-increasing sequence numbers. One put sequence, and per reader (one per subscribed client) a get
 * and an ack sequence, with put ≥ get ≥ ack. Entries are freed once every reader acked them.
 *
 * <p>The store is bounded by entry count and by bytes: a put that does not fit waits (the parser stops
 * reading the binlog socket, so TCP pushes back on the master) and memory never grows. An entry larger
 * than the whole byte bound is admitted when the store is otherwise empty, so it passes alone instead of
 * blocking forever.
 *
 * <p>Batches follow canal's rules (CANAL-PROTOCOL.md §2.5): ITEMSIZE counts entries; MEMSIZE counts bytes
 * as {@code fetchSize × memunit}, adding entries while the running total is within the limit (so one
 * entry may overshoot), always at least one entry. With DDL isolation a DDL travels alone.
 *
 * <p>A <em>follower</em> reader ({@link #openFollower()}, a peek) reads the same entries but never makes the
 * producer wait: entries it has not acked are kept only while the store has room; as soon as a put needs space,
 * what every holding reader acked is freed as if the follower were not there, and the follower, when it reads
 * again, skips what was freed (and counts it). With no holding reader nothing is freed (entries wait for the
 * first subscriber), followers or not.
 *
 * <p>One lock guards the ring; puts and gets take it once per batch, not per entry, and allocate nothing
 * per entry beyond the list a get returns.
 */
public final class RingBufferStore {

    private final StoreSettings settings;
    private final int mask;
    private final long byteCapacity;
    private final StoredEntry[] ring;
    /** Cumulative bytes put up to and including the entry in each slot. */
    private final long[] endBytes;
    /** Wall-clock time (ms) at which the entry in each slot was put, for per-client lag in seconds. */
    private final long[] putMillis;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final List<Reader> readers = new CopyOnWriteArrayList<>();

    private long putSeq;
    private long putBytes;
    /** Everything below this sequence is acked by every reader and its slot may be reused. */
    private long releasedSeq;
    private long releasedBytes;
    private boolean producerBlocked;
    /** Since when (ms) a put has waited without putting anything; 0 while puts go through. */
    private long blockedSinceMillis;
    private boolean closed;

    public RingBufferStore(StoreSettings settings) {
        this.settings = settings;
        this.mask = settings.capacity() - 1;
        this.byteCapacity = settings.byteCapacity();
        this.ring = new StoredEntry[settings.capacity()];
        this.endBytes = new long[settings.capacity()];
        this.putMillis = new long[settings.capacity()];
    }

    public StoreSettings settings() {
        return settings;
    }

    /**
     * Appends entries in order, waiting while the store is full. All of them are in the store when this
     * returns; a list larger than the store is put in parts as readers free space.
     *
     * @throws StoreClosedException when the store is closed while waiting
     */
    public void put(List<StoredEntry> entries) throws InterruptedException {
        int n = entries.size();
        if (n == 0) {
            return;
        }
        long now = System.currentTimeMillis();
        lock.lock();
        try {
            int i = 0;
            while (i < n) {
                StoredEntry e = entries.get(i);
                if (closed) {
                    throw new StoreClosedException("store closed while putting");
                }
                if (!fits(e.size())) {
                    if (release(true)) {
                        continue; // a follower (peek) kept these: it gives way as soon as space is needed
                    }
                    if (blockedSinceMillis == 0) {
                        blockedSinceMillis = System.currentTimeMillis();
                    }
                    producerBlocked = true;
                    notEmpty.signalAll(); // readers waiting for a full batch take what there is
                    try {
                        notFull.await();
                    } finally {
                        producerBlocked = false;
                    }
                    now = System.currentTimeMillis();
                    continue;
                }
                int slot = (int) (putSeq & mask);
                ring[slot] = e;
                putBytes += e.size();
                endBytes[slot] = putBytes;
                putMillis[slot] = now;
                blockedSinceMillis = 0;
                putSeq++;
                i++;
            }
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private boolean fits(int size) {
        long held = putSeq - releasedSeq;
        if (held >= ring.length) {
            return false;
        }
        return held == 0 || (putBytes - releasedBytes) + size <= byteCapacity;
    }

    /** A new reader starting at the oldest entry still held; entries stay until it acked them. */
    public Reader openReader() {
        return open(true);
    }

    /**
     * A new follower starting at the oldest entry still held: it reads like any reader, but entries are kept for it
     * only while the store has room, so it can never make the producer wait; entries freed before it read them
     * are skipped.
     */
    public Reader openFollower() {
        return open(false);
    }

    private Reader open(boolean holds) {
        lock.lock();
        try {
            Reader r = new Reader(releasedSeq, releasedBytes, holds);
            readers.add(r);
            return r;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiting put and get; puts then fail, gets return what they have. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /** Sequence of the next entry to be put (= entries put so far). */
    public long putSequence() {
        lock.lock();
        try {
            return putSeq;
        } finally {
            lock.unlock();
        }
    }

    /** Entries held (put and not yet acked by every reader). */
    public long heldEntries() {
        lock.lock();
        try {
            return putSeq - releasedSeq;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes held (put and not yet acked by every reader). */
    public long heldBytes() {
        lock.lock();
        try {
            return putBytes - releasedBytes;
        } finally {
            lock.unlock();
        }
    }

    /**
     * How long (ms) the producer has been waiting for space without putting anything, 0 when it is not waiting:
     * the store is full and nobody freed enough of it in that time.
     */
    public long fullForMillis(long nowMillis) {
        lock.lock();
        try {
            return blockedSinceMillis == 0 ? 0 : Math.max(0, nowMillis - blockedSinceMillis);
        } finally {
            lock.unlock();
        }
    }

    /** Sequence below which every reader has acked. */
    public long releasedSequence() {
        lock.lock();
        try {
            return releasedSeq;
        } finally {
            lock.unlock();
        }
    }

    private long bytesBefore(long seq) {
        return seq == releasedSeq ? releasedBytes : endBytes[(int) ((seq - 1) & mask)];
    }

    private void release() {
        release(producerBlocked);
    }

    /**
     * Frees what every reader acked; with {@code ignoreFollowers} (the producer needs space), what every holding
     * reader acked. With no holding reader nothing is freed: the entries wait for the first subscriber.
     *
     * @return whether anything was freed
     */
    private boolean release(boolean ignoreFollowers) {
        long minHolding = Long.MAX_VALUE;
        long minAll = Long.MAX_VALUE;
        for (Reader r : readers) {
            minAll = Math.min(minAll, r.ackSeq);
            if (r.holds) {
                minHolding = Math.min(minHolding, r.ackSeq);
            }
        }
        if (minHolding == Long.MAX_VALUE) {
            return false;
        }
        long min = ignoreFollowers ? minHolding : minAll;
        if (min > releasedSeq) {
            long newBytes = bytesBefore(min);
            for (long s = releasedSeq; s < min; s++) {
                ring[(int) (s & mask)] = null;
            }
            releasedSeq = min;
            releasedBytes = newBytes;
            notFull.signalAll();
            return true;
        }
        return false;
    }

    /**
     * One consumer's view: its own get and ack sequences over the shared entries. Every call takes the
     * store's lock; the consumer decides the order of its calls (canal's batch rules live in the instance).
     */
    public final class Reader implements AutoCloseable {

        private final boolean holds;
        private long getSeq;
        private long getBytes;
        private long ackSeq;
        private long ackBytes;
        private long skipped;
        private boolean open = true;

        private Reader(long start, long startBytes, boolean holds) {
            this.getSeq = start;
            this.getBytes = startBytes;
            this.ackSeq = start;
            this.ackBytes = startBytes;
            this.holds = holds;
        }

        /** False for a follower: the store frees entries without waiting for it. */
        public boolean holds() {
            return holds;
        }

        /** A follower behind what the store freed moves up to the oldest entry still held. */
        private void catchUp() {
            if (holds) {
                return;
            }
            if (getSeq < releasedSeq) {
                skipped += releasedSeq - getSeq;
                getSeq = releasedSeq;
                getBytes = releasedBytes;
            }
            if (ackSeq < releasedSeq) {
                ackSeq = releasedSeq;
                ackBytes = releasedBytes;
            }
        }

        /**
         * Takes the next batch after what this reader was last given.
         *
         * @param fetchSize    entries (ITEMSIZE) or memunits (MEMSIZE); values below 1 count as 1
         * @param timeoutNanos -1 = return at once; 0 = wait for a full batch; &gt; 0 = wait up to this long
         *                     for a full batch, then return what there is (possibly nothing)
         */
        public Slice get(int fetchSize, long timeoutNanos) throws InterruptedException {
            int size = Math.max(1, fetchSize);
            long limitBytes = (long) size * settings.memUnit();
            lock.lock();
            try {
                long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
                while (true) {
                    catchUp();
                    long available = putSeq - getSeq;
                    if (!open) {
                        return new Slice(getSeq, getSeq, List.of()); // closed by its consumer's unsubscribe
                    }
                    if (closed) {
                        return take(size, limitBytes);
                    }
                    if (available > 0 && (timeoutNanos < 0 || producerBlocked || isFull(available, size, limitBytes))) {
                        return take(size, limitBytes);
                    }
                    if (timeoutNanos < 0) {
                        return new Slice(getSeq, getSeq, List.of());
                    }
                    if (timeoutNanos == 0) {
                        notEmpty.await();
                    } else {
                        long remaining = deadline - System.nanoTime();
                        if (remaining <= 0) {
                            return take(size, limitBytes);
                        }
                        notEmpty.awaitNanos(remaining);
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        /**
         * Whether {@link #get} with a timeout would return at once with entries: they are there and make a full batch
         * (or the store can take no more, its producer waits for space, or it is closed). Lets a caller serve such a
         * GET where it is instead of handing it to a thread that may wait.
         */
        public boolean hasBatch(int fetchSize) {
            int size = Math.max(1, fetchSize);
            long limitBytes = (long) size * settings.memUnit();
            lock.lock();
            try {
                if (!open) {
                    return false;
                }
                catchUp();
                long available = putSeq - getSeq;
                return available > 0 && (closed || producerBlocked || isFull(available, size, limitBytes));
            } finally {
                lock.unlock();
            }
        }

        private boolean isFull(long available, int size, long limitBytes) {
            // also "full" when the store cannot take more until someone acks: waiting longer could not help
            if (putSeq - releasedSeq >= ring.length || putBytes - releasedBytes >= byteCapacity) {
                return true;
            }
            boolean full = settings.batchMode() == BatchMode.ITEMSIZE ? available >= size
                    : putBytes - getBytes >= limitBytes;
            if (full || !settings.ddlIsolation()) {
                return full;
            }
            // with DDL isolation a batch ends at a DDL, so one in view completes the batch
            long end = Math.min(putSeq, getSeq + size);
            for (long s = getSeq; s < end; s++) {
                if (ring[(int) (s & mask)].kind() == StoredEntry.Kind.DDL) {
                    return true;
                }
            }
            return false;
        }

        private Slice take(int size, long limitBytes) {
            long from = getSeq;
            long available = putSeq - getSeq;
            if (available == 0) {
                return new Slice(from, from, List.of());
            }
            boolean items = settings.batchMode() == BatchMode.ITEMSIZE;
            boolean isolate = settings.ddlIsolation();
            List<StoredEntry> out = new ArrayList<>((int) Math.min(available, items ? size : 64));
            long total = 0;
            long s = getSeq;
            while (s < putSeq) {
                if (items ? out.size() >= size : total > limitBytes && !out.isEmpty()) {
                    break;
                }
                StoredEntry e = ring[(int) (s & mask)];
                if (isolate && e.kind() == StoredEntry.Kind.DDL) {
                    if (out.isEmpty()) {
                        out.add(e);
                        s++;
                    }
                    break;
                }
                out.add(e);
                total += e.size();
                s++;
                if (!items && total > limitBytes) {
                    break;
                }
            }
            getSeq = s;
            getBytes = bytesBefore(s);
            return new Slice(from, s, out);
        }

        /** Acks everything below {@code to}; space is freed once every reader acked it. */
        public void ack(long to) {
            lock.lock();
            try {
                checkOpen();
                if (!holds) {
                    // a follower's ack only moves its own view; what it names may already be freed
                    catchUp();
                    to = Math.max(ackSeq, Math.min(to, getSeq));
                }
                if (to < ackSeq || to > getSeq) {
                    throw new IllegalArgumentException("ack to " + to + " outside [" + ackSeq + ", " + getSeq + "]");
                }
                ackBytes = bytesBefore(to);
                ackSeq = to;
                release();
            } finally {
                lock.unlock();
            }
        }

        /** Moves get back to ack: everything handed out and not acked comes again. */
        public void rollback() {
            lock.lock();
            try {
                checkOpen();
                getSeq = ackSeq;
                getBytes = ackBytes;
                catchUp();
            } finally {
                lock.unlock();
            }
        }

        public long getSequence() {
            lock.lock();
            try {
                return getSeq;
            } finally {
                lock.unlock();
            }
        }

        public long ackSequence() {
            lock.lock();
            try {
                return ackSeq;
            } finally {
                lock.unlock();
            }
        }

        /**
         * This reader's distance from the newest entry: entries and bytes put that it has not acked, and since
         * when (ms, 0 when none) the oldest of them has been in the store.
         */
        public Lag lag() {
            lock.lock();
            try {
                long from = Math.max(ackSeq, releasedSeq);
                long fromBytes = from == ackSeq ? ackBytes : releasedBytes;
                long entries = putSeq - from;
                return new Lag(entries, putBytes - fromBytes, entries == 0 ? 0 : putMillis[(int) (from & mask)],
                        holds && entries > 0 && ackSeq == releasedSeq, skipped);
            } finally {
                lock.unlock();
            }
        }

        /** Removes the reader; what only it held is freed. */
        @Override
        public void close() {
            lock.lock();
            try {
                if (open) {
                    open = false;
                    readers.remove(this);
                    release();
                    notEmpty.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }

        private void checkOpen() {
            if (!open) {
                throw new IllegalStateException("reader closed");
            }
        }
    }

    /**
     * A reader's lag.
     *
     * @param entries           entries put that it has not acked
     * @param bytes             their bytes
     * @param oldestPutMillis   when the oldest of them was put (ms since the epoch), 0 when none
     * @param holdsFreePosition the store cannot free anything until this reader acks (it is the oldest holder)
     * @param skippedEntries    entries a follower never saw because the store freed them first
     */
    public record Lag(long entries, long bytes, long oldestPutMillis, boolean holdsFreePosition, long skippedEntries) {
    }
}
