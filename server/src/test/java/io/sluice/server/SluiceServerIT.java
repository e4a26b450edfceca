package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.packet.CanalPacket;
import io.sluice.protocol.packet.CanalPacket.PacketType;
import io.sluice.server.config.ConfigLoader;
import io.sluice.server.net.testing.RawCanalClient;
import io.sluice.testkit.FreePort;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The whole server in-process: conf dir → parser → store → canal protocol, and the metrics that describe it. */
@ExtendWith(TestDatabaseExtension.class)
class SluiceServerIT {

    @TempDir
    Path conf;

    private final HttpClient http = HttpClient.newHttpClient();

    private String get(int port, String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        Path token = conf.resolve("sluice.admin.token"); // generated at start: /status needs credentials
        if (Files.exists(token)) {
            request.header("Authorization", "Bearer " + Files.readString(token).trim());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double metric(String scrape, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{destination=\"metrics\"\\} (\\S+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void metricsAndStatusMoveWithTheWorkload(TestDatabase db) throws Exception {
        db.execute("CREATE DATABASE IF NOT EXISTS srv", "DROP TABLE IF EXISTS srv.t",
                "CREATE TABLE srv.t (id INT PRIMARY KEY, v VARCHAR(20))");
        int port = FreePort.find();
        int statusPort = FreePort.find();
        Files.createDirectories(conf.resolve("metrics"));
        Files.writeString(conf.resolve("canal.properties"), "canal.port = " + port + "\ncanal.metrics.pull.port = "
                + statusPort + "\ncanal.destinations = metrics\ncanal.instance.memory.batch.mode = ITEMSIZE\n");
        Files.writeString(conf.resolve("metrics/instance.properties"), "canal.instance.master.address = " + db.address()
                + "\ncanal.instance.dbUsername = canal\ncanal.instance.dbPassword = canal\n"
                + "canal.instance.filter.regex = srv\\\\..*\n");
        ConfigLoader loader = ConfigLoader.fromEnvironment();
        try (SluiceServer server = new SluiceServer(loader.loadServer(conf.resolve("canal.properties")), loader,
                conf.resolve("sluice.ready"))) {
            server.start();
            assertThat(Files.readString(conf.resolve("sluice.ready"))).contains("canal protocol on").contains(":" + port);
            await().atMost(Duration.ofSeconds(30)).until(() -> get(statusPort, "/status").contains("\"RUNNING\""));
            double before = metric(get(statusPort, "/metrics"), "sluice_rows_parsed_total");

            db.execute("INSERT INTO srv.t VALUES (1,'a'),(2,'b'),(3,'c')", "UPDATE srv.t SET v = 'x'", "DELETE FROM srv.t WHERE id = 1");
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    metric(get(statusPort, "/metrics"), "sluice_rows_parsed_total") >= before + 7);
            String scrape = get(statusPort, "/metrics");
            assertThat(metric(scrape, "sluice_store_entries")).isGreaterThan(0);
            assertThat(metric(scrape, "sluice_store_bytes")).isGreaterThan(0);
            assertThat(metric(scrape, "sluice_client_acks_total")).isZero();

            try (RawCanalClient client = RawCanalClient.open(new InetSocketAddress("127.0.0.1", port))) {
                client.send(PacketType.SUBSCRIPTION, CanalPacket.Sub.newBuilder().setDestination("metrics").setClientId("1001").build());
                assertThat(client.readAck().getErrorCode()).isZero();
                client.send(PacketType.GET, CanalPacket.Get.newBuilder().setDestination("metrics").setClientId("1001")
                        .setFetchSize(1000).setTimeout(2000).setUnit(2).build());
                CanalPacket.Messages messages = CanalPacket.Messages.parseFrom(client.read().getBody());
                int rows = 0;
                for (var bytes : messages.getMessagesList()) {
                    CanalEntry.Entry e = CanalEntry.Entry.parseFrom(bytes);
                    if (e.getEntryType() == CanalEntry.EntryType.ROWDATA) {
                        rows += CanalEntry.RowChange.parseFrom(e.getStoreValue()).getRowDatasCount();
                    }
                }
                assertThat(rows).isEqualTo(7);
                client.send(PacketType.CLIENTACK, CanalPacket.ClientAck.newBuilder().setDestination("metrics")
                        .setClientId("1001").setBatchId(messages.getBatchId()).build());
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        metric(get(statusPort, "/metrics"), "sluice_client_acks_total") == 1);
            }
            String after = get(statusPort, "/metrics");
            assertThat(metric(after, "sluice_store_entries")).isZero();
            assertThat(metric(after, "sluice_client_gets_total")).isEqualTo(1);
            JsonNode status = new ObjectMapper().readTree(get(statusPort, "/status"));
            JsonNode d = status.get("destinations").get(0);
            assertThat(d.get("destination").asText()).isEqualTo("metrics");
            assertThat(d.get("ackedPosition").asText()).startsWith("mysql-bin.");
            assertThat(d.get("position").asText()).startsWith("mysql-bin.");
            assertThat(d.get("delayMillis").asLong()).isGreaterThanOrEqualTo(0);
        }
        assertThat(conf.resolve("sluice.ready")).doesNotExist();
        assertThat(Files.readString(conf.resolve("metrics/meta.dat"))).contains("\"clientId\":1001").contains("postion");
    }

    /**
     * Drop-in for canal: a canal meta.dat (no Sluice keys) whose cursor is canal's ack point — the XID event that
     * ended the acknowledged transaction — resumes right after that transaction.
     */
    @Test
    void aCanalMetaDatResumesAfterItsAckPoint(TestDatabase db) throws Exception {
        db.execute("CREATE DATABASE IF NOT EXISTS srv", "DROP TABLE IF EXISTS srv.m",
                "CREATE TABLE srv.m (id INT PRIMARY KEY)", "INSERT INTO srv.m VALUES (1)");
        TestDatabase.BinlogCoordinates afterFirst = db.masterStatus();
        db.execute("INSERT INTO srv.m VALUES (2)", "INSERT INTO srv.m VALUES (3)");
        int port = FreePort.find();
        Files.createDirectories(conf.resolve("migrated"));
        Files.writeString(conf.resolve("canal.properties"), "canal.port = " + port
                + "\ncanal.metrics.pull.port = 0\ncanal.destinations = migrated\n");
        Files.writeString(conf.resolve("migrated/instance.properties"), "canal.instance.master.address = " + db.address()
                + "\ncanal.instance.dbUsername = canal\ncanal.instance.dbPassword = canal\n"
                + "canal.instance.filter.regex = srv\\\\.m\n");
        // canal 1.1.8's meta.dat: the cursor is the start of the XID event (31 bytes with CRC32) of transaction 1
        long xidStart = afterFirst.position() - 31;
        Files.writeString(conf.resolve("migrated/meta.dat"), "{\"clientDatas\":[{\"clientIdentity\":{\"clientId\":1001,"
                + "\"destination\":\"migrated\",\"filter\":\"\"},\"cursor\":{\"identity\":{\"slaveId\":-1,\"sourceAddress\":"
                + "{\"address\":\"127.0.0.1\",\"port\":" + db.port() + "}},\"postion\":{\"gtid\":\"\",\"included\":false,"
                + "\"journalName\":\"" + afterFirst.file() + "\",\"position\":" + xidStart + ",\"serverId\":1,"
                + "\"timestamp\":1700000000000}}}],\"destination\":\"migrated\"}");
        ConfigLoader loader = ConfigLoader.fromEnvironment();
        try (SluiceServer server = new SluiceServer(loader.loadServer(conf.resolve("canal.properties")), loader, null)) {
            server.start();
            try (RawCanalClient client = RawCanalClient.open(new InetSocketAddress("127.0.0.1", port))) {
                client.send(PacketType.SUBSCRIPTION, CanalPacket.Sub.newBuilder().setDestination("migrated").setClientId("1001").build());
                assertThat(client.readAck().getErrorCode()).isZero();
                java.util.List<String> ids = new java.util.ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (ids.size() < 2 && System.nanoTime() < deadline) {
                    client.send(PacketType.GET, CanalPacket.Get.newBuilder().setDestination("migrated").setClientId("1001")
                            .setFetchSize(100).setTimeout(500).setUnit(2).build());
                    CanalPacket.Messages messages = CanalPacket.Messages.parseFrom(client.read().getBody());
                    for (var bytes : messages.getMessagesList()) {
                        CanalEntry.Entry e = CanalEntry.Entry.parseFrom(bytes);
                        if (e.getEntryType() == CanalEntry.EntryType.ROWDATA) {
                            for (CanalEntry.RowData row : CanalEntry.RowChange.parseFrom(e.getStoreValue()).getRowDatasList()) {
                                ids.add(row.getAfterColumns(0).getValue());
                            }
                        }
                    }
                }
                assertThat(ids).containsExactly("2", "3");
            }
        }
    }
}
