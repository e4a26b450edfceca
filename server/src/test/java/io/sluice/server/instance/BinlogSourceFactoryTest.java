package io.sluice.server.instance;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.ConfigNotices;
import io.sluice.server.config.InstanceConfig;
import io.sluice.server.config.ServerConfig;
import io.sluice.server.parser.ParserSettings;
import io.sluice.server.tls.MasterTls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** canal's instance keys reach the parser: each key set in instance.properties shows in the parser's settings. */
class BinlogSourceFactoryTest {

    @TempDir
    Path conf;

    private InstanceConfig load(String instanceProperties) throws Exception {
        Files.writeString(conf.resolve("canal.properties"), "canal.destinations = d\ncanal.instance.network.soTimeout = 45\n");
        Files.createDirectories(conf.resolve("d"));
        Files.writeString(conf.resolve("d/instance.properties"), instanceProperties);
        ConfigLoader loader = new ConfigLoader(new Properties(), Map.of(), new ConfigNotices());
        ServerConfig server = loader.loadServer(conf.resolve("canal.properties"));
        return loader.loadInstance(server, "d");
    }

    @Test
    void instanceKeysBecomeParserSettings() throws Exception {
        InstanceConfig c = load(String.join("\n",
                "canal.instance.master.address = db.example:3307",
                "canal.instance.dbUsername = repl",
                "canal.instance.dbPassword = secret",
                "canal.instance.defaultDatabaseName = shop",
                "canal.instance.mysql.slaveId = 4321",
                "canal.instance.gtidon = true",
                "canal.instance.master.journal.name = mysql-bin.000007",
                "canal.instance.master.position = 1234",
                "canal.instance.master.timestamp = 1700000000000",
                "canal.instance.master.gtid = 0-1-100",
                "canal.instance.connectionCharset = ISO-8859-1",
                "canal.instance.transaction.size = 77",
                "canal.instance.master.sslMode = verify_identity",
                "sluice.values.canal-compatible = true",
                "sluice.values.time-zone = Asia/Shanghai", ""));
        ParserSettings p = BinlogSourceFactory.settingsFor(c, c.master());
        assertThat(p.destination()).isEqualTo("d");
        assertThat(p.host()).isEqualTo("db.example");
        assertThat(p.port()).isEqualTo(3307);
        assertThat(p.username()).isEqualTo("repl");
        assertThat(p.password()).isEqualTo("secret");
        assertThat(p.defaultDatabase()).isEqualTo("shop");
        assertThat(p.slaveId()).isEqualTo(4321);
        assertThat(p.gtidMode()).isTrue();
        assertThat(p.journalName()).isEqualTo("mysql-bin.000007");
        assertThat(p.journalPosition()).isEqualTo(1234);
        assertThat(p.journalTimestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(p.journalGtid()).isEqualTo("0-1-100");
        assertThat(p.connectionCharset()).isEqualTo(StandardCharsets.ISO_8859_1);
        assertThat(p.transactionSize()).isEqualTo(77);
        assertThat(p.canalCompatibleValues()).isTrue();
        assertThat(p.timeZone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
        assertThat(p.readTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(p.heartbeatPeriod()).isEqualTo(Duration.ofSeconds(15));
        assertThat(((MasterTls) p.transport()).mode()).isEqualTo(MasterTls.Mode.VERIFY_IDENTITY);
    }

    @Test
    void nothingSetMeansTheMastersCurrentPositionAndCanalsDefaults() throws Exception {
        InstanceConfig c = load("canal.instance.master.address = 127.0.0.1:3306\n");
        ParserSettings p = BinlogSourceFactory.settingsFor(c, c.master());
        assertThat(p.journalName()).isEmpty();
        assertThat(p.journalPosition()).isEqualTo(-1);
        assertThat(p.journalTimestamp()).isEqualTo(-1);
        assertThat(p.journalGtid()).isEmpty();
        assertThat(p.gtidMode()).isFalse();
        assertThat(p.canalCompatibleValues()).isFalse();
        assertThat(p.username()).isEqualTo("canal");
        assertThat(p.slaveId()).isLessThanOrEqualTo(0);
        assertThat(((MasterTls) p.transport()).mode()).as("canal's default").isEqualTo(MasterTls.Mode.DISABLED);
    }

    @Test
    void mergedSourcesGetTheirOwnAddressesPositionsAndNames() throws Exception {
        InstanceConfig c = load(String.join("\n",
                "sluice.instance.merge.sources = east,west",
                "sluice.instance.merge.east.address = 10.0.0.1:3306",
                "sluice.instance.merge.east.journal.name = e-bin.000001",
                "sluice.instance.merge.east.position = 4",
                "sluice.instance.merge.west.address = 10.0.0.2:3306",
                "sluice.instance.merge.west.dbUsername = westie", ""));
        ParserSettings east = BinlogSourceFactory.settingsFor(c, c.sources().get(0));
        ParserSettings west = BinlogSourceFactory.settingsFor(c, c.sources().get(1));
        assertThat(east.destination()).isEqualTo("d-east");
        assertThat(east.host()).isEqualTo("10.0.0.1");
        assertThat(east.journalName()).isEqualTo("e-bin.000001");
        assertThat(west.destination()).isEqualTo("d-west");
        assertThat(west.username()).isEqualTo("westie");
        assertThat(west.journalName()).isEmpty();
    }

    @Test
    void binlogImagesAndTunedSocketBuffersReachTheParser() throws Exception {
        InstanceConfig canalDefaults = load("canal.instance.network.receiveBufferSize = 16384\n");
        ParserSettings d = BinlogSourceFactory.settingsFor(canalDefaults, canalDefaults.master());
        assertThat(d.binlogImages()).containsExactlyInAnyOrder("FULL", "MINIMAL", "NOBLOB");
        assertThat(d.receiveBufferSize()).isZero();
        assertThat(d.sendBufferSize()).isZero();

        InstanceConfig tuned = load(String.join("\n", "canal.instance.binlog.image = full, noblob",
                "canal.instance.network.receiveBufferSize = 262144", "canal.instance.network.sendBufferSize = 65536", ""));
        ParserSettings p = BinlogSourceFactory.settingsFor(tuned, tuned.master());
        assertThat(p.binlogImages()).containsExactlyInAnyOrder("FULL", "NOBLOB");
        assertThat(p.receiveBufferSize()).isEqualTo(262144);
        assertThat(p.sendBufferSize()).isEqualTo(65536);
    }

    @Test
    void autoResetReachesTheParserUnlessWhenNeededSnapshotsAnswerAPurge() throws Exception {
        Files.writeString(conf.resolve("canal.properties"), "canal.destinations = d\ncanal.auto.reset.latest.pos.mode = true\n");
        Files.createDirectories(conf.resolve("d"));
        ConfigLoader loader = new ConfigLoader(new Properties(), Map.of(), new ConfigNotices());
        Files.writeString(conf.resolve("d/instance.properties"), "canal.instance.master.address = h:1\n");
        ServerConfig server = loader.loadServer(conf.resolve("canal.properties"));
        InstanceConfig plain = loader.loadInstance(server, "d");
        assertThat(BinlogSourceFactory.settingsFor(plain, plain.master()).autoResetToLatest()).isTrue();
        Files.writeString(conf.resolve("d/instance.properties"), "sluice.snapshot.mode = when_needed\n");
        InstanceConfig snapshots = loader.loadInstance(server, "d");
        assertThat(BinlogSourceFactory.settingsFor(snapshots, snapshots.master()).autoResetToLatest()).isFalse();
    }
}
