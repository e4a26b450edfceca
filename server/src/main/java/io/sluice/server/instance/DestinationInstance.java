package io.sluice.server.instance;

import io.sluice.server.config.InstanceConfig;
import io.sluice.server.config.SourceConfig;
import io.sluice.server.meta.ClientCursor;
import io.sluice.server.meta.ClientIdentity;
import io.sluice.server.meta.LogPosition;
import io.sluice.server.meta.MetaStore;
import io.sluice.server.meta.Subscription;
import io.sluice.server.parser.ChangeSource;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.SourcePositions;
import io.sluice.server.sink.MergingSink;
import io.sluice.server.sink.SinkStages;
import io.sluice.server.sink.StoreSink;
import io.sluice.server.sink.lookup.LookupTransform;
import io.sluice.server.store.RingBufferStore;
import io.sluice.server.store.Slice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One destination: the lifecycle of its source(s), sink, store and meta (put together by
 * {@link DestinationWiring}), and canal's embedded-server operations on them. {@link #start()} has a fresh store
 * and sink built, reloads the subscriptions and cursors from meta, and starts the source(s) from the earliest
 * client cursor; {@link #stop()} stops the sources first (nothing new comes in), persists the cursors and drops
 * the store. Batches in flight do not survive a stop: after a restart ids begin at 1 and everything after each
 * client's last ack comes again — but nothing a client acked, not even part of a transaction (entries already
 * acked are skipped per client).
 */
public final class DestinationInstance implements Destination {

    private static final Logger LOG = LoggerFactory.getLogger(DestinationInstance.class);

    private final InstanceConfig config;
    private final MetaStore meta;
    private final ChangeSourceFactory sources;
    private final Map<String, SourceConfig> sourcesByName = new LinkedHashMap<>();
    private volatile Running running;
    private volatile boolean metaStarted;
    private final LongAdder batchesServed = new LongAdder();
    private final LongAdder batchesAcked = new LongAdder();
    private final LongAdder rollbacks = new LongAdder();
    /** Graceful handover: no more batches are handed out; acks are still taken. */
    private volatile boolean draining;
    /** Graceful handover: the cursors are final; acks are refused. */
    private volatile boolean frozen;
    /** Acks and batch registrations hold it shared; freezing takes it exclusively, so none is half done then. */
    private final ReentrantReadWriteLock handoverGate = new ReentrantReadWriteLock();

    /** Totals since this instance was built, for metrics. */
    public record ClientCounters(long batchesServed, long batchesAcked, long rollbacks) {
    }

    /** What exists only while started. */
    private static final class Running {
        final RingBufferStore store;
        final StoreSink sink;
        final MergingSink merge;
        final List<LookupTransform> lookups;
        final List<ChangeSource> changeSources = new ArrayList<>();
        final Map<Short, ClientSession> sessions = new ConcurrentHashMap<>();

        Running(RingBufferStore store, StoreSink sink, MergingSink merge, List<LookupTransform> lookups) {
            this.store = store;
            this.sink = sink;
            this.merge = merge;
            this.lookups = lookups;
        }
    }

    public DestinationInstance(InstanceConfig config, MetaStore meta, ChangeSourceFactory sources) {
        this.config = config;
        this.meta = meta;
        this.sources = sources;
        for (SourceConfig s : config.sources()) {
            sourcesByName.put(config.isMerged() ? s.name() : "", s);
        }
    }

    @Override
    public String name() {
        return config.destination();
    }

    public InstanceConfig config() {
        return config;
    }

    public boolean isRunning() {
        return running != null;
    }

    /** True when started and a source has stopped on its own (failed for good). */
    public boolean hasFailedSource() {
        Running r = running;
        return r != null && r.changeSources.stream().anyMatch(s -> !s.isRunning());
    }

    /** The store while running, for metrics and status. */
    public Optional<RingBufferStore> store() {
        Running r = running;
        return r == null ? Optional.empty() : Optional.of(r.store);
    }

    public synchronized void start() {
        if (running != null) {
            return;
        }
        meta.start();
        metaStarted = true;
        draining = false;
        frozen = false;
        DestinationWiring.Pipeline pipeline;
        try {
            pipeline = DestinationWiring.pipeline(config);
        } catch (RuntimeException e) {
            meta.stop();
            metaStarted = false;
            throw e;
        }
        StoreSink sink = pipeline.sink();
        MergingSink merge = config.isMerged()
                ? new MergingSink(name(), List.copyOf(sourcesByName.keySet()), config.mergeMaxWaitMillis(),
                config.store().capacity(), sink::put)
                : null;
        Running r = new Running(pipeline.store(), sink, merge, pipeline.lookups());
        for (Subscription s : meta.subscriptions()) {
            r.sessions.put(s.client().clientId(), newSession(r, s.client(), s.filter()));
        }
        SourcePositions restart = meta.restartPositions();
        running = r;
        try {
            if (merge != null) {
                merge.start();
                for (Map.Entry<String, SourceConfig> e : sourcesByName.entrySet()) {
                    ChangeSource cs = sources.create(config, e.getValue(), merge.input(e.getKey()), sink.tableFilter());
                    r.changeSources.add(cs);
                    cs.start(restart.get(e.getKey()));
                }
            } else {
                ChangeSource cs = sources.create(config, config.master(), sink, sink.tableFilter());
                r.changeSources.add(cs);
                cs.start(restart.get(""));
            }
        } catch (RuntimeException e) {
            LOG.error("destination {} failed to start: {}", name(), e.toString());
            stop();
            throw e;
        }
        LOG.info("destination {} started from {} with {} client(s)", name(),
                restart.isEmpty() ? "its configured position" : restart, r.sessions.size());
    }

    public synchronized void stop() {
        Running r = running;
        running = null;
        if (r != null) {
            for (ChangeSource cs : r.changeSources) {
                try {
                    cs.stop();
                } catch (RuntimeException e) {
                    LOG.error("source of {} did not stop cleanly: {}", name(), e.toString(), e);
                }
            }
            if (r.merge != null) {
                r.merge.close();
            }
            r.lookups.forEach(LookupTransform::close);
            r.store.close();
            r.sessions.values().forEach(s -> s.reader.close());
            r.sessions.clear();
        }
        if (metaStarted) {
            metaStarted = false;
            meta.stop();
            LOG.info("destination {} stopped", name());
        }
    }

    public synchronized void restart() {
        stop();
        start();
    }

    private ClientSession newSession(Running r, ClientIdentity client, String filter) {
        if (client.isPeek()) {
            LOG.info("client {} peeks: it follows the store without ever making it wait, and ends with its connection",
                    client);
            return new ClientSession(client, r.store.openFollower(), filter, null, this::logPosition);
        }
        ClientCursor cursor = meta.cursor(client).orElse(null);
        if (filter != null && !filter.isEmpty()) {
            LOG.info("client {} subscribes with filter '{}': it receives only tables matching both it and the"
                    + " destination's filter (canal would replace the destination's filter for every client)", client,
                    filter);
        }
        return new ClientSession(client, r.store.openReader(), filter, cursor, this::logPosition);
    }

    private LogPosition logPosition(String source, BinlogPosition position) {
        SourceConfig s = sourcesByName.getOrDefault(source, config.master());
        return new LogPosition(s.host(), s.port(), position);
    }

    private Running runningOrThrow() {
        Running r = running;
        if (r == null) {
            throw new ClientRequestException("destination:" + name() + " should start first");
        }
        return r;
    }

    private ClientSession session(Running r, ClientIdentity client) {
        ClientSession s = r.sessions.get(client.clientId());
        if (s == null) {
            throw new ClientRequestException(String.format("ClientIdentity:ClientIdentity[destination=%s,clientId=%d,"
                    + "filter=] should subscribe first", client.destination(), client.clientId()));
        }
        return s;
    }

    @Override
    public void subscribe(ClientIdentity client, String filter) {
        if (running == null && config.lazy()) {
            start();
        }
        Running r = runningOrThrow();
        String f = filter == null ? "" : filter;
        ClientSession.compile(client, f); // a broken filter is refused before anything is recorded
        synchronized (this) {
            ClientSession existing = r.sessions.get(client.clientId());
            if (existing != null) {
                existing.filter(f);
                existing.touch();
            } else {
                r.sessions.put(client.clientId(), newSession(r, client, f));
            }
            if (!client.isPeek()) {
                meta.subscribe(client, f);
            }
        }
    }

    @Override
    public void unsubscribe(ClientIdentity client) {
        Running r = runningOrThrow();
        if (client.isPeek()) {
            // nothing persisted: no need to wait for the instance's lock (this may run on a network event loop)
            ClientSession s = r.sessions.remove(client.clientId());
            if (s != null) {
                s.reader.close();
            }
            return;
        }
        synchronized (this) {
            ClientSession s = r.sessions.remove(client.clientId());
            if (s != null) {
                s.reader.close();
            }
            meta.unsubscribe(client);
        }
    }

    /**
     * An operator removes a client id ({@code bin/clients.sh drop}, idle expiry): as its unsubscribe, so what only
     * it held is freed and its position is forgotten. Its connection, if any, is refused from its next request
     * ("should subscribe first") until it subscribes again, which starts it at the oldest entry still held.
     *
     * @return false when the id is not subscribed here
     */
    public boolean drop(short clientId, String why) {
        Running r = running;
        if (r == null || !r.sessions.containsKey(clientId)) {
            return false;
        }
        ClientIdentity client = new ClientIdentity(name(), clientId);
        unsubscribe(client);
        LOG.warn("client {} dropped ({}): what it held is freed and its position forgotten", client, why);
        return true;
    }

    /** Every subscribed client id (peeks included) with its lag, ordered by id; empty when not running. */
    public List<ClientStatus> clients() {
        Running r = running;
        if (r == null) {
            return List.of();
        }
        long now = System.currentTimeMillis();
        return r.sessions.values().stream().map(s -> s.status(now))
                .sorted(java.util.Comparator.comparingInt(ClientStatus::clientId)).toList();
    }

    /** How long (ms) the store has been full with nothing freed (the parser waiting), 0 when it is not. */
    public long storeFullForMillis(long nowMillis) {
        Running r = running;
        return r == null ? 0 : r.store.fullForMillis(nowMillis);
    }

    @Override
    public boolean isSubscribed(ClientIdentity client) {
        Running r = running;
        return r != null && r.sessions.containsKey(client.clientId());
    }

    @Override
    public Batch getWithoutAck(ClientIdentity client, int fetchSize, long timeout, TimeUnit unit)
            throws InterruptedException {
        long timeoutNanos = timeout < 0 ? -1 : timeout == 0 ? 0 : Math.max(1, unit.toNanos(timeout));
        return get(client, fetchSize, timeoutNanos, false);
    }

    @Override
    public Batch getIfReady(ClientIdentity client, int fetchSize) throws InterruptedException {
        return get(client, fetchSize, -1, true);
    }

    /** With {@code onlyIfReady}: null instead of waiting (for the GET lock or for a full batch). */
    private Batch get(ClientIdentity client, int fetchSize, long timeoutNanos, boolean onlyIfReady)
            throws InterruptedException {
        Running r = runningOrThrow();
        ClientSession s = session(r, client);
        s.touch();
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        if (onlyIfReady) {
            if (!s.getLock.tryLock()) {
                return null; // another GET of this client (another connection) is in progress
            }
        } else {
            s.getLock.lockInterruptibly();
        }
        try {
            while (true) {
                if (draining) {
                    return onlyIfReady ? null : idleWhileHandingOver(timeoutNanos);
                }
                if (onlyIfReady && !s.reader.hasBatch(fetchSize)) {
                    return null;
                }
                long generation = s.generation();
                long wait = timeoutNanos > 0 ? Math.max(1, deadline - System.nanoTime()) : timeoutNanos;
                Slice slice = s.reader.get(fetchSize, wait);
                if (running != r) {
                    return Batch.EMPTY; // stopped while parked
                }
                ClientSession.Taken taken;
                handoverGate.readLock().lock();
                try {
                    if (draining) {
                        // handed over while parked: what was taken is served by the next server, from the cursor
                        return Batch.EMPTY;
                    }
                    taken = s.register(slice, generation);
                    s.touch();
                    if (taken.cursorToSave() != null && !client.isPeek()) {
                        // not an ack: nothing waits for it (this may run on an event loop); a failed write is
                        // retried with the next change or flush period
                        meta.updateCursorAsync(client, taken.cursorToSave()).exceptionally(e -> {
                            LOG.warn("start cursor of {} not persisted yet: {}", client, e.getMessage());
                            return null;
                        });
                    }
                } finally {
                    handoverGate.readLock().unlock();
                }
                if (!taken.batch().isEmpty()) {
                    batchesServed.increment();
                    return taken.batch();
                }
                // nothing to send: the slice was consumed without being sent (filtered for this client, or
                // already acked by it before a restart) or raced with a rollback; look again while allowed
                if (onlyIfReady) {
                    continue; // again while a batch is there at once; else null: the caller makes the waiting GET
                }
                if (timeoutNanos < 0 ? slice.isEmpty() : timeoutNanos > 0 && deadline - System.nanoTime() <= 0) {
                    return Batch.EMPTY;
                }
            }
        } finally {
            s.getLock.unlock();
        }
    }

    @Override
    public void ack(ClientIdentity client, long batchId) {
        try {
            ackAsync(client, batchId).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    @Override
    public CompletableFuture<Void> ackAsync(ClientIdentity client, long batchId) {
        if (batchId == -1) {
            return CompletableFuture.completedFuture(null); // the official client's ack of an empty batch
        }
        if (batchId == 0) {
            throw new ClientRequestException(402, "batchId should assign value");
        }
        Running r = runningOrThrow();
        ClientSession s = session(r, client);
        s.touch();
        CompletableFuture<Void> written;
        handoverGate.readLock().lock();
        try {
            if (frozen) {
                throw new ClientRequestException("destination:" + name() + " is being handed over to another server;"
                        + " the ack of batch " + batchId + " came too late and the batch comes again from there");
            }
            ClientCursor cursor = s.ack(batchId);
            // the in-memory part is done before the gate opens: the handover's flush writes it if this has not yet
            written = client.isPeek() ? CompletableFuture.completedFuture(null) // a peek is never stored
                    : meta.updateCursorAsync(client, cursor);
        } finally {
            handoverGate.readLock().unlock();
        }
        batchesAcked.increment();
        return written;
    }

    /** A GET while handing over: answered empty after (at most a second of) its timeout. */
    private static Batch idleWhileHandingOver(long timeoutNanos) throws InterruptedException {
        if (timeoutNanos != -1) {
            long idle = timeoutNanos == 0 ? TimeUnit.SECONDS.toNanos(1) : Math.min(timeoutNanos, TimeUnit.SECONDS.toNanos(1));
            TimeUnit.NANOSECONDS.sleep(idle);
        }
        return Batch.EMPTY;
    }

    /**
     * Graceful handover, on the server that gives the destination up: hands out no more batches, gives the clients
     * up to {@code drain} to acknowledge the batches they hold (nothing is redelivered then), refuses later acks and
     * writes every cursor. The next server starts from exactly these cursors. The instance keeps running (GETs are
     * answered empty) until it is stopped, so that the clients are let go only once the next server can serve.
     */
    public void drainForHandover(java.time.Duration drain) {
        Running r = running;
        if (r == null) {
            return;
        }
        draining = true;
        long deadline = System.nanoTime() + drain.toNanos();
        try {
            while (System.nanoTime() < deadline && outstanding(r) > 0) {
                Thread.sleep(2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        handoverGate.writeLock().lock();
        try {
            frozen = true;
        } finally {
            handoverGate.writeLock().unlock();
        }
        int held = outstanding(r);
        if (held > 0) {
            LOG.warn("destination {}: {} batch(es) not acknowledged within {} ms of the handover; the next server"
                    + " delivers them again", name(), held, drain.toMillis());
        }
        try {
            meta.flush();
        } catch (RuntimeException e) {
            LOG.error("destination {}: cursors not written before the handover: {}", name(), e.getMessage());
        }
    }

    private static int outstanding(Running r) {
        return r.sessions.values().stream().mapToInt(ClientSession::outstandingBatches).sum();
    }

    /**
     * Waits, up to {@code max}, until the destination has decoded its first entry: a server taking over in a
     * handover is ready to answer at once then, not after it has connected and read the table structures.
     */
    public boolean awaitFirstEntry(java.time.Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        try {
            while (true) {
                Running r = running;
                if (r == null) {
                    return false;
                }
                if (r.store.putSequence() > 0) {
                    return true;
                }
                if (System.nanoTime() >= deadline) {
                    return false;
                }
                Thread.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void rollback(ClientIdentity client, long batchId) {
        Running r = runningOrThrow();
        ClientSession s = r.sessions.get(client.clientId());
        if (s == null) {
            return; // canal ignores it: the official client rolls back before it subscribes
        }
        s.rollback(batchId);
        rollbacks.increment();
    }

    public ClientCounters clientCounters() {
        return new ClientCounters(batchesServed.sum(), batchesAcked.sum(), rollbacks.sum());
    }

    /** The oldest position acknowledged by a subscribed client (where a restart resumes), if any client acked. */
    public Optional<BinlogPosition> oldestAck() {
        BinlogPosition oldest = null;
        for (Subscription sub : meta.subscriptions()) {
            Optional<ClientCursor> c = meta.cursor(sub.client());
            if (c.isPresent()) {
                BinlogPosition p = c.get().ackPoint().position();
                oldest = oldest == null || p.compareTo(oldest) < 0 ? p : oldest;
            }
        }
        return Optional.ofNullable(oldest);
    }

    /**
     * The client's connection closed: its outstanding batches are rolled back so that its next connection
     * (or another consumer with the same id) gets them again at once. canal leaves them outstanding until
     * the client's rollback-on-connect.
     */
    public void clientDisconnected(ClientIdentity client) {
        Running r = running;
        ClientSession s = r == null ? null : r.sessions.get(client.clientId());
        if (s != null) {
            s.rollback(0);
        }
    }

    /** Outstanding batches of a client (0 when not subscribed), for status and tests. */
    public int outstandingBatches(ClientIdentity client) {
        Running r = running;
        ClientSession s = r == null ? null : r.sessions.get(client.clientId());
        return s == null ? 0 : s.outstandingBatches();
    }

    @Override
    public String toString() {
        return "destination " + name() + (running != null ? " (running)" : " (stopped)");
    }
}
