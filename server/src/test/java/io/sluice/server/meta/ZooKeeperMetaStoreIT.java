package io.sluice.server.meta;

import static io.sluice.server.meta.MetaFixtures.C1001;
import static io.sluice.server.meta.MetaFixtures.C1002;
import static io.sluice.server.meta.MetaFixtures.cursor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.position.SourcePositions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ZooKeeperMetaStoreIT {

    private static TestingServer server;
    private CuratorFramework zk;

    @BeforeAll
    static void startZooKeeper() throws Exception {
        server = new TestingServer(true);
    }

    @AfterAll
    static void stopZooKeeper() throws Exception {
        server.close();
    }

    @BeforeEach
    void connect() throws Exception {
        zk = client();
        if (zk.checkExists().forPath("/otter") != null) {
            zk.delete().deletingChildrenIfNeeded().forPath("/otter");
        }
    }

    @AfterEach
    void disconnect() {
        zk.close();
    }

    private static CuratorFramework client() throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100));
        c.start();
        c.blockUntilConnected();
        return c;
    }

    private String read(String path) throws Exception {
        return new String(zk.getData().forPath(path), StandardCharsets.UTF_8);
    }

    @Test
    void writesCanalsNodeLayoutAndCursorJson() throws Exception {
        ZooKeeperMetaStore s = new ZooKeeperMetaStore("example", zk, 60_000, null);
        s.start();
        s.subscribe(C1001, "");
        s.subscribe(C1002, "shop\\..*");
        s.updateCursor(C1001, cursor(4567, 0));
        s.stop();
        assertThat(zk.getChildren().forPath("/otter/canal/destinations/example")).containsExactlyInAnyOrder("1001", "1002");
        assertThat(zk.checkExists().forPath("/otter/canal/destinations/example/1001/filter")).isNull();
        assertThat(read("/otter/canal/destinations/example/1002/filter")).isEqualTo("shop\\..*");
        assertThat(read("/otter/canal/destinations/example/1001/cursor")).isEqualTo(
                "{\"@type\":\"com.alibaba.otter.canal.protocol.position.LogPosition\",\"identity\":{\"slaveId\":-1,"
                        + "\"sourceAddress\":{\"address\":\"10.0.0.21\",\"port\":3306}},\"postion\":{\"gtid\":\"\","
                        + "\"included\":false,\"journalName\":\"mysql-bin.000003\",\"position\":4567,\"serverId\":1,"
                        + "\"timestamp\":1700000000000},\"sluiceResume\":[{\"gtid\":\"\",\"journalName\":"
                        + "\"mysql-bin.000003\",\"position\":4467,\"serverId\":1,\"skipEntries\":0,\"source\":\"\","
                        + "\"timestamp\":1700000000000}]}");
        assertThat(zk.checkExists().forPath("/otter/canal/destinations/example/1002/cursor")).isNull();
    }

    @Test
    void stateIsReadBackIncludingACursorCanalWrote() throws Exception {
        zk.create().creatingParentsIfNeeded().forPath("/otter/canal/destinations/example/1001/cursor",
                ("{\"@type\":\"com.alibaba.otter.canal.protocol.position.LogPosition\",\"identity\":{\"slaveId\":-1,"
                        + "\"sourceAddress\":{\"address\":\"db1\",\"port\":3306}},\"postion\":{\"gtid\":\"\",\"included\":false,"
                        + "\"journalName\":\"mysql-bin.000009\",\"position\":777,\"serverId\":5,\"timestamp\":1}}")
                        .getBytes(StandardCharsets.UTF_8));
        zk.create().forPath("/otter/canal/destinations/example/1001/filter", "a\\.b".getBytes(StandardCharsets.UTF_8));
        zk.create().forPath("/otter/canal/destinations/example/running", new byte[0]);
        ZooKeeperMetaStore s = new ZooKeeperMetaStore("example", zk, 60_000, null);
        s.start();
        assertThat(s.subscriptions()).containsExactly(new Subscription(C1001, "a\\.b"));
        BinlogPosition p = new BinlogPosition("mysql-bin.000009", 777, "", 5, 1);
        assertThat(s.restartPositions()).isEqualTo(SourcePositions.of("", ResumePoint.at(p)));
        s.stop();
    }

    @Test
    void cursorsAreFlushedPeriodically() throws Exception {
        ZooKeeperMetaStore s = new ZooKeeperMetaStore("example", zk, 50, null);
        s.start();
        s.subscribe(C1001, "");
        s.updateCursor(C1001, cursor(1111, 0));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                zk.checkExists().forPath("/otter/canal/destinations/example/1001/cursor") != null
                        && read("/otter/canal/destinations/example/1001/cursor").contains("\"position\":1111"));
        s.updateCursor(C1001, cursor(2222, 0));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                read("/otter/canal/destinations/example/1001/cursor").contains("\"position\":2222"));
        s.stop();
    }

    @Test
    void unsubscribeDeletesTheClientNodeRecursively() throws Exception {
        ZooKeeperMetaStore s = new ZooKeeperMetaStore("example", zk, 60_000, null);
        s.start();
        s.subscribe(C1001, "x\\.y");
        s.updateCursor(C1001, cursor(1010, 0));
        s.flush();
        s.unsubscribe(C1001);
        assertThat(zk.checkExists().forPath("/otter/canal/destinations/example/1001")).isNull();
        s.stop();
    }

    @Test
    void aStaleWriterCannotOverwriteANewerCursor() throws Exception {
        ZooKeeperMetaStore first = new ZooKeeperMetaStore("example", zk, 60_000, null);
        first.start();
        first.subscribe(C1001, "");
        first.updateCursor(C1001, cursor(1000, 0));
        first.flush();

        List<StaleCursorException> fencedEvents = new CopyOnWriteArrayList<>();
        try (CuratorFramework otherServer = client()) {
            // the destination moves to another server, which reads the cursor and moves it on
            ZooKeeperMetaStore second = new ZooKeeperMetaStore("example", otherServer, 60_000, null);
            second.start();
            assertThat(second.cursor(C1001)).contains(cursor(1000, 0));
            second.updateCursor(C1001, cursor(5000, 0));
            second.flush();

            ZooKeeperMetaStore stale = first;
            assertThatThrownBy(() -> stale.updateCursor(C1001, cursor(2000, 0)))
                    .isInstanceOf(StaleCursorException.class)
                    .hasMessageContaining("/otter/canal/destinations/example/1001/cursor");
            assertThat(stale.isFenced()).isTrue();
            stale.stop(); // no final write either
            assertThat(read("/otter/canal/destinations/example/1001/cursor")).contains("\"position\":5000");

            // a store created with a listener hears about it
            ZooKeeperMetaStore third = new ZooKeeperMetaStore("example", zk, 60_000, fencedEvents::add);
            third.start();
            second.updateCursor(C1001, cursor(6000, 0));
            second.flush();
            assertThatThrownBy(() -> third.updateCursor(C1001, cursor(5500, 0)))
                    .isInstanceOf(StaleCursorException.class);
            assertThat(fencedEvents).hasSize(1);
            assertThat(read("/otter/canal/destinations/example/1001/cursor")).contains("\"position\":6000");
            second.stop();
            third.stop();
        }
    }

    @Test
    void anAckIsInZooKeeperWhenItsWriteCompletesWhateverTheFlushPeriod() throws Exception {
        ZooKeeperMetaStore s = new ZooKeeperMetaStore("example", zk, 60_000, null);
        s.start();
        s.subscribe(C1001, "");
        CompletableFuture<Void> written = s.updateCursorAsync(C1001, cursor(3333, 0));
        written.get(10, TimeUnit.SECONDS);
        assertThat(read("/otter/canal/destinations/example/1001/cursor")).contains("\"position\":3333");
        s.updateCursor(C1001, cursor(4444, 0));
        assertThat(read("/otter/canal/destinations/example/1001/cursor")).contains("\"position\":4444");
        s.stop();
    }

    @Test
    void acksFailAtOnceWhenZooKeeperGoesAwayInsteadOfWaitingInCuratorsRetries() throws Exception {
        try (TestingServer own = new TestingServer(true);
             CuratorFramework client = CuratorFrameworkFactory.builder().connectString(own.getConnectString())
                     .connectionTimeoutMs(15_000).sessionTimeoutMs(30_000)
                     .retryPolicy(new ExponentialBackoffRetry(1000, 3)).build()) {
            client.start();
            client.blockUntilConnected();
            ZooKeeperMetaStore s = new ZooKeeperMetaStore("example", client, 60_000, null);
            s.start();
            s.subscribe(C1001, "");
            s.updateCursor(C1001, cursor(1000, 0));
            own.stop();
            // raced with the disconnect: refused at once, or failed the moment the client notices
            long began = System.nanoTime();
            CompletableFuture<Void> waiting = s.updateCursorAsync(C1001, cursor(2000, 0));
            assertThat(waiting).failsWithin(Duration.ofSeconds(3)).withThrowableOfType(ExecutionException.class)
                    .withMessageContaining("ZooKeeper");
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.getZookeeperClient().isConnected());
            CompletableFuture<Void> refused = s.updateCursorAsync(C1001, cursor(3000, 0));
            assertThat(refused).as("refused in the call").isCompletedExceptionally();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began)).isLessThan(10_000);
            assertThatThrownBy(() -> s.subscribe(C1002, "")).isInstanceOf(MetaStoreException.class)
                    .hasMessageContaining("ZooKeeper is not connected");
            own.restart();
            client.blockUntilConnected(30, TimeUnit.SECONDS);
            s.updateCursorAsync(C1001, cursor(4000, 0)).get(30, TimeUnit.SECONDS);
            assertThat(new String(client.getData().forPath("/otter/canal/destinations/example/1001/cursor"),
                    StandardCharsets.UTF_8)).contains("\"position\":4000");
            s.stop();
        }
    }
}
