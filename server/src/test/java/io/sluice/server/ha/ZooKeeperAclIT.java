package io.sluice.server.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.InstanceConfig;
import io.sluice.server.config.ServerConfig;
import io.sluice.server.config.zookeeper.ZkConfigStore;
import io.sluice.server.meta.ClientCursor;
import io.sluice.server.meta.ClientIdentity;
import io.sluice.server.meta.LogPosition;
import io.sluice.server.meta.ZooKeeperMetaStore;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.position.SourcePositions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code sluice.zookeeper.digest}, what Sluice writes to ZooKeeper is Sluice's: a client without the digest
 * (anyone who reaches ZooKeeper) can neither read a pushed configuration (the master password is in it) nor
 * rewrite a cursor, while canal's layout stays readable for canal's clients.
 */
@Timeout(60)
class ZooKeeperAclIT {

    private static final ZkAccess SLUICE = ZkAccess.of("sluice:zk-s3cret", "");
    private static final ClientIdentity CLIENT = new ClientIdentity("example", (short) 1001);

    @TempDir
    Path conf;

    private TestingServer server;
    private final List<CuratorFramework> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new TestingServer(true);
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(CuratorFramework::close);
        server.close();
    }

    private CuratorFramework connect(ZkAccess identity) {
        CuratorFramework zk = identity.builder(server.getConnectString()).retryPolicy(new RetryOneTime(100))
                .build();
        zk.start();
        clients.add(zk);
        return zk;
    }

    private CuratorFramework anonymous() {
        CuratorFramework zk = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100));
        zk.start();
        clients.add(zk);
        return zk;
    }

    @Test
    void aClientWithoutTheDigestCannotReadOrRewriteAPushedConfiguration() throws Exception {
        ZkConfigStore store = new ZkConfigStore(connect(SLUICE));
        store.push("example", "canal.instance.dbPassword = master-pw\n", -1);
        store.push("example", "canal.instance.dbPassword = master-pw2\n", -1); // and a history version

        CuratorFramework stranger = anonymous();
        String node = ZkConfigStore.path("example");
        assertThatThrownBy(() -> stranger.getData().forPath(node)).isInstanceOf(KeeperException.NoAuthException.class);
        assertThatThrownBy(() -> stranger.getData().forPath(node + "/history/v-0000000000"))
                .isInstanceOf(KeeperException.NoAuthException.class);
        assertThatThrownBy(() -> stranger.setData().forPath(node, "canal.instance.master.address = evil:3306".getBytes()))
                .isInstanceOf(KeeperException.NoAuthException.class);
        assertThatThrownBy(() -> stranger.getChildren().forPath("/sluice/config/destinations"))
                .isInstanceOf(KeeperException.NoAuthException.class);

        CuratorFramework wrongDigest = connect(ZkAccess.of("sluice:guess", ""));
        assertThatThrownBy(() -> wrongDigest.getData().forPath(node)).isInstanceOf(KeeperException.NoAuthException.class);

        // another Sluice server (or bin/config.sh) with the digest reads it
        assertThat(new ZkConfigStore(connect(SLUICE)).pull("example").orElseThrow().text()).contains("master-pw2");
    }

    @Test
    void aClientWithoutTheDigestCanReadButNotWriteACursor() throws Exception {
        ZooKeeperMetaStore meta = new ZooKeeperMetaStore("example", connect(SLUICE), 0, null)
                .withAccess(SLUICE);
        meta.start();
        meta.subscribe(CLIENT, "shop\\..*");
        BinlogPosition p = new BinlogPosition("mysql-bin.000003", 4567, "", 1, 1700000000000L);
        meta.updateCursor(CLIENT, new ClientCursor(new LogPosition("10.0.0.21", 3306, p),
                SourcePositions.of("", new ResumePoint(p, 0))));
        meta.stop();

        CuratorFramework stranger = anonymous();
        String cursor = ZooKeeperMetaStore.clientPath("example", (short) 1001) + "/cursor";
        // canal's tools read positions without authenticating
        assertThat(new String(stranger.getData().forPath(cursor), StandardCharsets.UTF_8)).contains("mysql-bin.000003");
        assertThatThrownBy(() -> stranger.setData().forPath(cursor, "{}".getBytes()))
                .isInstanceOf(KeeperException.NoAuthException.class);
        assertThatThrownBy(() -> stranger.setData().forPath(cursor.replace("/cursor", "/filter"), ".*".getBytes()))
                .isInstanceOf(KeeperException.NoAuthException.class);
        assertThatThrownBy(() -> stranger.create().forPath("/otter/canal/destinations/example/sluice-epoch/x"))
                .isInstanceOf(KeeperException.class);
        // what canal's ClientRunningMonitor does without authenticating still works
        String running = ZooKeeperMetaStore.clientPath("example", (short) 1001) + "/running";
        stranger.create().withMode(org.apache.zookeeper.CreateMode.EPHEMERAL).forPath(running, "{}".getBytes());
        stranger.delete().forPath(running);
    }

    @Test
    void nodesCreatedBeforeAclsWereConfiguredAreTakenOver() throws Exception {
        CuratorFramework open = anonymous();
        open.create().creatingParentsIfNeeded().forPath(ZkConfigStore.path("old"), "canal.instance.dbPassword = x".getBytes());
        open.create().creatingParentsIfNeeded().forPath("/otter/canal/destinations/old/1001/cursor", "{}".getBytes());

        CuratorFramework sluice = connect(SLUICE);
        assertThat(SLUICE.secure(sluice, "/sluice")).isPositive();
        assertThat(SLUICE.secure(sluice, ZkPaths.ROOT)).isPositive();

        assertThatThrownBy(() -> open.getData().forPath(ZkConfigStore.path("old")))
                .isInstanceOf(KeeperException.NoAuthException.class);
        assertThatThrownBy(() -> open.setData().forPath("/otter/canal/destinations/old/1001/cursor", "{}".getBytes()))
                .isInstanceOf(KeeperException.NoAuthException.class);
        assertThat(open.getData().forPath("/otter/canal/destinations/old/1001/cursor")).isEqualTo("{}".getBytes());
    }

    @Test
    void aDruidEncryptedPasswordPushedToZooKeeperDecryptsOnTheServer() throws Exception {
        String[] keys = com.alibaba.druid.filter.config.ConfigTools.genKeyPair(512);
        String cipher = com.alibaba.druid.filter.config.ConfigTools.encrypt(keys[0], "master-pw");
        String text = "canal.instance.master.address = 127.0.0.1:3306\ncanal.instance.dbUsername = canal\n"
                + "canal.instance.enableDruid = true\ncanal.instance.pwdPublicKey = " + keys[1] + "\n"
                + "canal.instance.dbPassword = " + cipher + "\n";
        new ZkConfigStore(connect(SLUICE)).push("example", text, -1);

        Files.writeString(conf.resolve("canal.properties"), "canal.destinations = example\n");
        ConfigLoader loader = ConfigLoader.fromEnvironment();
        ServerConfig serverConfig = loader.loadServer(conf.resolve("canal.properties"));
        ZkConfigStore.StoredConfig stored = new ZkConfigStore(connect(SLUICE)).pull("example").orElseThrow();
        assertThat(stored.text()).doesNotContain("master-pw");
        InstanceConfig instance = loader.loadInstance(serverConfig, "example", "zookeeper " + ZkConfigStore.path("example"),
                stored.text());
        assertThat(instance.master().password()).isEqualTo("master-pw");
    }
}
