package io.sluice.server.ha;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each server's card in ZooKeeper, {@code /sluice/servers/<ip:port>} (ephemeral, JSON): version, start time, admin
 * port and a summary of the destinations it runs, refreshed every {@value #REFRESH_SECONDS} s, so that the console
 * of any server shows the whole cluster without calling the other servers (and without handing them the operator's
 * credentials). canal's own {@code /otter/canal/cluster} nodes stay empty, as canal's tools expect.
 */
public final class ServerDirectory implements AutoCloseable {

    static final int REFRESH_SECONDS = 2;
    private static final Logger log = LoggerFactory.getLogger(ServerDirectory.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CuratorFramework zk;
    private final PersistentNode node;
    private final Supplier<Object> card;
    private final ScheduledExecutorService refresher;

    /** @param card this server's card, serialized to JSON at each refresh */
    public ServerDirectory(CuratorFramework zk, String address, Supplier<Object> card) {
        this.zk = zk;
        this.card = card;
        this.node = new PersistentNode(zk, CreateMode.EPHEMERAL, false, ZkPaths.SERVERS + "/" + address, bytes());
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "server-card");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        node.start();
        refresher.scheduleWithFixedDelay(this::refresh, REFRESH_SECONDS, REFRESH_SECONDS, TimeUnit.SECONDS);
    }

    private void refresh() {
        if (!zk.getZookeeperClient().isConnected()) {
            return;
        }
        try {
            node.setData(bytes());
        } catch (Exception e) {
            log.debug("server card not refreshed: {}", e.getMessage());
        }
    }

    private byte[] bytes() {
        try {
            return JSON.writeValueAsBytes(card.get());
        } catch (Exception e) {
            return "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** The cards of every live server, as published (the caller puts its own live one in place of its own). */
    public List<JsonNode> cards() {
        List<JsonNode> out = new ArrayList<>();
        List<String> names;
        try {
            names = new ArrayList<>(zk.getChildren().forPath(ZkPaths.SERVERS));
        } catch (Exception e) {
            return out;
        }
        names.sort(null);
        for (String name : names) {
            try {
                JsonNode n = JSON.readTree(zk.getData().forPath(ZkPaths.SERVERS + "/" + name));
                if (n != null && n.isObject()) {
                    out.add(n);
                }
            } catch (Exception e) {
                log.debug("server card {} unreadable: {}", name, e.getMessage());
            }
        }
        return out;
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        try {
            node.close();
        } catch (Exception e) {
            log.debug("server card not removed: {}", e.getMessage());
        }
    }
}
