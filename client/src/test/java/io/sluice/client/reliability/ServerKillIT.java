package io.sluice.client.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Sluice server process dies — SIGKILL at random moments, or SIGTERM as {@code bin/stop.sh} sends — while a
 * writer keeps changing a table and Sluice's client keeps pulling. Afterwards the consumer's copy must equal the
 * source table, every change in order per row, and nothing acked may have come twice.
 * Rounds: {@code -Dsluice.reliability.rounds} (CI default 3).
 */
@Tag("reliability")
@ExtendWith(TestDatabaseExtension.class)
class ServerKillIT {

    @TempDir
    Path home;

    @Test
    void killNineLoopAtTheShippedFlushPeriodLosesNothingAndRedeliversNoAckedChange(TestDatabase db) {
        int rounds = Figures.rounds(3);
        String table = "kill_loop";
        Workload.createTable(db, table);
        // canal's shipped flush period: meta.dat is written once a second, and the ack journal must keep every
        // answered ack across the kill in between
        try (SluiceProcess server = SluiceProcess.configure(home, db, "rel\\." + table, 1000, List.of("-Xmx256m"),
                Map.of());
             Workload writer = new Workload(db, table, 12);
             Consumer consumer = new Consumer(server.address(), SluiceProcess.DESTINATION, new Ledger(table))) {
            server.start();
            writer.start();
            consumer.start();
            Random random = new Random(7);
            for (int round = 0; round < rounds; round++) {
                sleep(500 + random.nextInt(2500));
                server.kill();
                sleep(random.nextInt(1000));
                server.start();
            }
            sleep(1000);
            writer.stop();
            Ledger ledger = ledgerOf(consumer);
            awaitCopy(db, table, ledger, server);
            consumer.stop();
            Figures.record("1 kill -9 loop (Sluice client, flush period 1000)", rounds, writer.changes(), 0,
                    ledger.duplicates(), ledger.ackedAgain(), consumer.worstRecoveryMillis());
            assertThat(ledger.ackedAgain()).as("acked changes delivered again").isZero();
            assertThat(ledger.violations()).isEmpty();
            assertThat(ledger.changes()).isEqualTo(writer.changes());
        }
    }

    @Test
    void sigtermUnderLoadFlushesTheLastAckSoRestartRedeliversNothingAcked(TestDatabase db) {
        int rounds = Figures.rounds(3);
        String table = "graceful";
        Workload.createTable(db, table);
        // the default flush period: what a graceful stop must flush is exactly what the period had not yet written
        try (SluiceProcess server = SluiceProcess.configure(home, db, "rel\\." + table, 1000, List.of("-Xmx256m"),
                Map.of());
             Workload writer = new Workload(db, table, 13);
             Consumer consumer = new Consumer(server.address(), SluiceProcess.DESTINATION, new Ledger(table))) {
            server.start();
            writer.start();
            consumer.start();
            for (int round = 0; round < rounds; round++) {
                sleep(1500);
                int exit = server.stop();
                assertThat(server.log()).contains("Sluice stopping");
                assertThat(exit).as("exit code of a SIGTERMed server:\n%s", server.tail()).isIn(0, 143);
                server.start();
            }
            sleep(1000);
            writer.stop();
            Ledger ledger = ledgerOf(consumer);
            awaitCopy(db, table, ledger, server);
            consumer.stop();
            assertThat(ledger.violations()).isEmpty();
            assertThat(ledger.changes()).isEqualTo(writer.changes());
            Figures.record("7 graceful stop (SIGTERM) under load", rounds, writer.changes(), 0, ledger.duplicates(),
                    consumer.worstRecoveryMillis());
        }
    }

    static Ledger ledgerOf(Consumer consumer) {
        return consumer.ledger();
    }

    /** Waits until the consumer's copy equals the source table; fails with both and the server's log tail. */
    static void awaitCopy(TestDatabase db, String table, Ledger ledger, SluiceProcess server) {
        Map<Long, Long> source = Workload.source(db, table);
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> ledger.rows().equals(source) || !ledger.orderViolations().isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            Map<Long, Long> copy = ledger.rows();
            throw new AssertionError("consumer copy (" + copy.size() + " rows) != source (" + source.size()
                    + " rows); violations " + ledger.violations() + "\nserver log:\n" + server.tail(), e);
        }
        assertThat(ledger.rows()).isEqualTo(source);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
