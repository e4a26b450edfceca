package io.sluice.server.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.server.meta.Fence;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryForever;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DestinationElectionTest {

    private TestingServer zkServer;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void startZooKeeper() throws Exception {
        zkServer = new TestingServer(true);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception ignored) {
                // best effort in teardown
            }
        }
        zkServer.close();
    }

    /** One simulated server: its ZooKeeper session and what its elections decided. */
    private final class Server implements DestinationElection.Listener {
        final String address;
        final CuratorFramework zk;
        final Map<String, Fence> active = new ConcurrentHashMap<>();
        final List<String> events = new CopyOnWriteArrayList<>();
        final Map<String, DestinationElection> elections = new ConcurrentHashMap<>();

        Server(String address) {
            this.address = address;
            this.zk = CuratorFrameworkFactory.builder().connectString(zkServer.getConnectString())
                    .sessionTimeoutMs(4000).connectionTimeoutMs(2000).retryPolicy(new RetryForever(100)).build();
            zk.start();
            closeables.add(zk);
        }

        DestinationElection join(String destination, HaSettings settings) {
            DestinationElection e = new DestinationElection(zk, destination, settings, this);
            elections.put(destination, e);
            closeables.add(e);
            e.start();
            return e;
        }

        DestinationElection join(String destination) {
            return join(destination, new HaSettings(address, Duration.ofMillis(100), Duration.ofMillis(300), false,
                    Duration.ofSeconds(1)));
        }

        @Override
        public void activated(String destination, Fence fence) {
            active.put(destination, fence);
            events.add("+" + destination);
        }

        @Override
        public void deactivated(String destination, String reason) {
            active.remove(destination);
            events.add("-" + destination + ":" + reason);
        }

        /** Who ran the destination when a handover asked this server to prepare, and the fence it got. */
        final Map<String, String> runningWhenPrepared = new ConcurrentHashMap<>();
        final Map<String, Fence> prepared = new ConcurrentHashMap<>();

        @Override
        public CompletableFuture<Void> prepare(String destination, Fence fence) {
            events.add("prepare:" + destination);
            prepared.put(destination, fence);
            try {
                runningWhenPrepared.put(destination,
                        RunningInfo.fromJson(zk.getData().forPath(ZkPaths.running(destination))).address());
            } catch (Exception e) {
                runningWhenPrepared.put(destination, "none: " + e);
            }
            // starting a destination takes a while; the stopping server must wait for it
            return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void exactlyOneServerIsActiveAndAStandbyTakesOverWhenItStops() throws Exception {
        Server a = new Server("10.0.0.1:11111");
        Server b = new Server("10.0.0.2:11111");
        DestinationElection ea = a.join("example");
        b.join("example");

        await().atMost(Duration.ofSeconds(10)).until(() -> a.active.size() + b.active.size() == 1);
        Server winner = a.active.containsKey("example") ? a : b;
        Server standby = winner == a ? b : a;
        RunningInfo info = RunningInfo.fromJson(a.zk.getData().forPath(ZkPaths.running("example")));
        assertThat(info).isEqualTo(new RunningInfo(true, winner.address));
        assertThat(new String(info.toJson(), StandardCharsets.UTF_8))
                .isEqualTo("{\"active\":true,\"address\":\"" + winner.address + "\"}");
        assertThat(a.zk.getChildren().forPath(ZkPaths.destinationCluster("example")))
                .containsExactlyInAnyOrder(a.address, b.address);

        winner.elections.get("example").close();

        await().atMost(Duration.ofSeconds(10)).until(() -> standby.active.containsKey("example"));
        assertThat(winner.active).isEmpty();
        assertThat(RunningInfo.fromJson(standby.zk.getData().forPath(ZkPaths.running("example"))).address())
                .isEqualTo(standby.address);
        assertThat(ea).isNotNull();
    }

    @Test
    void aNewActiveFencesTheWritesOfThePreviousOne() throws Exception {
        Server a = new Server("10.0.0.1:11111");
        a.join("example");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.active.containsKey("example"));
        Fence old = a.active.get("example");
        String cursor = "/otter/canal/destinations/example/1001/cursor";
        a.zk.create().creatingParentsIfNeeded().forPath(cursor, "v1".getBytes());
        fencedWrite(a.zk, old, cursor, "v2");

        Server b = new Server("10.0.0.2:11111");
        b.join("example");
        a.elections.get("example").close();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.active.containsKey("example"));
        Fence current = b.active.get("example");
        assertThat(current.version()).isGreaterThan(old.version());

        assertThatThrownBy(() -> fencedWrite(a.zk, old, cursor, "stale"))
                .isInstanceOf(KeeperException.BadVersionException.class);
        fencedWrite(b.zk, current, cursor, "v3");
        assertThat(new String(b.zk.getData().forPath(cursor))).isEqualTo("v3");
    }

    @Test
    void aStoppingActiveHandsOverToAStandbyThatIsReadyBeforeItGivesUpTheRunningNode() throws Exception {
        Server a = new Server("10.0.0.1:11111");
        DestinationElection ea = a.join("example");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.active.containsKey("example"));
        Fence old = a.active.get("example");
        Server b = new Server("10.0.0.2:11111");
        b.join("example");
        await().atMost(Duration.ofSeconds(10)).until(ea::hasStandby);

        assertThat(ea.handOver(Duration.ofSeconds(10))).contains(b.address);

        assertThat(b.runningWhenPrepared).containsEntry("example", a.address);
        assertThat(b.events).containsExactly("prepare:example", "+example");
        assertThat(RunningInfo.fromJson(b.zk.getData().forPath(ZkPaths.running("example"))).address())
                .isEqualTo(b.address);
        // the old active's cursors were final once the standby claimed the handover
        String cursor = "/otter/canal/destinations/example/1001/cursor";
        b.zk.create().creatingParentsIfNeeded().forPath(cursor, "final".getBytes());
        assertThatThrownBy(() -> fencedWrite(a.zk, old, cursor, "late"))
                .isInstanceOf(KeeperException.BadVersionException.class);
        assertThatThrownBy(() -> fencedWrite(a.zk, b.prepared.get("example"), cursor, "late"))
                .as("the fence of the preparation is superseded by the activation's")
                .isInstanceOf(KeeperException.BadVersionException.class);
        fencedWrite(b.zk, b.active.get("example"), cursor, "v2");
        assertThat(b.zk.checkExists().forPath(ZkPaths.handover("example"))).isNull();
        assertThat(b.zk.checkExists().forPath(ZkPaths.successor("example"))).isNull();

        ea.close(); // the stopping server lets go of what remains: it no longer owns the running node
        assertThat(a.events).last().asString().startsWith("-example");
        assertThat(RunningInfo.fromJson(b.zk.getData().forPath(ZkPaths.running("example"))).address())
                .isEqualTo(b.address);
    }

    @Test
    void aHandoverWithoutAReadyStandbyGivesUpAfterItsTimeout() throws Exception {
        Server a = new Server("10.0.0.1:11111");
        DestinationElection ea = a.join("example");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.active.containsKey("example"));
        assertThat(ea.hasStandby()).isFalse();

        assertThat(ea.handOver(Duration.ofMillis(500))).isEmpty();
        assertThat(a.zk.checkExists().forPath(ZkPaths.handover("example"))).isNull();
        assertThat(a.active).containsKey("example");
    }

    private static void fencedWrite(CuratorFramework zk, Fence fence, String path, String value) throws Exception {
        zk.transaction().forOperations(
                zk.transactionOp().check().withVersion(fence.version()).forPath(fence.path()),
                zk.transactionOp().setData().forPath(path, value.getBytes()));
    }

    /**
     * An expiry injected on the ZooKeeper side (no disconnect first) is the worst case: the ephemeral node goes
     * before the old active hears of it, so for a moment both may believe they are active. That moment must be
     * harmless: the old active deactivates as soon as it hears, and its writes are fenced from the instant the
     * new one activated. (A real partition suspends the old active's connection before its session expires, so
     * it stops first; ClusterFailoverIT checks that with probes against real servers.)
     */
    @Test
    void sessionExpiryDeactivatesTheActiveAndFencesItsWrites() throws Exception {
        Server a = new Server("10.0.0.1:11111");
        a.join("example");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.active.containsKey("example"));
        Fence old = a.active.get("example");
        Server b = new Server("10.0.0.2:11111");
        b.join("example");
        Thread.sleep(300);
        assertThat(b.active).isEmpty();

        a.zk.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();

        // the old active hears of the expiry and stops; then one server (the other, or the old one with its new
        // session) is active again with a newer epoch
        await().atMost(Duration.ofSeconds(15)).until(() -> a.events.stream().anyMatch(e -> e.startsWith("-example")));
        await().atMost(Duration.ofSeconds(15)).until(() -> a.active.size() + b.active.size() == 1);
        Fence current = (a.active.containsKey("example") ? a : b).active.get("example");
        assertThat(current.version()).isGreaterThan(old.version());
        String cursor = "/otter/canal/destinations/example/1001/cursor";
        b.zk.create().creatingParentsIfNeeded().forPath(cursor, "new".getBytes());
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> a.zk.checkExists().forPath("/") != null);
        assertThatThrownBy(() -> fencedWrite(a.zk, old, cursor, "stale"))
                .isInstanceOf(KeeperException.BadVersionException.class);
        assertThat(new String(b.zk.getData().forPath(cursor))).isEqualTo("new");
    }

    @Test
    void destinationsSpreadOverServersEvenWhenOneStartedFirst() throws Exception {
        List<String> destinations = List.of("d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8");
        Server a = new Server("10.0.0.1:11111");
        Server b = new Server("10.0.0.2:11111");
        HaSettings sa = new HaSettings(a.address, Duration.ofMillis(100), Duration.ofMillis(300), true, Duration.ofMillis(500));
        HaSettings sb = new HaSettings(b.address, Duration.ofMillis(100), Duration.ofMillis(300), true, Duration.ofMillis(500));
        destinations.forEach(d -> a.join(d, sa));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.active.size() == destinations.size());

        destinations.forEach(d -> b.join(d, sb));
        await().atMost(Duration.ofSeconds(20)).until(() -> a.active.size() + b.active.size() == destinations.size()
                && !b.active.isEmpty());
        Thread.sleep(1500); // let any further hand-over settle
        await().atMost(Duration.ofSeconds(10)).until(() -> a.active.size() + b.active.size() == destinations.size());
        for (String d : destinations) {
            String expected = DestinationElection.preferredMember(d, List.of(a.address, b.address));
            assertThat((a.active.containsKey(d) ? a : b).address).as("server of %s", d).isEqualTo(expected);
        }
        assertThat(a.active).isNotEmpty();
        assertThat(b.active).isNotEmpty();
    }
}
