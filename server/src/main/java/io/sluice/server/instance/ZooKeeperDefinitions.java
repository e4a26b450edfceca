package io.sluice.server.instance;

import io.sluice.server.config.ConfigException;
import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.InstanceConfig;
import io.sluice.server.config.ServerConfig;
import io.sluice.server.config.zookeeper.ZkConfigStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;

/**
 * Destinations from the nodes under {@code /sluice/config/destinations} ({@code sluice.config.source=zookeeper}):
 * a child node is a destination, its data its instance.properties. Every server of a cluster watches the same
 * nodes, so a standby holds the settings the active runs with.
 */
final class ZooKeeperDefinitions implements DestinationDefinitions {

    private final ServerConfig server;
    private final ConfigLoader loader;
    private final CuratorFramework zk;
    private final ZkConfigStore store;
    private CuratorCache cache;
    /** For the console's "diff against running": the text each destination last loaded from. */
    private final java.util.Map<String, String> loadedText = new java.util.concurrent.ConcurrentHashMap<>();

    ZooKeeperDefinitions(ServerConfig server, ConfigLoader loader, CuratorFramework zk) {
        this.server = server;
        this.loader = loader;
        this.zk = zk;
        this.store = new ZkConfigStore(zk);
    }

    @Override
    public List<String> names() {
        try {
            return store.destinations();
        } catch (Exception e) {
            throw new DefinitionsUnavailableException("cannot list " + ZkConfigStore.ROOT + ": " + e, e);
        }
    }

    @Override
    public Long fingerprint(String name) {
        String text = text(name);
        if (text == null) {
            return null;
        }
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    @Override
    public InstanceConfig load(String name) {
        String text = text(name);
        if (text == null) {
            throw new ConfigException(origin(name), "is gone", null);
        }
        InstanceConfig loaded = loader.loadInstance(server, name, origin(name), text);
        loadedText.put(name, text);
        return loaded;
    }

    @Override
    public java.util.Optional<String> lastLoaded(String name) {
        return java.util.Optional.ofNullable(loadedText.get(name));
    }

    private String text(String name) {
        try {
            return store.pull(name).map(ZkConfigStore.StoredConfig::text).orElse(null);
        } catch (Exception e) {
            throw new DefinitionsUnavailableException("cannot read " + origin(name) + ": " + e, e);
        }
    }

    private static String origin(String name) {
        return "zookeeper:" + ZkConfigStore.path(name);
    }

    @Override
    public synchronized void watch(Runnable onChange) {
        cache = CuratorCache.build(zk, ZkConfigStore.ROOT);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, before, after) -> onChange.run())
                .build());
        cache.start();
    }

    @Override
    public String describe() {
        return "ZooKeeper " + ZkConfigStore.ROOT;
    }

    @Override
    public synchronized void close() {
        if (cache != null) {
            cache.close();
            cache = null;
        }
    }
}
