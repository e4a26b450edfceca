package io.sluice.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a destination's active server as canal's {@code ClusterCanalConnector} does (CANAL-PROTOCOL.md §2.12, §5):
 * the address in the ephemeral {@code /otter/canal/destinations/<dest>/running} node
 * ({@code {"active":true,"address":"ip:port"}}), else one of the {@code …/<dest>/cluster/<ip:port>} children.
 * Both are watched; when the running node names another server, the connector is told so it moves there.
 */
public final class ZooKeeperServerLocator implements ServerLocator {

    private static final Logger log = LoggerFactory.getLogger(ZooKeeperServerLocator.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String destination;
    private final String runningPath;
    private final String clusterPath;
    private final CuratorFramework zk;
    private final boolean ownsClient;
    private final CuratorCache running;
    private final CuratorCache cluster;
    private final List<Consumer<InetSocketAddress>> watchers = new CopyOnWriteArrayList<>();
    private volatile InetSocketAddress lastActive;

    private ZooKeeperServerLocator(CuratorFramework zk, boolean ownsClient, String destination) {
        this.zk = zk;
        this.ownsClient = ownsClient;
        this.destination = destination;
        this.runningPath = "/otter/canal/destinations/" + destination + "/running";
        this.clusterPath = "/otter/canal/destinations/" + destination + "/cluster";
        this.running = CuratorCache.build(zk, runningPath);
        this.cluster = CuratorCache.build(zk, clusterPath);
    }

    /**
     * Connects to ZooKeeper ({@code canal.zkServers} syntax, e.g. {@code zk1:2181,zk2:2181}) and loads both nodes.
     *
     * @throws IOException when ZooKeeper does not answer within {@code timeoutMillis}
     */
    public static ZooKeeperServerLocator start(String zkServers, String destination, int timeoutMillis)
            throws IOException {
        CuratorFramework zk = CuratorFrameworkFactory.builder().connectString(zkServers)
                .sessionTimeoutMs(Math.max(timeoutMillis, 10_000)).connectionTimeoutMs(timeoutMillis)
                .retryPolicy(new ExponentialBackoffRetry(200, 10, 5_000)).build();
        zk.start();
        try {
            if (!zk.blockUntilConnected(timeoutMillis, TimeUnit.MILLISECONDS)) {
                throw new IOException("ZooKeeper " + zkServers + " did not answer within " + timeoutMillis + " ms");
            }
            return start(zk, true, destination, timeoutMillis);
        } catch (InterruptedException e) {
            zk.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to ZooKeeper", e);
        } catch (IOException | RuntimeException e) {
            zk.close();
            throw e;
        }
    }

    /** Uses a started Curator client owned by the caller (it is not closed with the locator). */
    public static ZooKeeperServerLocator start(CuratorFramework zk, String destination, int timeoutMillis)
            throws IOException {
        try {
            return start(zk, false, destination, timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while loading the cluster nodes", e);
        }
    }

    private static ZooKeeperServerLocator start(CuratorFramework zk, boolean owns, String destination,
                                                int timeoutMillis) throws IOException, InterruptedException {
        ZooKeeperServerLocator locator = new ZooKeeperServerLocator(zk, owns, destination);
        CountDownLatch loaded = new CountDownLatch(2);
        for (CuratorCache cache : List.of(locator.running, locator.cluster)) {
            cache.listenable().addListener(CuratorCacheListener.builder()
                    .forInitialized(loaded::countDown)
                    .forAll((type, before, after) -> locator.changed())
                    .build());
            cache.start();
        }
        if (!loaded.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
            locator.close();
            throw new IOException("cluster nodes of " + destination + " not loaded within " + timeoutMillis + " ms");
        }
        locator.lastActive = locator.active().orElse(null);
        return locator;
    }

    @Override
    public InetSocketAddress locate() throws IOException {
        Optional<InetSocketAddress> active = active();
        if (active.isPresent()) {
            return active.get();
        }
        List<String> members = cluster.stream().map(ChildData::getPath).filter(p -> !p.equals(clusterPath))
                .map(p -> p.substring(p.lastIndexOf('/') + 1)).toList();
        if (members.isEmpty()) {
            throw new IOException("no alive canal server for " + destination + " (neither " + runningPath
                    + " nor children of " + clusterPath + ")");
        }
        return address(members.get(ThreadLocalRandom.current().nextInt(members.size())));
    }

    @Override
    public void watch(Consumer<InetSocketAddress> moved) {
        watchers.add(moved);
    }

    /** The server named by the running node, if it exists and says active. */
    Optional<InetSocketAddress> active() {
        Optional<ChildData> node = running.get(runningPath);
        if (node.isEmpty() || node.get().getData() == null) {
            return Optional.empty();
        }
        try {
            JsonNode json = JSON.readTree(node.get().getData());
            if (!json.path("active").asBoolean(false) || !json.hasNonNull("address")) {
                return Optional.empty();
            }
            return Optional.of(address(json.get("address").asText()));
        } catch (IOException | IllegalArgumentException e) {
            log.warn("unreadable {} ({}); falling back to the cluster list", runningPath, e.getMessage());
            return Optional.empty();
        }
    }

    private void changed() {
        InetSocketAddress now = active().orElse(null);
        if (now != null && !Objects.equals(now, lastActive)) {
            log.info("active server of {} is now {}", destination, now);
            watchers.forEach(w -> w.accept(now));
        }
        lastActive = now;
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not host:port: " + hostPort);
        }
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    @Override
    public void close() {
        running.close();
        cluster.close();
        if (ownsClient) {
            zk.close();
        }
    }
}
