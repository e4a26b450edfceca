package io.sluice.client.reliability;

import static io.sluice.client.reliability.ServerKillIT.awaitCopy;
import static io.sluice.client.reliability.ServerKillIT.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Network faults between Sluice and MariaDB and between the client and Sluice, made by {@link FaultyProxy}:
 * connections reset, stalled past the read timeouts, half-closed. Nothing is lost, and a stalled connection is
 * given up within its configured timeout (canal.instance.network.soTimeout = 3 s for the master; the client's
 * soTimeout = 3 s), not waited on forever.
 * Rounds: {@code -Dsluice.reliability.rounds} (CI default 1; each round runs all six faults).
 */
@Tag("reliability")
@ExtendWith(TestDatabaseExtension.class)
class NetworkCutIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    /** Time to notice on top of the timeout: reconnect backoff, the next heartbeat, scheduling on 2 shared cores. */
    private static final Duration GRACE = Duration.ofSeconds(12);

    @TempDir
    Path home;

    @Test
    void droppedStalledAndHalfClosedConnectionsLoseNothingAndHangNoLongerThanTheTimeouts(TestDatabase db)
            throws Exception {
        int rounds = Figures.rounds(1);
        String table = "net_cut";
        Workload.createTable(db, table);
        try (FaultyProxy toDb = new FaultyProxy(new InetSocketAddress(db.host(), db.port()))) {
            Map<String, String> instance = new LinkedHashMap<>(SluiceProcess.source(db, "rel\\." + table));
            instance.put("canal.instance.master.address", toDb.address());
            instance.put("canal.instance.network.soTimeout", String.valueOf(TIMEOUT.toSeconds()));
            try (SluiceProcess server = SluiceProcess.configure(home, 0, List.of("-Xmx256m"),
                    Map.of(SluiceProcess.DESTINATION, instance));
                 FaultyProxy toSluice = new FaultyProxy(server.address());
                 Workload writer = new Workload(db, table, 71);
                 Consumer consumer = new Consumer(toSluice.socketAddress(), SluiceProcess.DESTINATION, TIMEOUT,
                         new Ledger(table))) {
                server.start();
                writer.start();
                consumer.start();
                long worst = 0;
                for (int round = 0; round < rounds; round++) {
                    for (FaultyProxy proxy : List.of(toDb, toSluice)) {
                        String side = proxy == toDb ? "master side" : "client side";
                        try {
                            worst = Math.max(worst, fault(proxy, consumer, () -> proxy.drop()));
                            worst = Math.max(worst, stall(proxy, consumer));
                            worst = Math.max(worst, fault(proxy, consumer, () -> proxy.halfClose()));
                        } catch (org.awaitility.core.ConditionTimeoutException e) {
                            throw new AssertionError("no recovery from a fault on the " + side + "; server log:\n"
                                    + server.tail(), e);
                        }
                    }
                }
                sleep(1000);
                writer.stop();
                Ledger ledger = consumer.ledger();
                awaitCopy(db, table, ledger, server);
                consumer.stop();
                assertThat(ledger.violations()).isEmpty();
                assertThat(ledger.changes()).isEqualTo(writer.changes());
                Figures.record("3 network cut (drop, stall past timeout, half-close; master and client side)",
                        rounds * 6, writer.changes(), 0, ledger.duplicates(), worst);
            }
        }
    }

    /** Applies a fault, waits for a new connection through the proxy and for changes to flow again. */
    private static long fault(FaultyProxy proxy, Consumer consumer, Runnable fault) {
        sleep(1000);
        int before = proxy.accepted();
        long start = System.currentTimeMillis();
        fault.run();
        await().atMost(TIMEOUT.plus(GRACE)).until(() -> proxy.accepted() > before);
        long changes = consumer.ledger().changes();
        await().atMost(TIMEOUT.plus(GRACE)).until(() -> consumer.ledger().changes() > changes);
        return System.currentTimeMillis() - start;
    }

    /** Stalls for twice the timeout: the stalled side must give up and reconnect while the stall lasts. */
    private static long stall(FaultyProxy proxy, Consumer consumer) {
        sleep(1000);
        int before = proxy.accepted();
        long start = System.currentTimeMillis();
        proxy.stall(true);
        try {
            await().atMost(TIMEOUT.plus(GRACE)).until(() -> proxy.accepted() > before);
            proxy.drop(); // the stalled connection the far side gave up on
        } finally {
            proxy.stall(false);
        }
        long changes = consumer.ledger().changes();
        await().atMost(TIMEOUT.plus(GRACE)).until(() -> consumer.ledger().changes() > changes);
        return System.currentTimeMillis() - start;
    }
}
