package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.net.testing.ListDestination;
import io.sluice.server.net.testing.SampleEntries;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ZooKeeper-guided connector against in-process servers and an in-process ZooKeeper (curator-test). */
class ClusterConnectorIT {

    private static final String DEST = "example";
    private static final String RUNNING = "/otter/canal/destinations/" + DEST + "/running";
    private static final String CLUSTER = "/otter/canal/destinations/" + DEST + "/cluster";

    private TestingServer zookeeper;
    private CuratorFramework zk;
    private final List<AutoCloseable> closeLast = new ArrayList<>();

    @BeforeEach
    void startZooKeeper() throws Exception {
        zookeeper = new TestingServer(true);
        zk = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100));
        zk.start();
        zk.blockUntilConnected();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable c : closeLast) {
            c.close();
        }
        zk.close();
        zookeeper.close();
    }

    private InProcessServer server(ListDestination destination) {
        InProcessServer server = InProcessServer.open();
        server.serve(destination);
        closeLast.add(0, server);
        return server;
    }

    private static String hostPort(InProcessServer server) {
        InetSocketAddress a = server.address();
        return a.getHostString() + ":" + a.getPort();
    }

    private void registerMember(InProcessServer server) throws Exception {
        zk.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(CLUSTER + "/" + hostPort(server));
    }

    /** canal's running JSON; keys in another order than canal writes them, plus one canal 1.0 wrote. */
    private void makeActive(InProcessServer server) throws Exception {
        byte[] json = ("{\"address\":\"" + hostPort(server) + "\",\"cid\":1,\"active\":true}")
                .getBytes(StandardCharsets.UTF_8);
        if (zk.checkExists().forPath(RUNNING) != null) {
            zk.delete().forPath(RUNNING);
        }
        zk.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(RUNNING, json);
    }

    private SluiceConnector connector() {
        SluiceConnector connector = SluiceConnector.cluster(zookeeper.getConnectString(),
                ConnectorSettings.of(DEST).withReconnect(30, Duration.ofMillis(100)));
        closeLast.add(0, connector);
        return connector;
    }

    private static String firstTransaction(Message message) throws Exception {
        CanalEntry.Entry entry = message.entries().get(0);
        return "B" + CanalEntry.TransactionBegin.parseFrom(entry.getStoreValue()).getThreadId();
    }

    @Test
    void locatorPrefersTheRunningNodeThenTheClusterList() throws Exception {
        InProcessServer a = server(new ListDestination(DEST, SampleEntries.transactions(1, 1)));
        InProcessServer b = server(new ListDestination(DEST, SampleEntries.transactions(1, 1)));
        zk.create().creatingParentsIfNeeded().forPath(CLUSTER);
        try (ZooKeeperServerLocator locator = ZooKeeperServerLocator.start(zk, DEST, 10_000)) {
            assertThatThrownBy(locator::locate).hasMessageContaining("no alive canal server for example");
            registerMember(b);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(locator.locate()).isEqualTo(b.address()));
            makeActive(a);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(locator.locate()).isEqualTo(a.address()));
            zk.setData().forPath(RUNNING, ("{\"active\":false,\"address\":\"" + hostPort(a) + "\"}").getBytes());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(locator.locate()).isEqualTo(b.address()));
        }
    }

    @Test
    void connectorFollowsTheRunningNodeToAnotherServer() throws Exception {
        InProcessServer a = server(new ListDestination(DEST, SampleEntries.transactions(1, 5, 1)));
        InProcessServer b = server(new ListDestination(DEST, SampleEntries.transactions(101, 5, 1)));
        registerMember(a);
        registerMember(b);
        makeActive(a);
        SluiceConnector connector = connector();
        connector.connect();
        connector.subscribe();
        assertThat(firstTransaction(connector.getWithoutAck(3))).isEqualTo("B1");
        makeActive(b);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.connectionCount() == 0);
        assertThat(firstTransaction(connector.getWithoutAck(3))).isEqualTo("B101");
        assertThat(b.connectionCount()).isEqualTo(1);
    }

    @Test
    void afterTheActiveServerDiesTheStandbyContinuesAfterTheLastAck() throws Exception {
        // both servers see one store, as HA servers share their cursors through ZooKeeper
        ListDestination shared = new ListDestination(DEST, SampleEntries.transactions(30, 1));
        InProcessServer a = server(shared);
        InProcessServer b = server(shared);
        registerMember(a);
        registerMember(b);
        makeActive(a);
        SluiceConnector connector = connector();
        connector.connect();
        connector.subscribe();
        List<String> seen = new ArrayList<>();
        try (BatchStream stream = connector.stream(StreamSettings.of(4))) {
            boolean failedOver = false;
            while (!seen.contains("E30")) {
                Message message = stream.poll(20, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(message).as("a batch within 20 s").isNotNull();
                for (CanalEntry.Entry e : message.entries()) {
                    if (e.getEntryType() == CanalEntry.EntryType.TRANSACTIONEND) {
                        seen.add("E" + CanalEntry.TransactionEnd.parseFrom(e.getStoreValue()).getTransactionId());
                    }
                }
                if (!failedOver && seen.size() >= 10) {
                    a.stop();
                    makeActive(b);
                    failedOver = true;
                }
                stream.ack(message);
            }
        }
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            expected.add("E" + i);
        }
        assertThat(seen.stream().distinct().toList()).isEqualTo(expected);
        assertThat(b.connectionCount()).isEqualTo(1);
    }
}
