package io.sluice.client.reliability;

import static io.sluice.client.reliability.ServerKillIT.awaitCopy;
import static io.sluice.client.reliability.ServerKillIT.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.testkit.LocalMariaDb;
import io.sluice.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master goes away under Sluice — stopped cleanly, SIGKILLed — while a writer retries and a consumer pulls:
 * Sluice reconnects and resumes at the last transaction boundary. And a switch to a replica with the same GTIDs:
 * the destination is pointed at the replica and resumes by GTID. Each on private MariaDB servers.
 * Rounds: {@code -Dsluice.reliability.rounds} (CI default 2; each round = one stop and one kill).
 */
@Tag("reliability")
class MariaDbOutageIT {

    @TempDir
    Path home;

    @BeforeEach
    void needsMariaDb() {
        Assumptions.assumeTrue(LocalMariaDb.available(), "mariadbd is not installed: these tests stop and kill it");
    }

    @Test
    void masterStoppedAndKilledMidStreamResumesWithNothingLost() {
        int rounds = Figures.rounds(2);
        String table = "outage";
        try (LocalMariaDb db = LocalMariaDb.launch()) {
            Workload.createTable(db, table);
            try (SluiceProcess server = SluiceProcess.configure(home, db, "rel\\." + table, 0, List.of("-Xmx256m"),
                    Map.of());
                 Workload writer = new Workload(db, table, 51);
                 Consumer consumer = new Consumer(server.address(), SluiceProcess.DESTINATION, new Ledger(table))) {
                server.start();
                writer.start();
                consumer.start();
                long worstCatchUp = 0;
                for (int round = 0; round < rounds; round++) {
                    for (boolean kill : new boolean[] {false, true}) {
                        sleep(1500);
                        if (kill) {
                            db.kill();
                        } else {
                            db.stop();
                        }
                        sleep(1500);
                        long restarted = System.currentTimeMillis();
                        db.start();
                        // recovered = Sluice has read a change written after the master came back
                        long before = consumer.ledger().changes();
                        await().atMost(Duration.ofSeconds(60)).until(() -> consumer.ledger().changes() > before);
                        worstCatchUp = Math.max(worstCatchUp, System.currentTimeMillis() - restarted);
                        assertThat(server.isAlive()).isTrue();
                    }
                }
                sleep(1000);
                writer.stop();
                Ledger ledger = consumer.ledger();
                awaitCopy(db, table, ledger, server);
                consumer.stop();
                assertThat(ledger.violations()).isEmpty();
                // a commit cut by the stop may have happened without the writer knowing: at least what it knows
                assertThat(ledger.changes()).isGreaterThanOrEqualTo(writer.changes());
                assertThat(server.log()).containsPattern("(?i)reconnect|connect");
                Figures.record("2 MariaDB stopped and killed mid-stream", rounds * 2, ledger.changes(), 0,
                        ledger.duplicates(), worstCatchUp);
            }
        }
    }

    @Test
    void switchToAReplicaWithTheSameGtidsResumesByGtid() throws IOException {
        String table = "gtid_switch";
        try (LocalMariaDb primary = LocalMariaDb.launch();
             LocalMariaDb replica = LocalMariaDb.launch("--server-id=2", "--log-slave-updates")) {
            Workload.createTable(primary, table);
            replica.execute("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + primary.port()
                    + ", MASTER_USER='canal', MASTER_PASSWORD='canal', MASTER_USE_GTID=slave_pos", "START SLAVE");
            awaitReplicated(primary, replica, table);
            Map<String, String> instance = new LinkedHashMap<>(SluiceProcess.source(primary, "rel\\." + table));
            instance.remove("canal.instance.master.journal.name");
            instance.remove("canal.instance.master.position");
            instance.put("canal.instance.gtidon", "true");
            instance.put("canal.instance.master.gtid",
                    primary.query("SELECT @@gtid_binlog_pos AS p").get(0).get("p"));
            try (SluiceProcess server = SluiceProcess.configure(home, 0, List.of("-Xmx256m"),
                    Map.of(SluiceProcess.DESTINATION, instance));
                 Workload writer = new Workload(primary, table, 61);
                 Consumer consumer = new Consumer(server.address(), SluiceProcess.DESTINATION, new Ledger(table))) {
                server.start();
                writer.start();
                consumer.start();
                sleep(2000);
                server.stop();
                Path properties = server.conf().resolve(SluiceProcess.DESTINATION).resolve("instance.properties");
                Files.writeString(properties, Files.readString(properties)
                        .replace(primary.address(), replica.address()));
                sleep(1000);
                long switched = System.currentTimeMillis();
                server.start();
                long before = consumer.ledger().changes();
                await().atMost(Duration.ofSeconds(60)).until(() -> consumer.ledger().changes() > before);
                long recovery = System.currentTimeMillis() - switched;
                assertThat(server.log()).containsPattern("replicating from [^ ]*" + replica.port());
                sleep(1500);
                writer.stop();
                awaitReplicated(primary, replica, table);
                Ledger ledger = consumer.ledger();
                awaitCopy(replica, table, ledger, server);
                consumer.stop();
                assertThat(ledger.violations()).isEmpty();
                assertThat(ledger.changes()).isEqualTo(writer.changes());
                Figures.record("2 switch to a GTID replica (config change, restart)", 1, writer.changes(), 0,
                        ledger.duplicates(), recovery);
            }
        }
    }

    private static void awaitReplicated(TestDatabase primary, TestDatabase replica, String table) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            String pos = primary.query("SELECT @@gtid_binlog_pos AS p").get(0).get("p");
            return pos.equals(replica.query("SELECT @@gtid_slave_pos AS p").get(0).get("p"))
                    && Workload.source(replica, table).equals(Workload.source(primary, table));
        });
    }
}
