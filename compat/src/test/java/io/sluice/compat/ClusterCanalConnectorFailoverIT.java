package io.sluice.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.otter.canal.client.CanalConnector;
import com.alibaba.otter.canal.client.CanalConnectors;
import com.alibaba.otter.canal.client.impl.ClusterCanalConnector;
import com.alibaba.otter.canal.protocol.CanalEntry;
import com.alibaba.otter.canal.protocol.Message;
import io.sluice.testkit.FreePort;
import io.sluice.testkit.SourceWriter;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * canal's official {@code ClusterCanalConnector} (canal.client 1.1.8, unchanged, default retry settings: 3 tries,
 * 5 s apart) against two real Sluice servers (child JVMs, ZooKeeper meta) on a three-node ZooKeeper ensemble, the
 * private MariaDB under a writer loop: the active server is killed with SIGKILL, alternately, and the consumer's
 * copy of the table must end equal to the source. {@code -Dsluice.ha.rounds=N} runs N rounds instead of 3,
 * {@code -Dsluice.ha.session.ms=4000} uses the servers' default session timeout instead of 2000 ms.
 */
@ExtendWith(TestDatabaseExtension.class)
class ClusterCanalConnectorFailoverIT {

    private static final String DEST = "example";
    private static final int ROUNDS = Integer.getInteger("sluice.ha.rounds", 3);

    @TempDir
    Path dir;

    /** A server's conf and fixed port (its ZooKeeper identity), and its process while it runs. */
    private static final class Server {
        final String name;
        final int port = FreePort.find();
        Path conf;
        ServerProcess process;
        int starts;

        Server(String name) {
            this.name = name;
        }

        void start() throws Exception {
            process = ServerProcess.start(name + "-" + ++starts, "io.sluice.server.SluiceServer",
                    List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dsluice.conf=" + conf,
                            "-Dsluice.logs=" + conf.resolveSibling("logs")));
        }
    }

    @Test
    void officialClusterConnectorFollowsTheStandbyAfterAKillAndLosesNothing(TestDatabase db) throws Exception {
        withCluster(db, false);
    }

    /**
     * {@code bin/stop.sh} of the active (SIGTERM): the standby runs the destination before the stopping server lets
     * its clients go, and every row arrives exactly once. canal's connector then sleeps its retry interval (5 s)
     * before it reconnects, whatever the servers do: the figure is measured and printed, not asserted.
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 10, unit = TimeUnit.MINUTES)
    void officialClusterConnectorFollowsACleanHandoverAndEveryRowArrivesOnce(TestDatabase db) throws Exception {
        withCluster(db, true);
    }

    private void withCluster(TestDatabase db, boolean graceful) throws Exception {
        SourceWriter writer = new SourceWriter(db); // creates ha.t before the servers read its structure
        TestDatabase.BinlogCoordinates start = db.masterStatus();
        List<InstanceSpec> specs = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            specs.add(new InstanceSpec(Files.createDirectories(dir.resolve("zk" + id)).toFile(),
                    InstanceSpec.getRandomPort(), InstanceSpec.getRandomPort(), InstanceSpec.getRandomPort(), true,
                    id, 500, 100));
        }
        List<Server> servers = List.of(new Server("canal-ha-1"), new Server("canal-ha-2"));
        try (TestingCluster zookeeper = new TestingCluster(specs)) {
            zookeeper.start();
            for (Server s : servers) {
                s.conf = writeConf(dir, s, zookeeper.getConnectString(), db, start);
            }
            try (CuratorFramework zk = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(),
                    new RetryNTimes(Integer.MAX_VALUE, 200))) {
                zk.start();
                zk.blockUntilConnected();
                for (Server s : servers) {
                    s.start();
                }
                try {
                    if (graceful) {
                        runGraceful(zookeeper.getConnectString(), zk, servers, writer);
                    } else {
                        run(zk, zookeeper.getConnectString(), servers, writer);
                    }
                } finally {
                    for (Server s : servers) {
                        if (s.process != null && s.process.isAlive()) {
                            s.process.close();
                        }
                    }
                }
            }
        }
    }

    private void run(CuratorFramework zk, String zkServers, List<Server> servers, SourceWriter writer)
            throws Exception {
        awaitActive(zk, servers);
        Mirror mirror = new Mirror(CanalConnectors.newClusterConnector(zkServers, DEST, "", ""));
        List<Long> failoverMillis = new ArrayList<>();
        List<String> killed = new ArrayList<>();
        Thread consumer = new Thread(mirror, "canal-cluster-consumer");
        consumer.start();
        try {
            writer.start();
            awaitServedAfter(mirror, System.nanoTime());
            for (int round = 1; round <= ROUNDS; round++) {
                Thread.sleep(1500);
                Server active = awaitActive(zk, servers);
                long killAt = System.nanoTime();
                active.process.kill();
                killed.add(active.name);
                long servedAt = awaitServedAfter(mirror, killAt);
                failoverMillis.add(TimeUnit.NANOSECONDS.toMillis(servedAt - killAt));
                assertThat(awaitActive(zk, servers)).isNotSameAs(active);
                active.start();
            }
        } finally {
            writer.close(); // rethrows what made the writer fail
        }
        Map<Integer, Integer> source = writer.sourceRows();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!mirror.rows().equals(source) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        mirror.stop = true;
        consumer.join(60_000);
        Map<Integer, Integer> copy = mirror.rows();
        long lost = source.entrySet().stream().filter(e -> !e.getValue().equals(copy.get(e.getKey()))).count()
                + copy.keySet().stream().filter(k -> !source.containsKey(k)).count();
        List<Long> sorted = failoverMillis.stream().sorted().toList();
        System.out.printf("HA_RESULT client=canal-ClusterCanalConnector test=kill-9 rounds=%d failover_ms=%s "
                        + "median_ms=%d max_ms=%d source_rows=%d rows_lost=%d duplicates=%d acked_redelivered=%d "
                        + "killed=%s%n", ROUNDS, failoverMillis, sorted.get(sorted.size() / 2),
                sorted.get(sorted.size() - 1), source.size(), lost, mirror.duplicates, mirror.ackedRedelivered,
                killed);
        assertThat(mirror.failure).isNull();
        for (int i = 1; i < killed.size(); i++) {
            assertThat(killed.get(i)).as("round %d killed the other server", i + 1).isNotEqualTo(killed.get(i - 1));
        }
        assertThat(lost).as("rows lost").isZero();
        assertThat(mirror.ackedRedelivered).as("acked row changes delivered again").isZero();
    }

    private void runGraceful(String zkServers, CuratorFramework zk, List<Server> servers, SourceWriter writer)
            throws Exception {
        awaitActive(zk, servers);
        Mirror mirror = new Mirror(CanalConnectors.newClusterConnector(zkServers, DEST, "", ""));
        List<Long> gapMillis = new ArrayList<>();
        List<Long> pauseMillis = new ArrayList<>();
        Thread consumer = new Thread(mirror, "canal-cluster-consumer");
        consumer.start();
        try {
            writer.start();
            awaitServedAfter(mirror, System.nanoTime());
            for (int round = 1; round <= ROUNDS; round++) {
                Thread.sleep(1500);
                Server active = awaitActive(zk, servers);
                long connectionBefore = mirror.served.get(mirror.served.size() - 1)[2];
                long stopNanos = System.nanoTime();
                long stopWall = System.currentTimeMillis();
                active.process.terminate(Duration.ofSeconds(90)); // SIGTERM, as bin/stop.sh
                assertThat(awaitActive(zk, servers)).isNotSameAs(active);
                // the stopping server lets its clients go once the successor has taken the running node (its log
                // says so a few ms later; the child's last output lines are not reliably read after it exits)
                long takenMillis = zk.checkExists().forPath("/otter/canal/destinations/" + DEST + "/running").getCtime();
                long[] first = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
                        .until(() -> mirror.served.stream().filter(s -> s[2] > connectionBefore).findFirst(),
                                Optional::isPresent).get();
                long[] lastOld = mirror.served.stream().filter(s -> s[2] <= connectionBefore).reduce((a, b) -> b)
                        .orElseThrow();
                long letGoNanos = stopNanos + TimeUnit.MILLISECONDS.toNanos(takenMillis - stopWall);
                gapMillis.add(TimeUnit.NANOSECONDS.toMillis(first[1] - letGoNanos));
                pauseMillis.add(TimeUnit.NANOSECONDS.toMillis(first[1] - lastOld[1]));
                active.start();
            }
        } finally {
            writer.close();
        }
        Map<Integer, Integer> source = writer.sourceRows();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!mirror.rows().equals(source) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        mirror.stop = true;
        consumer.join(60_000);
        Map<Integer, Integer> copy = mirror.rows();
        long lost = source.entrySet().stream().filter(e -> !e.getValue().equals(copy.get(e.getKey()))).count()
                + copy.keySet().stream().filter(k -> !source.containsKey(k)).count();
        List<Long> sorted = gapMillis.stream().sorted().toList();
        System.out.printf("HA_RESULT client=canal-ClusterCanalConnector test=graceful-handover rounds=%d "
                        + "gap_after_takeover_ms=%s median_ms=%d max_ms=%d consumer_pause_ms=%s source_rows=%d "
                        + "rows_lost=%d duplicates=%d acked_redelivered=%d%n", ROUNDS, gapMillis,
                sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), pauseMillis, source.size(), lost,
                mirror.duplicates, mirror.ackedRedelivered);
        assertThat(mirror.failure).isNull();
        assertThat(lost).as("rows lost").isZero();
        assertThat(mirror.duplicates).as("row changes delivered twice").isZero();
        assertThat(mirror.ackedRedelivered).as("acked row changes delivered again").isZero();
    }

    private static Path writeConf(Path dir, Server s, String zkServers, TestDatabase db,
                                  TestDatabase.BinlogCoordinates start) throws Exception {
        // per test: a data dir left by another test of this JVM must not be read back
        Path conf = Files.createDirectories(dir.resolve("sluice-canal-ha-" + s.name).resolve("conf"));
        Files.writeString(conf.resolve("canal.properties"), String.join("\n",
                "canal.ip = 127.0.0.1", "canal.register.ip = 127.0.0.1", "canal.port = " + s.port,
                "canal.metrics.pull.port = 0", "canal.zkServers = " + zkServers, "canal.destinations = " + DEST,
                "canal.auto.scan = false", "canal.file.data.dir = " + conf.resolveSibling("data"),
                "canal.instance.global.spring.xml = classpath:spring/default-instance.xml",
                "sluice.zookeeper.session.timeout.ms = " + Integer.getInteger("sluice.ha.session.ms", 2000), "sluice.ha.rebalance = false", ""),
                StandardCharsets.UTF_8);
        Path instance = Files.createDirectories(conf.resolve(DEST));
        Files.writeString(instance.resolve("instance.properties"), String.join("\n",
                "canal.instance.master.address = " + db.address(), "canal.instance.dbUsername = canal",
                "canal.instance.dbPassword = canal", "canal.instance.master.journal.name = " + start.file(),
                "canal.instance.master.position = " + start.position(), "canal.instance.filter.regex = ha\\\\..*",
                ""), StandardCharsets.UTF_8);
        return conf;
    }

    private static Server awaitActive(CuratorFramework zk, List<Server> servers) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> {
            try {
                String json = new String(zk.getData().forPath("/otter/canal/destinations/" + DEST + "/running"),
                        StandardCharsets.UTF_8);
                return servers.stream().filter(s -> json.contains("\"127.0.0.1:" + s.port + "\"")).findFirst();
            } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
                return Optional.<Server>empty();
            }
        }, Optional::isPresent).get();
    }

    private static long awaitServedAfter(Mirror mirror, long nanos) {
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
                .until(() -> mirror.firstServedAfter(nanos), Optional::isPresent).get();
    }

    /**
     * Consumer on canal's connector: applies row changes of {@code ha.t} to a map, acks after applying, counts
     * redelivered row changes (keyed by binlog file, offset and row index) and those of acked batches apart. canal's
     * ack has no reply, so an ack counts as processed only once a later GET on the same underlying connection
     * (the cluster connector opens a new one on every restart) was answered: a server handles a connection's
     * requests in order.
     */
    private static final class Mirror implements Runnable {
        final ClusterCanalConnector connector;
        List<String> unconfirmed = List.of();
        Object unconfirmedConnection;
        final Map<Integer, Integer> rows = new HashMap<>();
        final Set<String> seen = new HashSet<>();
        final Set<String> acked = new HashSet<>();
        final List<long[]> served = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile boolean stop;
        volatile Throwable failure;
        volatile long duplicates;
        volatile long ackedRedelivered;
        /** The underlying connection of the last batch, and how many there were: a restart opens a new one. */
        Object lastConnection;
        long connections;

        Mirror(CanalConnector connector) {
            this.connector = (ClusterCanalConnector) connector;
        }

        @Override
        public void run() {
            try {
                connector.connect();
                connector.subscribe("ha\\..*");
                connector.rollback();
                while (!stop) {
                    long requested = System.nanoTime();
                    Message message;
                    try {
                        message = connector.getWithoutAck(500, 100L, TimeUnit.MILLISECONDS);
                    } catch (RuntimeException e) {
                        // canal's connector gave up its retries while no server was active; try again
                        System.out.println("canal connector: " + e.getMessage());
                        Thread.sleep(100);
                        continue;
                    }
                    synchronized (this) {
                        if (connector.getCurrentConnector() == unconfirmedConnection) {
                            acked.addAll(unconfirmed);
                        }
                        unconfirmed = List.of();
                    }
                    if (message.getId() == -1 || message.getEntries().isEmpty()) {
                        continue;
                    }
                    Object current = connector.getCurrentConnector();
                    if (current != lastConnection) {
                        lastConnection = current;
                        connections++;
                    }
                    served.add(new long[] {requested, System.nanoTime(), connections});
                    List<String> keys = apply(message);
                    try {
                        connector.ack(message.getId());
                    } catch (RuntimeException e) {
                        System.out.println("canal connector ack: " + e.getMessage());
                        continue;
                    }
                    synchronized (this) {
                        unconfirmed = keys;
                        unconfirmedConnection = connector.getCurrentConnector();
                    }
                }
                connector.disconnect();
            } catch (Throwable t) {
                failure = t;
            }
        }

        private synchronized List<String> apply(Message message) throws Exception {
            List<String> keys = new ArrayList<>();
            for (CanalEntry.Entry entry : message.getEntries()) {
                if (entry.getEntryType() != CanalEntry.EntryType.ROWDATA
                        || !entry.getHeader().getTableName().equals("t")) {
                    continue;
                }
                CanalEntry.Header h = entry.getHeader();
                CanalEntry.RowChange change = CanalEntry.RowChange.parseFrom(entry.getStoreValue());
                int index = 0;
                for (CanalEntry.RowData row : change.getRowDatasList()) {
                    String key = h.getLogfileName() + ":" + h.getLogfileOffset() + ":" + index++;
                    keys.add(key);
                    if (!seen.add(key)) {
                        duplicates++;
                        if (acked.contains(key)) {
                            ackedRedelivered++;
                        }
                    }
                    switch (change.getEventType()) {
                        case INSERT, UPDATE -> rows.put(value(row.getAfterColumnsList(), "id"),
                                value(row.getAfterColumnsList(), "v"));
                        case DELETE -> rows.remove(value(row.getBeforeColumnsList(), "id"));
                        default -> throw new IllegalStateException("unexpected " + change.getEventType());
                    }
                }
            }
            return keys;
        }

        private static int value(List<CanalEntry.Column> columns, String name) {
            return columns.stream().filter(c -> c.getName().equals(name)).findFirst()
                    .map(c -> Integer.parseInt(c.getValue()))
                    .orElseThrow(() -> new IllegalStateException("no column " + name));
        }

        synchronized Map<Integer, Integer> rows() {
            return new HashMap<>(rows);
        }

        Optional<Long> firstServedAfter(long nanos) {
            return served.stream().filter(s -> s[0] > nanos).map(s -> s[1]).findFirst();
        }
    }
}
