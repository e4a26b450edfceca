package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.packet.CanalPacket;
import io.sluice.protocol.packet.CanalPacket.PacketType;
import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.ConfigNotices;
import io.sluice.server.config.ServerConfig;
import io.sluice.server.net.testing.RawCanalClient;
import io.sluice.testkit.FreePort;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A canal 1.1.7 deployment moved to Sluice: canal's shipped conf/ with only the lines a QuickStart user edits
 * (master address, account, filter), and the meta.dat canal left where canal 1.1.7 keeps it
 * ({@code ${canal.file.data.dir}/example/meta.dat}, i.e. {@code conf/example/meta.dat}). The first batch starts
 * right after canal's ack point: nothing skipped, nothing repeated.
 */
@ExtendWith(TestDatabaseExtension.class)
@Timeout(120)
class CanalShippedConfResumeIT {

    @TempDir
    Path root;

    /** canal's shipped conf/ with the QuickStart edits, as a canal user has it on disk. */
    private Path canalConf(TestDatabase db) throws IOException {
        Path src = Path.of("src/test/resources/canal-1.1.7-conf");
        Path conf = root.resolve("conf");
        Files.createDirectories(conf.resolve("example"));
        Files.copy(src.resolve("canal.properties"), conf.resolve("canal.properties"));
        String instance = Files.readString(src.resolve("example/instance.properties"), StandardCharsets.UTF_8)
                .replace("canal.instance.master.address=127.0.0.1:3306", "canal.instance.master.address=" + db.address())
                .replace("canal.instance.dbUsername=canal", "canal.instance.dbUsername=" + TestDatabase.REPLICATION_USER)
                .replace("canal.instance.dbPassword=canal", "canal.instance.dbPassword=" + TestDatabase.REPLICATION_PASSWORD)
                .replace("canal.instance.filter.regex=.*\\\\..*", "canal.instance.filter.regex=shipped\\\\.m");
        assertThat(instance).contains("canal.instance.master.address=" + db.address())
                .contains("canal.instance.filter.regex=shipped\\\\.m");
        Files.writeString(conf.resolve("example/instance.properties"), instance, StandardCharsets.UTF_8);
        return conf;
    }

    @Test
    void aCanalMetaDatWhereCanalKeepsItIsResumedFromTheShippedFiles(TestDatabase db) throws Exception {
        db.execute("CREATE DATABASE IF NOT EXISTS shipped", "DROP TABLE IF EXISTS shipped.m",
                "CREATE TABLE shipped.m (id INT PRIMARY KEY)", "INSERT INTO shipped.m VALUES (1)");
        TestDatabase.BinlogCoordinates afterFirst = db.masterStatus();
        db.execute("INSERT INTO shipped.m VALUES (2)", "INSERT INTO shipped.m VALUES (3)");
        Path conf = canalConf(db);
        // canal 1.1.7's meta.dat: the cursor is the start of the XID event (31 bytes with CRC32) of transaction 1
        long xidStart = afterFirst.position() - 31;
        Path metaDat = conf.resolve("example/meta.dat");
        Files.writeString(metaDat, "{\"clientDatas\":[{\"clientIdentity\":{\"clientId\":1001,"
                + "\"destination\":\"example\",\"filter\":\"\"},\"cursor\":{\"identity\":{\"slaveId\":-1,\"sourceAddress\":"
                + "{\"address\":\"" + db.host() + "\",\"port\":" + db.port() + "}},\"postion\":{\"gtid\":\"\","
                + "\"included\":false,\"journalName\":\"" + afterFirst.file() + "\",\"position\":" + xidStart
                + ",\"serverId\":1,\"timestamp\":1700000000000}}}],\"destination\":\"example\"}");

        // the ports are overridden as system properties, so the files stay as the user has them
        int port = FreePort.find();
        Properties overrides = new Properties();
        overrides.setProperty("canal.port", String.valueOf(port));
        overrides.setProperty("canal.metrics.pull.port", "0");
        overrides.setProperty("sluice.warmup", "false");
        ConfigLoader loader = new ConfigLoader(overrides, Map.of(), new ConfigNotices());
        ServerConfig config = loader.loadServer(conf.resolve("canal.properties"));
        assertThat(config.fileDataDir()).isEqualTo(conf.toAbsolutePath().normalize());

        List<String> ids = new ArrayList<>();
        try (SluiceServer server = new SluiceServer(config, loader, null)) {
            server.start();
            try (RawCanalClient client = RawCanalClient.open(new InetSocketAddress("127.0.0.1", port))) {
                client.send(PacketType.SUBSCRIPTION, CanalPacket.Sub.newBuilder().setDestination("example")
                        .setClientId("1001").build());
                assertThat(client.readAck().getErrorCode()).isZero();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                boolean first = true;
                while (ids.size() < 2 && System.nanoTime() < deadline) {
                    client.send(PacketType.GET, CanalPacket.Get.newBuilder().setDestination("example")
                            .setClientId("1001").setFetchSize(100).setTimeout(500).setUnit(2).build());
                    CanalPacket.Messages messages = CanalPacket.Messages.parseFrom(client.read().getBody());
                    for (var bytes : messages.getMessagesList()) {
                        CanalEntry.Entry e = CanalEntry.Entry.parseFrom(bytes);
                        if (e.getHeader().getLogfileName().equals(afterFirst.file())
                                && e.getHeader().getLogfileOffset() < afterFirst.position()) {
                            // only the entry at canal's cursor itself comes before transaction 2: the END of the
                            // acked transaction 1 (canal re-reads that XID event too), never a row of it
                            assertThat(e.getEntryType()).isEqualTo(CanalEntry.EntryType.TRANSACTIONEND);
                            assertThat(e.getHeader().getLogfileOffset()).isEqualTo(xidStart);
                            assertThat(first).isTrue();
                        }
                        first = false;
                        if (e.getEntryType() == CanalEntry.EntryType.ROWDATA) {
                            for (CanalEntry.RowData row : CanalEntry.RowChange.parseFrom(e.getStoreValue())
                                    .getRowDatasList()) {
                                ids.add(row.getAfterColumns(0).getValue());
                            }
                        }
                    }
                    if (messages.getBatchId() > 0) {
                        client.send(PacketType.CLIENTACK, CanalPacket.ClientAck.newBuilder().setDestination("example")
                                .setClientId("1001").setBatchId(messages.getBatchId()).build());
                    }
                }
            }
        }
        assertThat(ids).containsExactly("2", "3");
        // Sluice kept its files where canal keeps them, not under a folder literally named ${canal.conf.dir}
        assertThat(Files.readString(metaDat)).contains("\"clientId\":1001").doesNotContain("\"position\":" + xidStart + ",");
        try (Stream<Path> all = Files.walk(root)) {
            assertThat(all.map(Path::toString)).noneMatch(p -> p.contains("${"));
        }
        try (Stream<Path> files = Files.list(conf.resolve("example"))) {
            assertThat(files.map(p -> p.getFileName().toString())).contains("instance.properties", "meta.dat");
        }
    }
}
