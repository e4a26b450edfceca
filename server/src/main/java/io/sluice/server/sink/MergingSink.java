package io.sluice.server.sink;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.ParsedEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merge n:1: several sources (e.g. the shards of one logical database) into one destination, in commit
 * timestamp order, each transaction kept whole.
 *
 * <p>Each source's entries are cut into units (a transaction from BEGIN to END, or a statement outside one)
 * and queued per source. A merger thread repeatedly releases the queued unit with the smallest commit
 * timestamp (its END's execute time; ties go to the source listed first), but only once every other source
 * has either a unit queued, or has shown through a heartbeat or an earlier unit that it has nothing older,
 * or has been silent for {@code maxWaitMillis} since that unit arrived — the bounded wait for the slower
 * source. A transaction too large to queue whole is released in parts, and then nothing of another source
 * enters the store until its END, so transactions stay contiguous.
 *
 * <p>Entries reach the destination's sink tagged with their source, so each source keeps its own resume
 * point (see {@link io.sluice.server.position.SourcePositions}).
 */
public final class MergingSink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MergingSink.class);

    /** Where merged units go: normally {@link StoreSink#put(String, List)}. */
    @FunctionalInterface
    public interface Target {
        void put(String source, List<ParsedEntry> entries) throws InterruptedException;
    }

    private record Unit(List<ParsedEntry> entries, long commitMillis, long arrivedNanos, boolean complete) {
    }

    private final class Input implements EntrySink {
        final String name;
        final Deque<Unit> queue = new ArrayDeque<>();
        List<ParsedEntry> open = new ArrayList<>();
        boolean inTransaction;
        int queuedEntries;
        long watermarkMillis = Long.MIN_VALUE;

        Input(String name) {
            this.name = name;
        }

        @Override
        public void put(List<ParsedEntry> entries) throws InterruptedException {
            lock.lockInterruptibly();
            try {
                for (ParsedEntry e : entries) {
                    checkRunning();
                    CanalEntry.EntryType type = e.entryType();
                    if (type == CanalEntry.EntryType.HEARTBEAT) {
                        // the source has nothing older than this: other sources need not wait for it
                        watermarkMillis = Math.max(watermarkMillis, e.header().getExecuteTime());
                        changed.signalAll();
                        continue;
                    }
                    if (type == CanalEntry.EntryType.TRANSACTIONBEGIN) {
                        inTransaction = true;
                    }
                    open.add(e);
                    boolean ends = type == CanalEntry.EntryType.TRANSACTIONEND || !inTransaction;
                    if (ends) {
                        inTransaction = false;
                        enqueue(true);
                    } else if (open.size() >= maxUnitEntries) {
                        enqueue(false);
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        private void enqueue(boolean complete) throws InterruptedException {
            while (queuedEntries > 0 && queuedEntries + open.size() > maxQueuedEntries) {
                checkRunning();
                changed.await();
            }
            List<ParsedEntry> unit = open;
            open = new ArrayList<>();
            long commit = unit.get(unit.size() - 1).header().getExecuteTime();
            queue.add(new Unit(unit, commit, System.nanoTime(), complete));
            queuedEntries += unit.size();
            changed.signalAll();
        }
    }

    private final Map<String, Input> inputs = new LinkedHashMap<>();
    private final Target target;
    private final long maxWaitNanos;
    private final int maxQueuedEntries;
    private final int maxUnitEntries;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Thread merger;
    private volatile boolean running;
    private volatile Throwable failure;
    /** Set by {@link #choose()}: how long the head unit may still wait for a silent source. */
    private long waitNanos;

    /**
     * @param sources          the source names, in tie-break order
     * @param maxWaitMillis    how long a unit waits for a silent source
     * @param maxQueuedEntries per source; a source's put blocks beyond it (backpressure to its master)
     * @param target           where merged units go
     */
    public MergingSink(String destination, List<String> sources, long maxWaitMillis, int maxQueuedEntries,
                       Target target) {
        for (String s : sources) {
            inputs.put(s, new Input(s));
        }
        this.target = target;
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
        this.maxQueuedEntries = Math.max(1, maxQueuedEntries);
        this.maxUnitEntries = Math.max(1, maxQueuedEntries / 2);
        this.merger = new Thread(this::run, "merge-" + destination);
        this.merger.setDaemon(true);
    }

    /** The sink a source puts into. */
    public EntrySink input(String source) {
        Input in = inputs.get(source);
        if (in == null) {
            throw new IllegalArgumentException("no merge source " + source + " among " + inputs.keySet());
        }
        return in;
    }

    public void start() {
        running = true;
        merger.start();
    }

    @Override
    public void close() {
        running = false;
        merger.interrupt();
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            merger.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void checkRunning() {
        if (failure != null) {
            throw new IllegalStateException("merge stopped: " + failure, failure);
        }
        if (!running) {
            throw new IllegalStateException("merge stopped");
        }
    }

    private void run() {
        Input current = null;
        try {
            while (running) {
                Input from;
                Unit unit;
                lock.lockInterruptibly();
                try {
                    if (current != null) {
                        waitNanos = 0; // mid-transaction: only its source may go, however long it takes
                        from = current;
                    } else {
                        from = choose();
                    }
                    if (from == null || from.queue.isEmpty()) {
                        awaitChange();
                        continue;
                    }
                    unit = from.queue.poll();
                    from.queuedEntries -= unit.entries().size();
                    from.watermarkMillis = Math.max(from.watermarkMillis, unit.commitMillis());
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
                target.put(from.name, unit.entries());
                current = unit.complete() ? null : from;
            }
        } catch (InterruptedException e) {
            if (running) {
                failure = e;
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            LOG.error("merge into {} stopped: {}", merger.getName(), e.toString(), e);
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** The input whose head unit may go now, or null (then {@link #waitNanos} says how long to wait). */
    private Input choose() {
        Input best = null;
        for (Input in : inputs.values()) {
            Unit head = in.queue.peek();
            if (head != null && (best == null || head.commitMillis() < best.queue.peek().commitMillis())) {
                best = in;
            }
        }
        waitNanos = 0;
        if (best == null) {
            return null;
        }
        Unit head = best.queue.peek();
        long waited = System.nanoTime() - head.arrivedNanos();
        for (Input in : inputs.values()) {
            if (in == best || !in.queue.isEmpty() || in.watermarkMillis >= head.commitMillis()) {
                continue;
            }
            if (waited < maxWaitNanos) {
                waitNanos = maxWaitNanos - waited;
                return null;
            }
        }
        return best;
    }

    private void awaitChange() throws InterruptedException {
        if (waitNanos > 0) {
            changed.awaitNanos(waitNanos);
        } else {
            changed.await();
        }
    }
}
