package io.sluice.server.meta;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.api.CuratorEventType;
import org.apache.curator.framework.api.CuratorListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Meta in ZooKeeper with canal's layout (CANAL-PROTOCOL.md §5), so that canal's tools and cluster clients
 * read it: {@code /otter/canal/destinations/<dest>/<clientId>} per subscribed client, its {@code filter}
 * (plain text) and its {@code cursor} (LogPosition JSON with {@code @type}, plus Sluice's resume points).
 * Subscriptions are written at once. Every cursor change (every ack) is written through to ZooKeeper before it is
 * answered, with or without HA: a server restarted after a kill -9, or the standby, resumes from what is in
 * ZooKeeper, so an ack answered before it got there would be delivered again (canal's periodic flush redelivers up
 * to a {@code canal.zookeeper.flush.period} of acked batches that way). ZooKeeper's quorum write makes it survive a
 * power loss of this host too. The period only paces the retry of writes that failed.
 *
 * <p>Writes never run on the caller's thread when it uses {@link #updateCursorAsync}: one writer thread per
 * destination writes the latest cursors (acks arriving meanwhile share the next write) and completes the futures.
 * While the ZooKeeper connection is down a cursor change fails at once, and waiting ones fail the moment the
 * connection is lost, instead of waiting in Curator's retry loop: the client learns at once that its ack is not
 * confirmed, and retries (on another server under HA).
 *
 * <p>Cursor writes are fenced, which canal's are not: each write names the znode version this store last
 * read or wrote, so a server that lost the destination to another (whose writes moved the version on)
 * cannot overwrite the newer position. Such a write fails with {@link StaleCursorException}, is reported to
 * the listener given at construction, and the store writes no more cursors.
 */
public final class ZooKeeperMetaStore implements MetaStore {

    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperMetaStore.class);
    public static final String DESTINATIONS = "/otter/canal/destinations";

    private final MemoryMetaStore memory;
    private final CuratorFramework zk;
    private final long flushPeriodMs;
    private final Consumer<StaleCursorException> onFenced;
    private final Object writeLock = new Object();
    /** Known znode version of each client's cursor; absent = no cursor node seen. */
    private final Map<Short, Integer> cursorVersions = new HashMap<>();
    private final Map<Short, ClientCursor> writtenCursors = new HashMap<>();
    private PeriodicFlusher flusher;
    /** Acks waiting for the next write, and those of the write in progress; guarded by {@code waiting} itself. */
    private final List<CompletableFuture<Void>> waiting = new ArrayList<>();
    private List<CompletableFuture<Void>> writing = List.of();
    /** Subscription changes waiting on the writer thread. */
    private final List<CompletableFuture<Void>> calls = new ArrayList<>();
    private boolean writeQueued;
    private ExecutorService writer;
    private final ConnectionStateListener connectionListener = (client, state) -> {
        if (state == ConnectionState.SUSPENDED || state == ConnectionState.LOST) {
            failWaiting("connection " + state.name().toLowerCase());
        }
    };
    /** The raw disconnect comes before Curator's SUSPENDED, on ZooKeeper's event thread. */
    private final CuratorListener sessionListener = this::sessionEvent;
    private volatile boolean fenced;
    /** The HA election's proof of ownership; when set, every cursor write is conditional on it too. */
    private volatile Fence epoch;
    private NodeAccess access = NodeAccess.OPEN;

    public ZooKeeperMetaStore(String destination, CuratorFramework zk, long flushPeriodMs,
                              Consumer<StaleCursorException> onFenced) {
        this.memory = new MemoryMetaStore(destination);
        this.zk = zk;
        this.flushPeriodMs = flushPeriodMs;
        this.onFenced = onFenced == null ? e -> { } : onFenced;
    }

    /** The ACLs of the nodes this store creates and adopts (docs/security.md); world-open by default. */
    public ZooKeeperMetaStore withAccess(NodeAccess zkAccess) {
        this.access = zkAccess;
        return this;
    }

    public static String destinationPath(String destination) {
        return DESTINATIONS + "/" + destination;
    }

    public static String clientPath(String destination, short clientId) {
        return destinationPath(destination) + "/" + clientId;
    }

    @Override
    public String destination() {
        return memory.destination();
    }

    public boolean isFenced() {
        return fenced;
    }

    /**
     * Makes every following cursor write conditional on the destination's epoch node still having the version
     * this server set when it became active ({@code ha/DestinationElection}). Per-cursor
     * versions alone leave a window in which a server that lost its session, writing before the new active's
     * first write, would make the new active look stale; the epoch check closes it. Call before {@link #start()}.
     */
    @Override
    public void useFence(Fence fence) {
        this.epoch = fence;
    }

    @Override
    public synchronized void start() {
        fenced = false;
        List<MemoryMetaStore.ClientData> data = new ArrayList<>();
        synchronized (writeLock) {
            cursorVersions.clear();
            writtenCursors.clear();
            String dest = destinationPath(destination());
            try {
                if (zk.checkExists().forPath(dest) != null) {
                    for (String child : zk.getChildren().forPath(dest)) {
                        Short clientId = parseClientId(child);
                        if (clientId != null) {
                            data.add(loadClient(clientId));
                        }
                    }
                }
            } catch (MetaStoreException e) {
                throw e;
            } catch (Exception e) {
                throw new MetaStoreException("cannot read " + dest + " from ZooKeeper: " + e, e);
            }
        }
        memory.load(data);
        writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "meta-zk-write-" + destination());
            t.setDaemon(true);
            return t;
        });
        zk.getConnectionStateListenable().addListener(connectionListener);
        zk.getCuratorListenable().addListener(sessionListener);
        if (flushPeriodMs == 0) {
            return;
        }
        flusher = new PeriodicFlusher("meta-zk-flush-" + destination(), flushPeriodMs, this::periodicFlush);
    }

    private MemoryMetaStore.ClientData loadClient(short clientId) throws Exception {
        String path = clientPath(destination(), clientId);
        String filter = "";
        if (zk.checkExists().forPath(path + "/filter") != null) {
            filter = new String(zk.getData().forPath(path + "/filter"), StandardCharsets.UTF_8);
        }
        ClientCursor cursor = null;
        Stat stat = new Stat();
        if (zk.checkExists().forPath(path + "/cursor") != null) {
            byte[] json = zk.getData().storingStatIn(stat).forPath(path + "/cursor");
            try {
                cursor = MetaJson.readCursorNode(json);
            } catch (java.io.IOException e) {
                throw new MetaStoreException("cursor " + path + "/cursor is unreadable (" + e.getMessage()
                        + "): " + new String(json, StandardCharsets.UTF_8), e);
            }
            cursorVersions.put(clientId, stat.getVersion());
            writtenCursors.put(clientId, cursor);
        }
        return new MemoryMetaStore.ClientData(
                new Subscription(new ClientIdentity(destination(), clientId), filter), cursor);
    }

    private static Short parseClientId(String child) {
        try {
            return Short.parseShort(child);
        } catch (NumberFormatException e) {
            return null; // running, cluster, parse: canal's other nodes
        }
    }

    @Override
    public synchronized void stop() {
        if (flusher != null) {
            flusher.close();
            flusher = null;
        }
        zk.getConnectionStateListenable().removeListener(connectionListener);
        zk.getCuratorListenable().removeListener(sessionListener);
        if (writer != null) {
            writer.shutdown();
            writer = null;
        }
        failWaiting("meta store stopped");
        if (!fenced) {
            flush();
        }
    }

    @Override
    public List<Subscription> subscriptions() {
        return memory.subscriptions();
    }

    @Override
    public void subscribe(ClientIdentity client, String filter) {
        requireConnected();
        memory.subscribe(client, filter);
        onWriter(() -> writeSubscription(client, filter));
    }

    private void writeSubscription(ClientIdentity client, String filter) {
        String path = clientPath(destination(), client.clientId());
        try {
            if (zk.checkExists().forPath(path) == null) {
                try {
                    zk.create().creatingParentsIfNeeded().forPath(path, new byte[0]);
                } catch (KeeperException.NodeExistsException raced) {
                    // another writer created it first: the node is what we wanted
                }
            }
            // canal's client creates <clientId> world-open before it subscribes: take it over, so that nobody else can
            // delete and re-create the cursor below it
            access.secure(zk, path);
            String f = filter == null ? "" : filter;
            if (!f.isBlank()) {
                byte[] bytes = f.getBytes(StandardCharsets.UTF_8);
                if (zk.checkExists().forPath(path + "/filter") == null) {
                    zk.create().forPath(path + "/filter", bytes);
                } else {
                    zk.setData().forPath(path + "/filter", bytes);
                }
            } else if (zk.checkExists().forPath(path + "/filter") != null) {
                zk.delete().forPath(path + "/filter");
            }
        } catch (Exception e) {
            throw new MetaStoreException("cannot write subscription " + path + " to ZooKeeper: " + e, e);
        }
    }

    @Override
    public void unsubscribe(ClientIdentity client) {
        requireConnected();
        memory.unsubscribe(client);
        onWriter(() -> deleteClient(client));
    }

    private void deleteClient(ClientIdentity client) {
        String path = clientPath(destination(), client.clientId());
        synchronized (writeLock) {
            cursorVersions.remove(client.clientId());
            writtenCursors.remove(client.clientId());
            try {
                if (zk.checkExists().forPath(path) != null) {
                    zk.delete().deletingChildrenIfNeeded().forPath(path);
                }
            } catch (KeeperException.NoNodeException gone) {
                // already removed
            } catch (Exception e) {
                throw new MetaStoreException("cannot delete " + path + " from ZooKeeper: " + e, e);
            }
        }
    }

    @Override
    public Optional<ClientCursor> cursor(ClientIdentity client) {
        return memory.cursor(client);
    }

    @Override
    public void updateCursor(ClientIdentity client, ClientCursor cursor) {
        try {
            updateCursorAsync(client, cursor).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    @Override
    public CompletableFuture<Void> updateCursorAsync(ClientIdentity client, ClientCursor cursor) {
        memory.updateCursor(client, cursor);
        if (fenced) {
            return CompletableFuture.failedFuture(new StaleCursorException("cursor writes of " + destination()
                    + " are fenced: another server owns its positions now"));
        }
        ExecutorService w = writer;
        if (w == null) {
            return CompletableFuture.completedFuture(null); // not started: stop() or start's flush writes it
        }
        if (!zk.getZookeeperClient().isConnected()) {
            return CompletableFuture.failedFuture(unreachable("is not connected"));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (waiting) {
            waiting.add(done);
            if (!writeQueued) {
                writeQueued = true;
                try {
                    w.execute(this::writeWaiting);
                } catch (java.util.concurrent.RejectedExecutionException stopped) {
                    writeQueued = false;
                    waiting.remove(done);
                    return CompletableFuture.failedFuture(new MetaStoreException("meta of " + destination()
                            + " is stopping"));
                }
            }
        }
        return done;
    }

    /**
     * Runs a ZooKeeper call on the writer thread and waits for it — but only while the connection holds: a
     * disconnect fails the wait at once ({@link #failWaiting}) while the call goes on in Curator's retry loop.
     */
    private void onWriter(Runnable call) {
        ExecutorService w = writer;
        if (w == null) {
            call.run(); // not started
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (waiting) {
            calls.add(done);
        }
        try {
            w.execute(() -> {
                try {
                    call.run();
                    done.complete(null);
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                } finally {
                    synchronized (waiting) {
                        calls.remove(done);
                    }
                }
            });
            done.join();
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            throw new MetaStoreException("meta of " + destination() + " is stopping");
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        } finally {
            synchronized (waiting) {
                calls.remove(done);
            }
        }
    }

    /** On the writer thread: one write covers every ack that was waiting when it began. */
    private void writeWaiting() {
        List<CompletableFuture<Void>> batch;
        synchronized (waiting) {
            batch = new ArrayList<>(waiting);
            waiting.clear();
            writing = batch;
            writeQueued = false;
        }
        try {
            flush();
            batch.forEach(f -> f.complete(null));
        } catch (RuntimeException e) {
            batch.forEach(f -> f.completeExceptionally(e));
        } finally {
            synchronized (waiting) {
                writing = List.of();
            }
        }
    }

    private void sessionEvent(CuratorFramework client, CuratorEvent event) {
        if (event.getType() == CuratorEventType.WATCHED && event.getWatchedEvent() != null
                && event.getWatchedEvent().getType() == Watcher.Event.EventType.None
                && (event.getWatchedEvent().getState() == Watcher.Event.KeeperState.Disconnected
                || event.getWatchedEvent().getState() == Watcher.Event.KeeperState.Expired)) {
            failWaiting("connection " + event.getWatchedEvent().getState().name().toLowerCase());
        }
    }

    /**
     * The write in progress may sit in Curator's retry loop until the connection is back; the acks waiting for it
     * are answered now. The write itself goes on, and whatever it stores is at or behind what was acked.
     */
    private void failWaiting(String why) {
        List<CompletableFuture<Void>> toFail;
        synchronized (waiting) {
            toFail = new ArrayList<>(waiting);
            toFail.addAll(writing);
            toFail.addAll(calls);
        }
        if (!toFail.isEmpty()) {
            MetaStoreException e = unreachable(why);
            toFail.forEach(f -> f.completeExceptionally(e));
        }
    }

    private void requireConnected() {
        if (!zk.getZookeeperClient().isConnected()) {
            throw unreachable("is not connected");
        }
    }

    private MetaStoreException unreachable(String why) {
        return new MetaStoreException("ZooKeeper " + why + ": the position of " + destination()
                + " cannot be confirmed; reconnect (another server may serve the destination)");
    }

    private void periodicFlush() {
        if (fenced) {
            return;
        }
        try {
            flush();
        } catch (StaleCursorException e) {
            // reported through onFenced in flush
        } catch (MetaStoreException e) {
            LOG.error("cursors of {} not written to ZooKeeper, will retry: {}", destination(), e.getMessage(), e);
        }
    }

    /** Writes every cursor that changed since it was last written. */
    public void flush() {
        synchronized (writeLock) {
            if (fenced) {
                throw new StaleCursorException("cursor writes of " + destination() + " are fenced");
            }
            for (MemoryMetaStore.ClientData c : memory.snapshot().clients()) {
                short id = c.subscription().client().clientId();
                if (c.cursor() == null || c.cursor().equals(writtenCursors.get(id))) {
                    continue;
                }
                writeCursor(id, c.cursor());
            }
        }
    }

    private void writeCursor(short clientId, ClientCursor cursor) {
        String path = clientPath(destination(), clientId) + "/cursor";
        byte[] json = MetaJson.cursorNode(cursor);
        Integer version = cursorVersions.get(clientId);
        try {
            Stat stat = new Stat();
            Fence fence = epoch;
            if (fence != null) {
                if (version == null) {
                    zk.createContainers(path.substring(0, path.lastIndexOf('/')));
                }
                var results = zk.transaction().forOperations(
                        zk.transactionOp().check().withVersion(fence.version()).forPath(fence.path()),
                        version == null ? zk.transactionOp().create().forPath(path, json)
                                : zk.transactionOp().setData().withVersion(version).forPath(path, json));
                Stat written = results.get(1).getResultStat();
                stat = written != null ? written : zk.checkExists().forPath(path);
            } else if (version == null) {
                zk.create().storingStatIn(stat).creatingParentsIfNeeded().forPath(path, json);
            } else {
                stat = zk.setData().withVersion(version).forPath(path, json);
            }
            cursorVersions.put(clientId, stat.getVersion());
            writtenCursors.put(clientId, cursor);
        } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException
                 | KeeperException.NoNodeException e) {
            fenced = true;
            StaleCursorException stale = new StaleCursorException(path + " was changed by another writer since this"
                    + " server last read it (" + e.code() + "); not overwriting it, cursor writes of "
                    + destination() + " stop here");
            LOG.error(stale.getMessage());
            onFenced.accept(stale);
            throw stale;
        } catch (Exception e) {
            throw new MetaStoreException("cannot write " + path + " to ZooKeeper: " + e, e);
        }
    }
}
