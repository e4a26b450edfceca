package io.sluice.client.reliability;

import static io.sluice.client.reliability.ServerKillIT.awaitCopy;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testkit.ChildJvm;
import io.sluice.testkit.LocalMariaDb;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input beside a healthy destination: a corrupt meta.dat, a purged start position and a STATEMENT-format
 * master each get a clear log line naming the destination and the cause, and the server keeps serving its healthy
 * destination, whose consumer gets every change. A malformed canal.properties or instance.properties stops the
 * server at start with the file and key named (DestinationRegistry's fail-fast contract at start; a bad file found
 * later by canal.auto.scan is reported and skipped instead).
 */
@Tag("reliability")
@ExtendWith(TestDatabaseExtension.class)
class BadInputIT {

    @TempDir
    Path home;

    @Test
    void eachBadDestinationIsReportedAndTheHealthyOneKeepsServing(TestDatabase db) throws Exception {
        Assumptions.assumeTrue(LocalMariaDb.available(), "mariadbd is not installed: a STATEMENT master is needed");
        String table = "healthy";
        Workload.createTable(db, table);
        try (LocalMariaDb statementMaster = LocalMariaDb.launch("--binlog-format=STATEMENT")) {
            Map<String, Map<String, String>> destinations = new LinkedHashMap<>();
            destinations.put(SluiceProcess.DESTINATION, SluiceProcess.source(db, "rel\\." + table));
            destinations.put("bad_meta", SluiceProcess.source(db, "rel\\..*"));
            Map<String, String> purged = new LinkedHashMap<>(SluiceProcess.source(db, "rel\\..*"));
            purged.put("canal.instance.master.journal.name", "mysql-bin.999999");
            purged.put("canal.instance.master.position", "4");
            destinations.put("bad_purged", purged);
            destinations.put("bad_statement", SluiceProcess.source(statementMaster, "rel\\..*"));
            try (SluiceProcess server = SluiceProcess.configure(home, 0, List.of("-Xmx256m"), destinations);
                 Workload writer = new Workload(db, table, 81)) {
                Path meta = home.resolve("data").resolve("bad_meta").resolve("meta.dat");
                Files.createDirectories(meta.getParent());
                Files.writeString(meta, "{\"clientDatas\":[{\"clientIdentity\":"); // cut off mid-write
                server.start();
                writer.write(50);
                Ledger ledger = new Ledger(table);
                try (Consumer consumer = new Consumer(server.address(), SluiceProcess.DESTINATION, ledger)) {
                    consumer.start();
                    awaitCopy(db, table, ledger, server);
                }
                assertThat(ledger.violations()).isEmpty();
                assertThat(ledger.changes()).isEqualTo(writer.changes());
                String log = server.log();
                assertThat(log).as(log).containsPattern("(ERROR|WARN).*bad_meta.*meta.dat");
                assertThat(log).as(log).containsPattern("(ERROR|WARN).*bad_purged.*mysql-bin.999999");
                assertThat(log).as(log).containsPattern("(?i)(ERROR|WARN).*bad_statement.*(STATEMENT|binlog_format)");
                assertThat(log).doesNotContain("Exception in thread");
                Figures.record("5 bad input (corrupt meta.dat, purged position, STATEMENT master) beside a healthy "
                        + "destination", 1, writer.changes(), 0, ledger.duplicates(), 0);
            }
        }
    }

    @Test
    void aMalformedInstancePropertiesIsReportedNamingFileAndKeyAndTheOtherDestinationServes(TestDatabase db)
            throws Exception {
        Map<String, String> bad = new LinkedHashMap<>(SluiceProcess.source(db, "rel\\..*"));
        bad.put("canal.instance.memory.buffer.size", "1000");
        SluiceProcess configured = SluiceProcess.configure(home, 0, List.of(),
                Map.of(SluiceProcess.DESTINATION, SluiceProcess.source(db, "rel\\..*"), "bad_conf", bad));
        try (ChildJvm jvm = ChildJvm.start("sluice-bad-instance", "io.sluice.server.SluiceServer",
                ChildJvm.currentClasspath(), List.of("-Dsluice.conf=" + configured.conf(),
                        "-Dsluice.logs=" + home.resolve("logs")), List.of(), Map.of(), home.resolve("bad-inst.log"))) {
            jvm.awaitLog("SLUICE_READY", Duration.ofSeconds(60));
            assertThat(jvm.output()).containsPattern("ERROR.*destination bad_conf not started: .*bad_conf.instance"
                    + "\\.properties: canal\\.instance\\.memory\\.buffer\\.size=1000 must be a power of 2");
            int port = Integer.parseInt(jvm.output().replaceAll("(?s).*SLUICE_READY port=(\\d+).*", "$1"));
            try (io.sluice.client.SluiceConnector healthy = new io.sluice.client.SluiceConnector(
                    new java.net.InetSocketAddress("127.0.0.1", port),
                    io.sluice.client.ConnectorSettings.of(SluiceProcess.DESTINATION))) {
                healthy.connect();
                healthy.subscribe("");
            }
        }
    }

    @Test
    void aMalformedCanalPropertiesStopsTheServerNamingTheKey(TestDatabase db) throws Exception {
        SluiceProcess configured = SluiceProcess.configure(home, db, "rel\\..*", 0, List.of(), Map.of());
        Path properties = configured.conf().resolve("canal.properties");
        Files.writeString(properties, Files.readString(properties).replaceFirst("canal.port = \\d+",
                "canal.port = eleven"));
        try (ChildJvm jvm = ChildJvm.start("sluice-bad-conf", "io.sluice.server.SluiceServer",
                ChildJvm.currentClasspath(), List.of("-Dsluice.conf=" + configured.conf(),
                        "-Dsluice.logs=" + home.resolve("logs")), List.of(), Map.of(), home.resolve("bad-conf.log"))) {
            jvm.awaitLog("Sluice cannot start", Duration.ofSeconds(60));
            assertThat(jvm.output()).contains("canal.port");
            assertThat(jvm.output()).doesNotContain("SLUICE_READY");
        }
    }
}
