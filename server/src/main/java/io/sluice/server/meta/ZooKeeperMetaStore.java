package io.sluice.server.meta;

import io.sluice.server.instance.ClientIdentity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import io.sluice.server.ha.ZkAccess;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import io.sluice.server.ha.Fence;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Meta in ZooKeeper with canal's layout (CANAL-PROTOCOL.md §5), so that canal's tools and cluster clients
 * read it: {@code /otter/canal/destinations/<dest>/<clientId>} per subscribed client, its {@code filter}
 * (plain text) and its {@code cursor} (LogPosition JSON with {@code @type}, plus Sluice's resume points).
 * Subscriptions are written at once; cursors every {@code canal.zookeeper.flush.period} ms when changed, and
 * at stop; with a flush period of 0, at every cursor change. Under HA ({@link #useFence}) every cursor change is
 * written before the call returns, whatever the period: the standby resumes from what is in ZooKeeper, so an ack
 * answered before it reached ZooKeeper would be delivered again after a kill -9 of the active server (canal's
 * periodic flush redelivers up to a period of acked batches that way).
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
    private volatile boolean fenced;
    /** The HA election's proof of ownership; when set, every cursor write is conditional on it too. */
    private volatile Fence epoch;
    private ZkAccess access = ZkAccess.of(new io.sluice.server.config.SecuritySettings("", "", 0, "", ""));

    public ZooKeeperMetaStore(String destination, CuratorFramework zk, long flushPeriodMs,
                              Consumer<StaleCursorException> onFenced) {
        this.memory = new MemoryMetaStore(destination);
        this.zk = zk;
        this.flushPeriodMs = flushPeriodMs;
        this.onFenced = onFenced == null ? e -> { } : onFenced;
    }

    /** The ACLs of the nodes this store creates and adopts (docs/security.md); world-open by default. */
    public ZooKeeperMetaStore withAccess(ZkAccess zkAccess) {
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
     * this server set when it became active ({@link io.sluice.server.ha.DestinationElection}). Per-cursor
     * versions alone leave a window in which a server that lost its session, writing before the new active's
     * first write, would make the new active look stale; the epoch check closes it. Call before {@link #start()}.
     */
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
        memory.subscribe(client, filter);
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
        memory.unsubscribe(client);
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
        memory.updateCursor(client, cursor);
        if ((flushPeriodMs == 0 || epoch != null) && !fenced) {
            flush();
        }
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
