package io.sluice.client.reliability;

import static io.sluice.client.reliability.ServerKillIT.awaitCopy;
import static io.sluice.client.reliability.ServerKillIT.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.client.ConnectorSettings;
import io.sluice.client.Message;
import io.sluice.client.SluiceConnector;
import io.sluice.testkit.LocalMariaDb;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's end-to-end promises through the real parser, MariaDB and the server main in a child JVM: what was
 * acked before a stop or a SIGKILL never comes again, what was not comes again, nothing is lost; and the same for a
 * routed (1:n) and a merged (n:1) destination.
 */
@Tag("reliability")
@ExtendWith(TestDatabaseExtension.class)
class EndToEndIT {

    @TempDir
    Path home;

    @Test
    void ackHalfStopWriteMoreStartDeliversEveryRowAndNothingAckedTwice(TestDatabase db) {
        ackHalfThenRestart(db, "e2e_stop", false);
    }

    @Test
    void ackHalfSigkillWriteMoreStartDeliversEveryRowAndNothingAckedTwice(TestDatabase db) {
        ackHalfThenRestart(db, "e2e_kill", true);
    }

    private void ackHalfThenRestart(TestDatabase db, String table, boolean kill) {
        Workload.createTable(db, table);
        // canal's shipped flush period either way: a SIGKILL comes between two meta.dat writes, and the ack journal
        // must hold what was answered since the last one
        try (SluiceProcess server = SluiceProcess.configure(home, db, "rel\\." + table, 1000,
                List.of("-Xmx256m"), Map.of());
             Workload writer = new Workload(db, table, 21)) {
            server.start();
            writer.write(40);
            Ledger ledger = new Ledger(table);
            List<List<String>> batches = new ArrayList<>();
            List<Message> messages = new ArrayList<>();
            SluiceConnector first = connector(server);
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    Message m = first.getWithoutAck(10, 100, TimeUnit.MILLISECONDS);
                    List<String> keys = ledger.received(m.entries());
                    if (!m.isEmpty()) {
                        messages.add(m);
                        batches.add(keys);
                    }
                    return ledger.changes() == writer.changes();
                });
                int half = messages.size() / 2;
                long unacked = 0;
                for (int i = 0; i < messages.size(); i++) {
                    if (i < half) {
                        ledger.acking(batches.get(i));
                        first.ack(messages.get(i));
                    } else {
                        unacked += batches.get(i).size();
                    }
                }
                // an answered request after the acks: the server has handled (and journaled) them
                assertThat(first.getWithoutAck(10).isEmpty()).isTrue();
                ledger.received(List.of());
                assertThat(half).isGreaterThan(1);
                assertThat(unacked).isGreaterThan(0);

                if (kill) {
                    server.kill();
                } else {
                    assertThat(server.stop()).isIn(0, 143);
                }
                first.disconnect();
                writer.write(40);
                server.start();
                Consumer consumer = new Consumer(server.address(), SluiceProcess.DESTINATION, ledger);
                consumer.start();
                try {
                    awaitCopy(db, table, ledger, server);
                } finally {
                    consumer.stop();
                }
                assertThat(ledger.violations()).isEmpty();
                assertThat(ledger.changes()).isEqualTo(writer.changes());
                assertThat(ledger.duplicates()).as("exactly the unacked batches come again").isEqualTo(unacked);
                Figures.record("0 ack half, " + (kill ? "SIGKILL (flush period 1000)" : "stop (SIGTERM)")
                        + ", write more, start", 1, writer.changes(), 0, ledger.duplicates(), 0);
            } finally {
                first.disconnect();
            }
        }
    }

    private static SluiceConnector connector(SluiceProcess server) {
        SluiceConnector c = new SluiceConnector(server.address(), ConnectorSettings.of(SluiceProcess.DESTINATION)
                .withReconnect(0, Duration.ofMillis(100)));
        c.connect();
        c.subscribe();
        return c;
    }

    @Test
    void routeFeedsTwoDestinationsFromOneBinlogConnectionAcrossAKill(TestDatabase db) {
        Workload.createTable(db, "route_a");
        Workload.createTable(db, "route_b");
        Map<String, String> orders = SluiceProcess.source(db, "rel\\.route_a");
        Map<String, String> audit = new LinkedHashMap<>();
        audit.put("sluice.instance.route.from", "orders");
        audit.put("canal.instance.filter.regex", "rel\\.route_b");
        try (SluiceProcess server = SluiceProcess.configure(home, 0, List.of("-Xmx256m"),
                Map.of("orders", orders, "audit", audit));
             Workload a = new Workload(db, "route_a", 31);
             Workload b = new Workload(db, "route_b", 32)) {
            server.start();
            Ledger ledgerA = new Ledger("route_a");
            Ledger ledgerB = new Ledger("route_b");
            try (Consumer ca = new Consumer(server.address(), "orders", ledgerA);
                 Consumer cb = new Consumer(server.address(), "audit", ledgerB)) {
                a.start();
                b.start();
                ca.start();
                cb.start();
                sleep(2000);
                server.kill();
                server.start();
                sleep(2000);
                a.stop();
                b.stop();
                awaitCopy(db, "route_a", ledgerA, server);
                awaitCopy(db, "route_b", ledgerB, server);
                assertThat(ledgerA.violations()).isEmpty();
                assertThat(ledgerB.violations()).isEmpty();
                assertThat(ledgerA.changes()).isEqualTo(a.changes());
                assertThat(ledgerB.changes()).isEqualTo(b.changes());
                Figures.record("0 route 1:n (two destinations, one connection), one SIGKILL", 1,
                        a.changes() + b.changes(), 0, ledgerA.duplicates() + ledgerB.duplicates(),
                        Math.max(ca.worstRecoveryMillis(), cb.worstRecoveryMillis()));
            }
        }
    }

    @Test
    void mergeReadsTwoMastersIntoOneDestinationAcrossAKill() {
        Assumptions.assumeTrue(LocalMariaDb.available(), "mariadbd is not installed: merge needs two servers");
        try (LocalMariaDb one = LocalMariaDb.launch(); LocalMariaDb two = LocalMariaDb.launch()) {
            Workload.createTable(one, "m_a");
            Workload.createTable(two, "m_b");
            Map<String, String> merged = new LinkedHashMap<>();
            merged.put("sluice.instance.merge.sources", "a,b");
            merged.put("canal.instance.dbUsername", "canal");
            merged.put("canal.instance.dbPassword", "canal");
            merged.put("canal.instance.filter.regex", "rel\\.m_.*");
            int n = 0;
            for (TestDatabase shard : List.of(one, two)) {
                String p = "sluice.instance.merge." + (n++ == 0 ? "a" : "b") + ".";
                TestDatabase.BinlogCoordinates start = shard.masterStatus();
                merged.put(p + "address", shard.address());
                merged.put(p + "journal.name", start.file());
                merged.put(p + "position", String.valueOf(start.position()));
            }
            try (SluiceProcess server = SluiceProcess.configure(home, 0, List.of("-Xmx256m"),
                    Map.of("merged", merged));
                 Workload a = new Workload(one, "m_a", 41);
                 Workload b = new Workload(two, "m_b", 42)) {
                server.start();
                Ledger ledgerA = new Ledger("m_a");
                Ledger ledgerB = new Ledger("m_b");
                try (Consumer consumer = new Consumer(server.address(), "merged", ledgerA, ledgerB)) {
                    a.start();
                    b.start();
                    consumer.start();
                    sleep(2000);
                    server.kill();
                    server.start();
                    sleep(2000);
                    a.stop();
                    b.stop();
                    awaitCopy(one, "m_a", ledgerA, server);
                    awaitCopy(two, "m_b", ledgerB, server);
                    assertThat(ledgerA.violations()).isEmpty();
                    assertThat(ledgerB.violations()).isEmpty();
                    assertThat(ledgerA.changes()).isEqualTo(a.changes());
                    assertThat(ledgerB.changes()).isEqualTo(b.changes());
                    Figures.record("0 merge n:1 (two MariaDB), one SIGKILL", 1, a.changes() + b.changes(), 0,
                            ledgerA.duplicates() + ledgerB.duplicates(), consumer.worstRecoveryMillis());
                }
            }
        }
    }
}
