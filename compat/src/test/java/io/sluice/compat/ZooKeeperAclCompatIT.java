package io.sluice.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.alibaba.otter.canal.client.CanalConnector;
import com.alibaba.otter.canal.client.CanalConnectors;
import com.alibaba.otter.canal.protocol.CanalEntry;
import com.alibaba.otter.canal.protocol.Message;
import io.sluice.testkit.FreePort;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server with every secret setting of docs/security.md set, ZooKeeper ACLs among them: canal's official
 * {@code ClusterCanalConnector} (which reads {@code /otter/canal/...} without authenticating) still finds it and
 * receives rows, a ZooKeeper client without the digest cannot rewrite the cursor the server wrote, none of the
 * secrets appears in the server's log, and what it wrote to disk is its owner's alone.
 */
@ExtendWith(TestDatabaseExtension.class)
@Timeout(180)
class ZooKeeperAclCompatIT {

    private static final String DEST = "acl";
    private static final String ZK_PASSWORD = "zk-pw-5d1e8a";
    private static final String ADMIN_TOKEN = "admin-token-77c0b2";
    private static final String KAFKA_KEY = "PRIVATE-KEY-MATERIAL-3f9a";
    private static final String CLIENT_PASSWORD = "client-pw-a41c";

    @TempDir
    Path dir;

    @Test
    void officialClusterConnectorFindsTheServerAndNoSecretReachesTheLog(TestDatabase db) throws Exception {
        db.execute("CREATE DATABASE IF NOT EXISTS acl", "DROP TABLE IF EXISTS acl.t",
                "CREATE TABLE acl.t (id INT PRIMARY KEY, v VARCHAR(20))");
        TestDatabase.BinlogCoordinates start = db.masterStatus();
        try (TestingServer zookeeper = new TestingServer(true)) {
            Path conf = Files.createDirectories(dir.resolve("conf"));
            int port = FreePort.find();
            Files.writeString(conf.resolve("canal.properties"), String.join("\n",
                    "canal.ip = 127.0.0.1", "canal.register.ip = 127.0.0.1", "canal.port = " + port,
                    "canal.metrics.pull.port = " + FreePort.find(), "canal.zkServers = " + zookeeper.getConnectString(),
                    "canal.destinations = " + DEST, "canal.auto.scan = false",
                    "canal.file.data.dir = " + dir.resolve("data"),
                    "canal.instance.global.spring.xml = classpath:spring/default-instance.xml",
                    "canal.user = canal", "canal.passwd = " + doubleSha1(CLIENT_PASSWORD),
                    "sluice.zookeeper.digest = sluice:" + ZK_PASSWORD, "sluice.admin.token = " + ADMIN_TOKEN,
                    "kafka.ssl.keystore.key = " + KAFKA_KEY, ""), StandardCharsets.UTF_8);
            Path instance = Files.createDirectories(conf.resolve(DEST));
            Files.writeString(instance.resolve("instance.properties"), String.join("\n",
                    "canal.instance.master.address = " + db.address(), "canal.instance.dbUsername = canal",
                    "canal.instance.dbPassword = canal", "canal.instance.master.journal.name = " + start.file(),
                    "canal.instance.master.position = " + start.position(), "canal.instance.filter.regex = acl\\\\..*",
                    ""), StandardCharsets.UTF_8);

            List<String> output;
            try (ServerProcess server = ServerProcess.start("sluice-acl", "io.sluice.server.SluiceServer",
                    List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dsluice.conf=" + conf,
                            "-Dsluice.logs=" + dir.resolve("logs")))) {
                CanalConnector connector = CanalConnectors.newClusterConnector(zookeeper.getConnectString(), DEST,
                        "canal", CLIENT_PASSWORD);
                connector.connect();
                connector.subscribe("acl\\..*");
                db.execute("INSERT INTO acl.t VALUES (1, 'a'), (2, 'b')");
                List<CanalEntry.Entry> rows = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (rows.stream().noneMatch(e -> e.getEntryType() == CanalEntry.EntryType.ROWDATA)
                        && System.nanoTime() < deadline) {
                    Message m = connector.getWithoutAck(100, 500L, TimeUnit.MILLISECONDS);
                    rows.addAll(m.getEntries());
                    if (m.getId() != -1) {
                        connector.ack(m.getId());
                    }
                }
                assertThat(rows).anyMatch(e -> e.getEntryType() == CanalEntry.EntryType.ROWDATA);
                connector.disconnect();

                try (CuratorFramework stranger = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(),
                        new RetryOneTime(100))) {
                    stranger.start();
                    String cursor = "/otter/canal/destinations/" + DEST + "/1001/cursor";
                    await().atMost(Duration.ofSeconds(30)).until(() -> stranger.checkExists().forPath(cursor) != null);
                    assertThat(new String(stranger.getData().forPath(cursor), StandardCharsets.UTF_8)).contains("journalName");
                    assertThatThrownBy(() -> stranger.setData().forPath(cursor, "{}".getBytes()))
                            .isInstanceOf(KeeperException.NoAuthException.class);
                    assertThat(new String(stranger.getData().forPath("/otter/canal/destinations/" + DEST + "/running"),
                            StandardCharsets.UTF_8)).contains("127.0.0.1:" + port);
                }
                output = server.output();
            }
            String log = String.join("\n", output);
            assertThat(log).contains("Sluice started");
            for (String secret : List.of(ZK_PASSWORD, ADMIN_TOKEN, KAFKA_KEY, CLIENT_PASSWORD,
                    doubleSha1(CLIENT_PASSWORD))) {
                assertThat(log).as("the server log holds no secret").doesNotContain(secret);
            }
            for (Path p : allUnder(dir.resolve("data"))) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                assertThat(mode).as(p.toString()).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
            }
        }
    }

    private static List<Path> allUnder(Path root) throws Exception {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(root)) {
            return all.toList();
        }
    }

    private static String doubleSha1(String password) throws Exception {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        byte[] twice = sha1.digest(sha1.digest(password.getBytes(StandardCharsets.UTF_8)));
        return String.format("%040X", new BigInteger(1, twice));
    }
}
