package io.sluice.server.config.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;

class ConfigCommandTest {

    @TempDir
    Path conf;
    @TempDir
    Path other;

    private TestingServer zkServer;
    private CuratorFramework zk;
    private ZkConfigStore store;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        zkServer = new TestingServer(true);
        zk = CuratorFrameworkFactory.newClient(zkServer.getConnectString(), new RetryOneTime(100));
        zk.start();
        store = new ZkConfigStore(zk);
    }

    @AfterEach
    void stop() throws Exception {
        zk.close();
        zkServer.close();
    }

    private int run(Path dir, String command, String... destinations) throws Exception {
        output.reset();
        return new ConfigCommand(store, dir, new PrintStream(output, true, StandardCharsets.UTF_8))
                .run(command, List.of(destinations));
    }

    private String printed() {
        return output.toString(StandardCharsets.UTF_8);
    }

    private void write(Path dir, String dest, String text) throws Exception {
        Files.createDirectories(dir.resolve(dest));
        Files.writeString(dir.resolve(dest).resolve("instance.properties"), text);
    }

    @Test
    void diffMasksSecretValuesAndPullWritesOwnerOnlyFiles() throws Exception {
        write(conf, "orders", "canal.instance.dbPassword = old-secret\nkafka.ssl.keystore.key = PRIVATE\n"
                + "canal.instance.master.address = 10.0.0.1:3306\n");
        assertThat(run(conf, "push")).isZero();
        write(conf, "orders", "canal.instance.dbPassword = new-secret\nkafka.ssl.keystore.key = PRIVATE2\n"
                + "canal.instance.master.address = 10.0.0.2:3306\n");
        assertThat(run(conf, "diff", "orders")).isEqualTo(1);
        assertThat(printed()).contains("-canal.instance.dbPassword = ****", "+canal.instance.dbPassword = ****",
                "-canal.instance.master.address = 10.0.0.2:3306", "+canal.instance.master.address = 10.0.0.1:3306")
                .doesNotContain("secret").doesNotContain("PRIVATE");

        output.reset();
        new ConfigCommand(store, conf, new PrintStream(output, true, StandardCharsets.UTF_8), true)
                .run("diff", List.of("orders"));
        assertThat(printed()).contains("new-secret", "old-secret");

        assertThat(run(other, "pull", "orders")).isZero();
        assertThat(printed()).doesNotContain("secret");
        Path pulled = other.resolve("orders/instance.properties");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(pulled)))
                .isEqualTo("rw-------");
    }

    @Test
    void pushListPullAndDiffRoundTripTheFiles() throws Exception {
        write(conf, "orders", "canal.instance.master.address = 127.0.0.1:3306\ncanal.instance.filter.regex = shop\\\\..*\n");
        write(conf, "users", "canal.instance.master.address = 127.0.0.1:3307\n");

        assertThat(run(conf, "push")).isZero();
        assertThat(printed()).contains("orders: pushed as version 0").contains("users: pushed as version 0");
        assertThat(run(conf, "push")).isZero();
        assertThat(printed()).contains("orders: unchanged at version 0");

        assertThat(run(conf, "list")).isZero();
        assertThat(printed()).contains("orders").contains("users");

        assertThat(run(other, "pull")).isZero();
        assertThat(Files.readString(other.resolve("orders/instance.properties")))
                .isEqualTo(Files.readString(conf.resolve("orders/instance.properties")));

        assertThat(run(conf, "diff")).isZero();
        assertThat(printed()).contains("orders: same as ZooKeeper version 0");

        write(conf, "orders", "canal.instance.master.address = 127.0.0.1:3306\ncanal.instance.filter.regex = shop\\\\.orders\n");
        assertThat(run(conf, "diff", "orders")).isEqualTo(1);
        // local lines are "-", ZooKeeper's "+"
        assertThat(printed()).contains("-canal.instance.filter.regex = shop\\\\.orders")
                .contains("+canal.instance.filter.regex = shop\\\\..*")
                .doesNotContain("-canal.instance.master.address");
    }

    @Test
    void eachPushIsANewVersionAndEarlierOnesAreKept() throws Exception {
        List<ZkConfigStore.StoredConfig> seen = new CopyOnWriteArrayList<>();
        assertThat(store.push("orders", "a = 1\n", -1)).isZero();
        try (CuratorCache ignored = store.watch("orders", seen::add)) {
            await().until(() -> !seen.isEmpty());
            assertThat(store.push("orders", "a = 2\n", -1)).isEqualTo(1);
            assertThat(store.push("orders", "a = 3\n", 1)).isEqualTo(2);
            await().until(() -> seen.stream().anyMatch(c -> c.version() == 2));
        }
        assertThat(store.pull("orders").orElseThrow().text()).isEqualTo("a = 3\n");
        assertThat(store.history("orders")).extracting(ZkConfigStore.StoredConfig::text).containsExactly("a = 1\n", "a = 2\n");
        assertThat(seen.get(seen.size() - 1).text()).isEqualTo("a = 3\n");
    }

    @Test
    void aPushBasedOnAStaleVersionIsRefused() throws Exception {
        store.push("orders", "a = 1\n", -1);
        store.push("orders", "a = 2\n", -1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.push("orders", "a = 9\n", 0))
                .isInstanceOf(org.apache.zookeeper.KeeperException.BadVersionException.class);
        assertThat(store.pull("orders").orElseThrow().text()).isEqualTo("a = 2\n");
    }
}
