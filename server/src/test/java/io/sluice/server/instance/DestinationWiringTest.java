package io.sluice.server.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.server.config.ConfigException;
import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.ConfigNotices;
import io.sluice.server.config.InstanceConfig;
import io.sluice.server.config.ServerConfig;
import io.sluice.server.meta.FileMetaStore;
import io.sluice.server.meta.MemoryMetaStore;
import io.sluice.server.meta.ZooKeeperMetaStore;
import io.sluice.server.parser.schema.FileSchemaHistoryStore;
import io.sluice.server.parser.schema.MemorySchemaHistoryStore;
import io.sluice.server.parser.schema.ZooKeeperSchemaHistoryStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A destination's meta and schema history are chosen from its configuration, ZooKeeper only where the server has it. */
@Timeout(60)
class DestinationWiringTest {

    @TempDir
    Path conf;

    private ServerConfig server;

    private InstanceConfig load(String canalLines, String instanceLines) throws IOException {
        Files.writeString(conf.resolve("canal.properties"), "canal.destinations = d\n" + canalLines + "\n");
        Files.createDirectories(conf.resolve("d"));
        Files.writeString(conf.resolve("d/instance.properties"),
                "canal.instance.master.address = 127.0.0.1:3306\n" + instanceLines + "\n");
        ConfigLoader loader = new ConfigLoader(new Properties(), Map.of(), new ConfigNotices());
        server = loader.loadServer(conf.resolve("canal.properties"));
        return loader.loadInstance(server, "d");
    }

    @Test
    void zooKeeperMetaOnAServerWithoutZooKeeperIsRefusedNamingTheKeyInsteadOfTryingLocalhost() throws IOException {
        InstanceConfig d = load("canal.instance.global.spring.xml = classpath:spring/default-instance.xml", "");
        DestinationWiring wiring = new DestinationWiring(server, null);

        assertThatThrownBy(() -> wiring.meta(d, name -> { }))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("canal.zkServers")
                .hasMessageContaining("destination d keeps its positions in ZooKeeper");
        assertThatThrownBy(() -> wiring.schemaHistory(d, "d")).isInstanceOf(ConfigException.class);
    }

    @Test
    void fileMetaKeepsTheSchemaHistoryInTheDestinationsDataDir() throws IOException {
        InstanceConfig d = load("canal.instance.global.spring.xml = classpath:spring/file-instance.xml\n"
                + "canal.file.data.dir = " + conf.resolve("data"), "");
        DestinationWiring wiring = new DestinationWiring(server, null);

        assertThat(wiring.meta(d, name -> { })).isInstanceOf(FileMetaStore.class);
        assertThat(wiring.schemaHistory(d, "d")).isInstanceOfSatisfying(FileSchemaHistoryStore.class,
                s -> assertThat(s.file()).isEqualTo(conf.resolve("data/d/d.schema-history.json")));
    }

    @Test
    void memoryMetaOrTsdbOffKeepsTheSchemaHistoryInMemory() throws IOException {
        InstanceConfig memory = load("canal.instance.global.spring.xml = classpath:spring/memory-instance.xml", "");
        DestinationWiring wiring = new DestinationWiring(server, null);
        assertThat(wiring.meta(memory, name -> { })).isInstanceOf(MemoryMetaStore.class);
        assertThat(wiring.schemaHistory(memory, "d")).isInstanceOf(MemorySchemaHistoryStore.class);

        InstanceConfig off = load("", "canal.instance.tsdb.enable = false");
        assertThat(new DestinationWiring(server, null).schemaHistory(off, "d")).isInstanceOf(MemorySchemaHistoryStore.class);
    }

    @Test
    void zooKeeperMetaUsesTheServersClientAndCanalsLayout() throws Exception {
        try (TestingServer zkServer = new TestingServer(true);
             CuratorFramework zk = CuratorFrameworkFactory.newClient(zkServer.getConnectString(), new RetryOneTime(100))) {
            zk.start();
            InstanceConfig d = load("canal.instance.global.spring.xml = classpath:spring/default-instance.xml\n"
                    + "canal.zkServers = " + zkServer.getConnectString(), "");
            DestinationWiring wiring = new DestinationWiring(server, zk);

            assertThat(wiring.meta(d, name -> { })).isInstanceOf(ZooKeeperMetaStore.class);
            assertThat(wiring.schemaHistory(d, "d-east")).isInstanceOfSatisfying(ZooKeeperSchemaHistoryStore.class,
                    s -> assertThat(s.path()).isEqualTo("/otter/canal/destinations/d/sluice-schema/d-east"));
            assertThat(wiring.zooKeeper()).isSameAs(zk);
        }
    }
}
