package io.sluice.server.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.server.instance.DestinationInstance;
import io.sluice.server.meta.FileMetaStore;
import io.sluice.testkit.LocalMariaDb;
import io.sluice.testkit.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The position a destination stopped at is purged from the master ({@code PURGE BINARY LOGS}) while it is down.
 * With {@code when_needed} it takes a new snapshot at the master's current position and streams on from there;
 * with {@code initial} it stops with the purge named. Runs on a private server: purging binlogs would break other
 * tests sharing one.
 */
class WhenNeededSnapshotIT {

    @TempDir
    Path dir;

    private static final MaterializedView.TableSpec ITEMS = new MaterializedView.TableSpec("snapneed", "items",
            List.of("id"), "SELECT id, v FROM snapneed.items", null);

    @Test
    void aPurgedPositionIsReplacedByANewSnapshot() throws Exception {
        try (LocalMariaDb db = LocalMariaDb.launch()) {
            DestinationInstance instance = firstRunThenPurge(db, "when_needed");
            MaterializedView fresh = new MaterializedView(ITEMS);
            try (DestinationConsumer consumer = new DestinationConsumer(instance, fresh, 100)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    consumer.checkHealthy();
                    return fresh.snapshotRows.getOrDefault("snapneed.items", 0) > 0;
                });
                db.execute("INSERT INTO snapneed.items VALUES (5001, 1)", "UPDATE snapneed.items SET v = -7 WHERE id = 3",
                        "DELETE FROM snapneed.items WHERE id = 4");
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                    consumer.checkHealthy();
                    assertThat(fresh.differences(db)).isEmpty();
                });
            } finally {
                instance.stop();
            }
            // the new snapshot was read in the binlog file that follows the purge, and holds the changes made while down
            assertThat(fresh.snapshotPositions).allSatisfy(p -> assertThat(p).startsWith("mysql-bin.000003:"));
            assertThat(fresh.snapshotRows.get("snapneed.items")).isEqualTo(1000 + 100 - 50 - 50); // the table as it was after the purge
            assertThat(fresh.binlogRowHeaders).isNotEmpty();
        }
    }

    @Test
    void withInitialModeAPurgedPositionStopsTheSource() throws Exception {
        try (LocalMariaDb db = LocalMariaDb.launch()) {
            DestinationInstance instance = firstRunThenPurge(db, "initial");
            try {
                await().atMost(Duration.ofSeconds(60)).until(instance::hasFailedSource);
            } finally {
                instance.stop();
            }
        }
    }

    /** A first run that snapshots and streams until acked, then changes, a log rotation and a purge while down. */
    private DestinationInstance firstRunThenPurge(TestDatabase db, String mode) throws Exception {
        db.execute("CREATE DATABASE snapneed", "CREATE TABLE snapneed.items (id INT PRIMARY KEY, v INT)");
        StringBuilder rows = new StringBuilder();
        for (int i = 1; i <= 1000; i++) {
            rows.append(i == 1 ? "" : ",").append("(").append(i).append(", ").append(i).append(")");
        }
        db.execute("INSERT INTO snapneed.items VALUES " + rows);
        DestinationInstance instance = new DestinationInstance(TestInstances.config(dir, db, "need",
                "canal.instance.filter.regex = snapneed\\\\..*", "sluice.snapshot.mode = " + mode),
                new FileMetaStore("need", dir.resolve("data"), 0), TestInstances.snapshotSources(db));
        instance.start();
        MaterializedView first = new MaterializedView(ITEMS);
        try (DestinationConsumer consumer = new DestinationConsumer(instance, first, 100)) {
            db.execute("UPDATE snapneed.items SET v = v + 1 WHERE id <= 10");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                consumer.checkHealthy();
                assertThat(first.differences(db)).isEmpty();
            });
        }
        instance.stop();
        assertThat(first.snapshotRows.get("snapneed.items")).isEqualTo(1000);

        // while the destination is down: changes, a rotation, more changes, and the old files purged
        StringBuilder more = new StringBuilder();
        for (int i = 1001; i <= 1100; i++) {
            more.append(i == 1001 ? "" : ",").append("(").append(i).append(", 0)");
        }
        db.execute("INSERT INTO snapneed.items VALUES " + more, "DELETE FROM snapneed.items WHERE id > 1050",
                "FLUSH BINARY LOGS", "DELETE FROM snapneed.items WHERE id BETWEEN 951 AND 1000",
                "UPDATE snapneed.items SET v = 0 WHERE id BETWEEN 11 AND 20", "FLUSH BINARY LOGS");
        String current = db.masterStatus().file();
        db.execute("PURGE BINARY LOGS TO '" + current + "'");
        // MariaDB keeps a file its binlog checkpoint still needs; the one the destination stopped in is gone
        assertThat(db.query("SHOW BINARY LOGS")).extracting(r -> r.get("Log_name")).doesNotContain("mysql-bin.000001");

        instance.start();
        return instance;
    }
}
