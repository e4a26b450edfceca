package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.SluiceServer;
import io.sluice.server.config.ConfigLoader;
import io.sluice.testkit.FreePort;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three copies of one consumer (same destination and client id) against a real server over the private MariaDB,
 * elected through ZooKeeper (curator-test) on canal's client running node: one pulls at a time; when the active
 * copy dies (its ZooKeeper session closed abruptly) another continues from the last ack, and the mirrored rows end equal to the source.
 */
@ExtendWith(TestDatabaseExtension.class)
class ClientRunningMonitorIT {

    private static final String DEST = "standby";

    @TempDir
    Path conf;

    private final Map<Integer, String> mirror = new ConcurrentHashMap<>();
    private final List<Integer> receivers = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger receiving = new AtomicInteger();
    private final AtomicInteger overlaps = new AtomicInteger();
    private volatile boolean stop;

    /** One copy of the consumer application. */
    private final class Copy implements Runnable {
        final int index;
        final CuratorFramework zk;
        final ClientRunningMonitor monitor;
        final InetSocketAddress server;
        final Thread thread;
        volatile boolean killed;

        Copy(int index, String zkServers, InetSocketAddress server) throws InterruptedException {
            this.index = index;
            this.server = server;
            zk = CuratorFrameworkFactory.newClient(zkServers, 10_000, 5_000, new RetryOneTime(100));
            zk.start();
            zk.blockUntilConnected();
            monitor = ClientRunningMonitor.start(zk, DEST, ConnectorSettings.DEFAULT_CLIENT_ID, "127.0.0.1:" + (7000 + index));
            thread = new Thread(this, "copy-" + index);
            thread.start();
        }

        @Override
        public void run() {
            try {
                while (!stop && !killed) {
                    if (!monitor.awaitActive(200, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                    try (SluiceConnector c = new SluiceConnector(server, ConnectorSettings.of(DEST))) {
                        c.connect();
                        c.subscribe();
                        while (!stop && !killed && monitor.isActive()) {
                            Message m = c.getWithoutAck(20, 200, TimeUnit.MILLISECONDS);
                            if (!monitor.isActive() || killed) {
                                break; // not acked: the next active copy gets it again
                            }
                            if (!m.isEmpty()) {
                                apply(m);
                                c.ack(m);
                            }
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                if (!killed) {
                    throw new IllegalStateException("copy " + index + " failed", e);
                }
            }
        }

        private void apply(Message m) throws Exception {
            if (receiving.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            try {
                receivers.add(index);
                for (CanalEntry.Entry e : m.entries()) {
                    if (e.getEntryType() != CanalEntry.EntryType.ROWDATA) {
                        continue;
                    }
                    CanalEntry.RowChange rc = CanalEntry.RowChange.parseFrom(e.getStoreValue());
                    for (CanalEntry.RowData row : rc.getRowDatasList()) {
                        if (rc.getEventType() == CanalEntry.EventType.DELETE) {
                            mirror.remove(Integer.parseInt(row.getBeforeColumns(0).getValue()));
                        } else if (!rc.getIsDdl()) {
                            mirror.put(Integer.parseInt(row.getAfterColumns(0).getValue()), row.getAfterColumns(1).getValue());
                        }
                    }
                }
            } finally {
                receiving.decrementAndGet();
            }
        }

        /** The process dies: it stops pulling (nothing more acked) and its ZooKeeper session closes abruptly. */
        void kill() {
            killed = true;
            thread.interrupt();
            zk.close();
        }

        void close() throws InterruptedException {
            thread.join(30_000);
            if (!killed) {
                monitor.close();
                zk.close();
            }
        }
    }

    @Test
    void oneCopyReceivesAtATimeAndAnotherContinuesWhenTheActiveDies(TestDatabase db) throws Exception {
        db.execute("CREATE DATABASE IF NOT EXISTS standby", "DROP TABLE IF EXISTS standby.items",
                "CREATE TABLE standby.items (id INT PRIMARY KEY, v VARCHAR(20))");
        TestDatabase.BinlogCoordinates start = db.masterStatus();
        Files.createDirectories(conf.resolve(DEST));
        Files.writeString(conf.resolve(DEST).resolve("instance.properties"), String.join("\n",
                "canal.instance.master.address = " + db.address(),
                "canal.instance.master.journal.name = " + start.file(),
                "canal.instance.master.position = " + start.position(),
                "canal.instance.dbUsername = canal", "canal.instance.dbPassword = canal",
                "canal.instance.filter.regex = standby\\\\.items", ""), StandardCharsets.UTF_8);
        int port = FreePort.find();
        Files.writeString(conf.resolve("canal.properties"), String.join("\n", "canal.port = " + port,
                "canal.metrics.pull.port = 0", "canal.destinations = " + DEST,
                "canal.file.data.dir = " + conf.resolve("data"), ""), StandardCharsets.UTF_8);
        ConfigLoader loader = ConfigLoader.fromEnvironment();
        List<Copy> copies = new ArrayList<>();
        try (TestingServer zookeeper = new TestingServer(true);
             SluiceServer server = new SluiceServer(loader.loadServer(conf.resolve("canal.properties")), loader, null)) {
            server.start();
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
            for (int i = 0; i < 3; i++) {
                copies.add(new Copy(i, zookeeper.getConnectString(), address));
            }
            try {
                for (int i = 1; i <= 40; i++) {
                    db.execute("INSERT INTO standby.items VALUES (" + i + ", 'v" + i + "')");
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> mirror.size() == 40);
                assertThat(copies.stream().filter(c -> c.monitor.isActive()).count()).isEqualTo(1);
                Copy first = copies.stream().filter(c -> c.monitor.isActive()).findFirst().orElseThrow();

                first.kill();
                for (int i = 41; i <= 80; i++) {
                    db.execute("INSERT INTO standby.items VALUES (" + i + ", 'v" + i + "')",
                            "UPDATE standby.items SET v = 'u" + i + "' WHERE id = " + (i - 40),
                            "DELETE FROM standby.items WHERE id = " + (i - 20));
                }
                Map<Integer, String> source = new TreeMap<>();
                for (Map<String, String> row : db.query("SELECT id, v FROM standby.items")) {
                    source.put(Integer.parseInt(row.get("id")), row.get("v"));
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> new TreeMap<>(mirror).equals(source));
                assertThat(overlaps.get()).as("two copies received at the same moment").isZero();
                List<Integer> order = List.copyOf(receivers);
                List<Integer> runs = new ArrayList<>();
                for (Integer r : order) {
                    if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(r)) {
                        runs.add(r);
                    }
                }
                assertThat(runs).as("receivers in order: the first active, then one other after the expiry")
                        .hasSize(2);
                assertThat(runs.get(0)).isEqualTo(first.index);
                assertThat(copies.stream().filter(c -> c != first && c.monitor.isActive()).count()).isEqualTo(1);
            } finally {
                stop = true;
                for (Copy c : copies) {
                    c.close();
                }
            }
        }
    }
}
