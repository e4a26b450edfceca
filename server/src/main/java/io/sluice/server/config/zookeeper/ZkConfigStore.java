package io.sluice.server.config.zookeeper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Destinations' {@code instance.properties} kept in ZooKeeper, so every server of a cluster runs a destination
 * with the same settings and a standby that takes over reads exactly what the active used.
 *
 * <p>Layout: {@code /sluice/config/destinations/<dest>} holds the current file (UTF-8 text, as on disk); its
 * ZooKeeper data version is the config version. Each replaced version is kept under
 * {@code <dest>/history/v-<version>} (the newest {@value #HISTORY_KEPT}), so an operator can see and restore
 * what ran before.
 */
public final class ZkConfigStore {

    public static final String ROOT = "/sluice/config/destinations";
    static final int HISTORY_KEPT = 20;

    private final CuratorFramework zk;

    public ZkConfigStore(CuratorFramework zk) {
        this.zk = zk;
    }

    /** One destination's configuration as stored. */
    public record StoredConfig(String destination, String text, int version, long modifiedMillis) {
    }

    public static String path(String destination) {
        return ROOT + "/" + destination;
    }

    /**
     * Stores a new version. With {@code expectedVersion} &ge; 0 the write only succeeds if nobody changed the
     * node since that version was read (compare-and-set); -1 overwrites unconditionally.
     *
     * @return the new version
     */
    public int push(String destination, String text, int expectedVersion) throws Exception {
        validateName(destination);
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        String path = path(destination);
        Stat stat = zk.checkExists().forPath(path);
        if (stat == null) {
            if (expectedVersion > 0) {
                throw new KeeperException.BadVersionException(path);
            }
            try {
                zk.create().creatingParentContainersIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path, data);
                return 0;
            } catch (KeeperException.NodeExistsException raced) {
                stat = zk.checkExists().forPath(path);
            }
        }
        byte[] previous = zk.getData().storingStatIn(stat).forPath(path);
        if (new String(previous, StandardCharsets.UTF_8).equals(text) && expectedVersion < 0) {
            return stat.getVersion();
        }
        int version = zk.setData().withVersion(expectedVersion >= 0 ? expectedVersion : stat.getVersion())
                .forPath(path, data).getVersion();
        keepHistory(destination, stat.getVersion(), previous);
        return version;
    }

    private void keepHistory(String destination, int version, byte[] previous) throws Exception {
        String history = path(destination) + "/history";
        try {
            zk.create().creatingParentContainersIfNeeded().forPath(history + "/v-" + String.format("%010d", version), previous);
        } catch (KeeperException.NodeExistsException already) {
            // a concurrent pusher recorded it
        }
        List<String> versions = new ArrayList<>(zk.getChildren().forPath(history));
        versions.sort(Comparator.naturalOrder());
        for (int i = 0; i < versions.size() - HISTORY_KEPT; i++) {
            zk.delete().quietly().forPath(history + "/" + versions.get(i));
        }
    }

    public Optional<StoredConfig> pull(String destination) throws Exception {
        Stat stat = new Stat();
        try {
            byte[] data = zk.getData().storingStatIn(stat).forPath(path(destination));
            return Optional.of(new StoredConfig(destination, new String(data, StandardCharsets.UTF_8), stat.getVersion(),
                    stat.getMtime()));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    /** Earlier versions of a destination's configuration, oldest first. */
    public List<StoredConfig> history(String destination) throws Exception {
        String history = path(destination) + "/history";
        List<StoredConfig> out = new ArrayList<>();
        List<String> names;
        try {
            names = new ArrayList<>(zk.getChildren().forPath(history));
        } catch (KeeperException.NoNodeException e) {
            return out;
        }
        names.sort(Comparator.naturalOrder());
        for (String name : names) {
            Stat stat = new Stat();
            byte[] data = zk.getData().storingStatIn(stat).forPath(history + "/" + name);
            out.add(new StoredConfig(destination, new String(data, StandardCharsets.UTF_8),
                    Integer.parseInt(name.substring(2)), stat.getMtime()));
        }
        return out;
    }

    public List<String> destinations() throws Exception {
        try {
            List<String> names = new ArrayList<>(zk.getChildren().forPath(ROOT));
            names.sort(Comparator.naturalOrder());
            return names;
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }

    public void delete(String destination) throws Exception {
        zk.delete().quietly().deletingChildrenIfNeeded().forPath(path(destination));
    }

    /**
     * Calls {@code onChange} with each new version of the destination's configuration (and once with the
     * current one). Close the returned cache to stop watching.
     */
    public CuratorCache watch(String destination, Consumer<StoredConfig> onChange) {
        String path = path(destination);
        CuratorCache cache = CuratorCache.build(zk, path, CuratorCache.Options.SINGLE_NODE_CACHE);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, after) -> {
                    if (after.getPath().equals(path)) {
                        onChange.accept(new StoredConfig(destination, new String(after.getData(), StandardCharsets.UTF_8),
                                after.getStat().getVersion(), after.getStat().getMtime()));
                    }
                })
                .build());
        cache.start();
        return cache;
    }

    private static void validateName(String destination) {
        if (destination == null || destination.isBlank() || destination.contains("/")) {
            throw new IllegalArgumentException("not a destination name: '" + destination + "'");
        }
    }
}
