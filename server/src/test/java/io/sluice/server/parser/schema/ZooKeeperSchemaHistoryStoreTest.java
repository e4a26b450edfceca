package io.sluice.server.parser.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.server.ha.ZkPaths;
import io.sluice.server.position.BinlogPosition;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ZooKeeperSchemaHistoryStoreTest {

    /** Where the server keeps the history of destination "example" (DestinationWiring). */
    private static final String NODE = ZkPaths.destination("example") + "/sluice-schema/example";

    private TestingServer server;
    private CuratorFramework zk;

    @BeforeEach
    void startZooKeeper() throws Exception {
        server = new TestingServer(true);
        zk = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100));
        zk.start();
        zk.blockUntilConnected();
    }

    @AfterEach
    void stopZooKeeper() throws Exception {
        zk.close();
        server.close();
    }

    private static BinlogPosition at(long offset) {
        return BinlogPosition.of("mysql-bin.000001", offset);
    }

    @Test
    void aServerThatNeverRanTheDestinationReadsTheHistoryAnotherWrote() {
        SchemaHistory a = new SchemaHistory(new ZooKeeperSchemaHistoryStore(zk, NODE, ZkPaths.epoch("example")));
        a.apply(at(100), "shop", "CREATE TABLE t (id INT, a INT, b VARCHAR(10))");
        a.apply(at(200), "shop", "ALTER TABLE t DROP COLUMN a");

        SchemaHistory b = new SchemaHistory(new ZooKeeperSchemaHistoryStore(zk, NODE, ZkPaths.epoch("example")));
        b.rewindTo(at(150));
        assertThat(b.find("shop", "t").columns()).extracting(ColumnDef::name).containsExactly("id", "a", "b");
        assertThat(b.provenAt("shop", "t", at(150))).isTrue();
    }

    @Test
    void aHistoryLargerThanANodeIsCutIntoChunksAndOldOnesAreDeleted() throws Exception {
        ZooKeeperSchemaHistoryStore store = new ZooKeeperSchemaHistoryStore(zk, NODE, ZkPaths.epoch("example"), 64);
        SchemaHistory history = new SchemaHistory(store);
        for (int i = 0; i < 20; i++) {
            history.apply(at(100 + i), "shop", "CREATE TABLE t" + i + " (id INT, name VARCHAR(" + (10 + i) + "))");
        }
        java.util.List<String> chunks = zk.getChildren().forPath(store.path());
        assertThat(chunks).hasSizeGreaterThan(1);
        assertThat(chunks.stream().map(c -> c.replaceAll("-\\d+$", "")).distinct()).as("one generation").hasSize(1);
        SchemaHistory reread = new SchemaHistory(new ZooKeeperSchemaHistoryStore(zk, NODE, ZkPaths.epoch("example"), 64));
        assertThat(reread.tables()).hasSize(20);
        assertThat(reread.find("shop", "t19").columns()).extracting(ColumnDef::name).containsExactly("id", "name");
    }

    @Test
    void aServerThatLostTheDestinationCannotOverwriteTheNewActivesHistory() throws Exception {
        zk.create().creatingParentsIfNeeded().forPath(ZkPaths.epoch("example"), new byte[0]);
        SchemaHistory stale = new SchemaHistory(new ZooKeeperSchemaHistoryStore(zk, NODE, ZkPaths.epoch("example")));
        stale.apply(at(100), "shop", "CREATE TABLE t (id INT)");
        zk.setData().forPath(ZkPaths.epoch("example"), new byte[0]); // another server became active
        SchemaHistory active = new SchemaHistory(new ZooKeeperSchemaHistoryStore(zk, NODE, ZkPaths.epoch("example")));
        active.apply(at(200), "shop", "ALTER TABLE t ADD COLUMN a INT");

        assertThatThrownBy(() -> stale.apply(at(300), "shop", "ALTER TABLE t ADD COLUMN b INT"))
                .isInstanceOf(ZooKeeperSchemaHistoryStore.SchemaHistoryFencedException.class);
        SchemaHistory after = new SchemaHistory(new ZooKeeperSchemaHistoryStore(zk, NODE, ZkPaths.epoch("example")));
        assertThat(after.find("shop", "t").columns()).extracting(ColumnDef::name).containsExactly("id", "a");
    }
}
