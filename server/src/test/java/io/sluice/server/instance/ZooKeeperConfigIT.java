package io.sluice.server.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.SluiceServer;
import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.zookeeper.ZkConfigStore;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.meta.ClientIdentity;
import io.sluice.testkit.FreePort;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Two servers reading their destination's settings from ZooKeeper (curator-test) over the private MariaDB: a
 * pushed change restarts the active with it, an invalid one is rejected while the old settings keep running,
 * and the standby takes over with the settings the active last ran.
 */
@ExtendWith(TestDatabaseExtension.class)
class ZooKeeperConfigIT {

    private static final String DEST = "zkconf";
    private static final ClientIdentity CLIENT = new ClientIdentity(DEST, (short) 1001);

    @TempDir
    Path dir;

    private TestingServer zookeeper;
    private CuratorFramework zk;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final ListAppender<ILoggingEvent> registryLog = new ListAppender<>();

    @AfterEach
    void closeAll() throws Exception {
        ((Logger) LoggerFactory.getLogger(DestinationRegistry.class)).detachAppender(registryLog);
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void activeRestartsWithAPushedChangeRejectsAnInvalidOneAndTheStandbyTakesOverWithTheSameSettings(TestDatabase db)
            throws Exception {
        registryLog.start();
        ((Logger) LoggerFactory.getLogger(DestinationRegistry.class)).addAppender(registryLog);
        zookeeper = new TestingServer(true);
        toClose.add(zookeeper);
        zk = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100));
        zk.start();
        toClose.add(zk);
        db.execute("CREATE DATABASE IF NOT EXISTS zkconf", "DROP TABLE IF EXISTS zkconf.a", "DROP TABLE IF EXISTS zkconf.b",
                "CREATE TABLE zkconf.a (id INT PRIMARY KEY)", "CREATE TABLE zkconf.b (id INT PRIMARY KEY)");
        TestDatabase.BinlogCoordinates start = db.masterStatus();
        ZkConfigStore store = new ZkConfigStore(zk);
        String base = "canal.instance.master.address = " + db.address() + "\n"
                + "canal.instance.master.journal.name = " + start.file() + "\n"
                + "canal.instance.master.position = " + start.position() + "\n"
                + "canal.instance.dbUsername = canal\ncanal.instance.dbPassword = canal\n";
        store.push(DEST, base + "canal.instance.filter.regex = zkconf\\\\.a\n", -1);

        SluiceServer first = server("one");
        await().atMost(Duration.ofSeconds(30)).until(() -> first.registry().find(DEST).isPresent());
        SluiceServer second = server("two");
        await().atMost(Duration.ofSeconds(30)).until(() -> second.registry().instance(DEST).isPresent());
        assertThat(second.registry().find(DEST)).as("the standby serves nothing").isEmpty();

        db.execute("INSERT INTO zkconf.a VALUES (1)", "INSERT INTO zkconf.b VALUES (1)", "INSERT INTO zkconf.a VALUES (2)");
        assertThat(receiveUntil(first, "zkconf.a:2")).containsExactly("zkconf.a:1", "zkconf.a:2");

        store.push(DEST, base + "canal.instance.filter.regex = zkconf\\\\.b\n", -1);
        await().atMost(Duration.ofSeconds(30)).until(() -> filterOf(first).equals("zkconf\\.b")
                && first.registry().find(DEST).isPresent());
        await().atMost(Duration.ofSeconds(30)).until(() -> filterOf(second).equals("zkconf\\.b"));
        db.execute("INSERT INTO zkconf.a VALUES (3)", "INSERT INTO zkconf.b VALUES (3)");
        assertThat(receiveUntil(first, "zkconf.b:3")).as("from the last ack, with the new filter")
                .containsExactly("zkconf.b:3");

        store.push(DEST, base + "canal.instance.filter.regex = zkconf\\\\..*\ncanal.instance.memory.buffer.size = 1000\n",
                -1);
        await().atMost(Duration.ofSeconds(30)).until(() -> registryLog.list.stream()
                .filter(e -> e.getFormattedMessage().contains("is rejected")
                        && e.getFormattedMessage().contains("canal.instance.memory.buffer.size=1000"))
                .count() >= 2);
        assertThat(filterOf(first)).isEqualTo("zkconf\\.b");
        assertThat(filterOf(second)).isEqualTo("zkconf\\.b");
        db.execute("INSERT INTO zkconf.a VALUES (4)", "INSERT INTO zkconf.b VALUES (4)");
        assertThat(receiveUntil(first, "zkconf.b:4")).as("the old settings keep running").containsExactly("zkconf.b:4");

        db.execute("INSERT INTO zkconf.a VALUES (5)", "INSERT INTO zkconf.b VALUES (5)");
        first.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> second.registry().find(DEST).isPresent());
        assertThat(filterOf(second)).isEqualTo("zkconf\\.b");
        db.execute("INSERT INTO zkconf.a VALUES (6)", "INSERT INTO zkconf.b VALUES (6)");
        assertThat(receiveUntil(second, "zkconf.b:6")).as("the standby resumes after the last ack, same filter")
                .containsExactly("zkconf.b:5", "zkconf.b:6");

        store.push("zkconf2", base, -1);
        await().atMost(Duration.ofSeconds(30)).until(() -> second.registry().find("zkconf2").isPresent());
        store.delete(DEST);
        await().atMost(Duration.ofSeconds(30)).until(() -> second.registry().instance(DEST).isEmpty());
        assertThat(second.registry().find("zkconf2")).as("a new node started, a deleted one stopped").isPresent();
    }

    private static String filterOf(SluiceServer server) {
        return server.registry().instance(DEST).map(i -> i.config().filters().include()).orElse("");
    }

    /** Rows ("schema.table:id") received and acked until {@code last} arrives. */
    private static List<String> receiveUntil(SluiceServer server, String last) throws Exception {
        List<String> rows = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!rows.contains(last)) {
            assertThat(System.nanoTime()).as("%s within 30 s; so far %s", last, rows).isLessThan(deadline);
            Destination d = server.registry().find(DEST).orElse(null);
            if (d == null) {
                Thread.sleep(50);
                continue;
            }
            if (!d.isSubscribed(CLIENT)) {
                d.subscribe(CLIENT, "");
            }
            Batch batch = d.getWithoutAck(CLIENT, 100, 200, TimeUnit.MILLISECONDS);
            for (StoredEntry e : batch.entries()) {
                CanalEntry.Entry entry = CanalEntry.Entry.parseFrom(e.bytes());
                if (entry.getEntryType() != CanalEntry.EntryType.ROWDATA) {
                    continue;
                }
                CanalEntry.RowChange change = CanalEntry.RowChange.parseFrom(entry.getStoreValue());
                for (CanalEntry.RowData row : change.getRowDatasList()) {
                    rows.add(entry.getHeader().getSchemaName() + "." + entry.getHeader().getTableName() + ":"
                            + row.getAfterColumns(0).getValue());
                }
            }
            if (batch.id() != -1) {
                d.ack(CLIENT, batch.id());
            }
        }
        return rows;
    }

    private SluiceServer server(String name) throws Exception {
        Path conf = Files.createDirectories(dir.resolve(name));
        Files.writeString(conf.resolve("canal.properties"), String.join("\n",
                "canal.port = " + FreePort.find(),
                "canal.metrics.pull.port = 0",
                "canal.zkServers = " + zookeeper.getConnectString(),
                "sluice.config.source = zookeeper",
                "canal.instance.global.spring.xml = classpath:spring/default-instance.xml",
                "canal.file.data.dir = " + conf.resolve("data"),
                "canal.auto.scan.interval = 60",
                ""));
        ConfigLoader loader = ConfigLoader.fromEnvironment();
        SluiceServer server = new SluiceServer(loader.loadServer(conf.resolve("canal.properties")), loader, null);
        toClose.add(server);
        server.start();
        return server;
    }
}
