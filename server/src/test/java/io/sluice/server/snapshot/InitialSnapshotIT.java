package io.sluice.server.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.instance.DestinationInstance;
import io.sluice.server.meta.MemoryMetaStore;
import io.sluice.server.position.BinlogPosition;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The initial snapshot of tables that already hold rows, while a writer keeps inserting, updating and deleting:
 * at the end the consumer's view, built from snapshot rows and the binlog stream through the store and the
 * client API, equals the source tables exactly, and the stream starts exactly at the snapshot's position.
 */
@ExtendWith(TestDatabaseExtension.class)
class InitialSnapshotIT {

    private static final int ROWS = 400;

    @TempDir
    Path conf;

    static final MaterializedView.TableSpec[] TABLES = {
            new MaterializedView.TableSpec("snapinit", "t_int", List.of("id"),
                    "SELECT id, v, n FROM snapinit.t_int", null),
            new MaterializedView.TableSpec("snapinit", "t_comp", List.of("a", "b"),
                    "SELECT a, b, v FROM snapinit.t_comp", null),
            new MaterializedView.TableSpec("snapinit", "t_str", List.of("code"),
                    "SELECT code, v, CAST(at AS CHAR) AS at FROM snapinit.t_str", null),
            new MaterializedView.TableSpec("snapinit", "t_uniq", List.of("u"),
                    "SELECT id, u, v FROM snapinit.t_uniq", null),
            new MaterializedView.TableSpec("snapinit", "t_nokey", List.of(),
                    "SELECT a, b FROM snapinit.t_nokey", null)};

    static void createTables(TestDatabase db, String schema) {
        db.execute("DROP DATABASE IF EXISTS " + schema, "CREATE DATABASE " + schema,
                "CREATE TABLE " + schema + ".t_int (id INT PRIMARY KEY, v VARCHAR(40), n DECIMAL(10,2))",
                "CREATE TABLE " + schema + ".t_comp (a INT, b VARCHAR(20), v INT, PRIMARY KEY (a, b))",
                // a case-insensitive string key: keyset paging must follow the collation's order
                "CREATE TABLE " + schema + ".t_str (code VARCHAR(32) COLLATE utf8mb4_general_ci PRIMARY KEY, v INT,"
                        + " at DATETIME(3))",
                "CREATE TABLE " + schema + ".t_uniq (id INT NULL, u VARCHAR(20) NOT NULL, v INT, UNIQUE KEY uq (u))",
                "CREATE TABLE " + schema + ".t_nokey (a INT, b VARCHAR(20))");
        List<String> inserts = new ArrayList<>();
        for (int i = 1; i <= ROWS; i++) {
            inserts.add("INSERT INTO " + schema + ".t_int VALUES (" + i + ", 'v" + i + "', " + i + ".25)");
            inserts.add("INSERT INTO " + schema + ".t_comp VALUES (" + (i % 17) + ", 'b" + i + "', " + i + ")");
            inserts.add("INSERT INTO " + schema + ".t_str VALUES ('" + (i % 2 == 0 ? "Key" : "key") + "-" + i + "', " + i
                    + ", '2024-01-01 00:00:00.123')");
            inserts.add("INSERT INTO " + schema + ".t_uniq VALUES (" + (i % 5 == 0 ? "NULL" : i) + ", 'u" + i + "', " + i + ")");
            inserts.add("INSERT INTO " + schema + ".t_nokey VALUES (" + (i % 50) + ", 'n" + i + "')");
        }
        db.execute(inserts.toArray(new String[0]));
    }

    /** Random changes of every table: new keys, updates and deletes of existing and new ones. */
    static List<String> randomChange(String schema, Random r) {
        int k = 1 + r.nextInt(ROWS * 2);
        return switch (r.nextInt(12)) {
            case 0 -> List.of("INSERT IGNORE INTO " + schema + ".t_int VALUES (" + k + ", 'w" + r.nextInt(1000) + "', " + r.nextInt(99) + ".5)");
            case 1 -> List.of("UPDATE " + schema + ".t_int SET v = 'u" + r.nextInt(1000) + "', n = n + 1 WHERE id = " + k);
            case 2 -> List.of("DELETE FROM " + schema + ".t_int WHERE id = " + k);
            case 3 -> List.of("INSERT IGNORE INTO " + schema + ".t_comp VALUES (" + (k % 17) + ", 'b" + k + "', " + r.nextInt() + ")");
            case 4 -> List.of("UPDATE " + schema + ".t_comp SET v = v + 1 WHERE a = " + (k % 17) + " AND b = 'b" + k + "'");
            case 5 -> List.of("DELETE FROM " + schema + ".t_comp WHERE a = " + (k % 17) + " AND b = 'b" + k + "'");
            case 6 -> List.of("INSERT IGNORE INTO " + schema + ".t_str VALUES ('KEY-" + k + "x', " + k + ", NOW(3))");
            case 7 -> List.of("UPDATE " + schema + ".t_str SET v = v + 7, at = NOW(3) WHERE code = 'key-" + k + "'");
            case 8 -> List.of("DELETE FROM " + schema + ".t_str WHERE code = 'Key-" + k + "'");
            case 9 -> List.of("INSERT IGNORE INTO " + schema + ".t_uniq VALUES (" + k + ", 'u" + k + "', 0)",
                    "UPDATE " + schema + ".t_uniq SET v = v + 1, id = NULL WHERE u = 'u" + (k / 2 + 1) + "'");
            case 10 -> List.of("DELETE FROM " + schema + ".t_uniq WHERE u = 'u" + k + "'");
            default -> List.of("INSERT INTO " + schema + ".t_nokey VALUES (" + (k % 50) + ", 'm" + k + "')",
                    "DELETE FROM " + schema + ".t_nokey WHERE a = " + (k % 50) + " LIMIT 1",
                    "UPDATE " + schema + ".t_nokey SET b = 'x" + k + "' WHERE a = " + ((k + 1) % 50) + " LIMIT 1");
        };
    }

    @ParameterizedTest(name = "chunk size {0}")
    @ValueSource(ints = {1, 7, 1024})
    void viewEqualsTheSourceAfterASnapshotUnderConcurrentWrites(int chunkSize, TestDatabase db) throws Exception {
        createTables(db, "snapinit");
        MaterializedView view = new MaterializedView(TABLES);
        DestinationInstance instance = new DestinationInstance(TestInstances.config(conf, db, "init",
                "canal.instance.filter.regex = snapinit\\\\..*", "sluice.snapshot.mode = initial",
                "sluice.snapshot.chunk.size = " + chunkSize), new MemoryMetaStore("init"), TestInstances.snapshotSources(db));
        try (Writer writer = new Writer(db, chunkSize, r -> randomChange("snapinit", r))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> writer.statements.get() > 50);
            instance.start();
            try (DestinationConsumer consumer = new DestinationConsumer(instance, view, 64)) {
                consumer.delayMillis = 5; // the store fills: the snapshot transaction stays open while the writer writes
                await().atMost(Duration.ofSeconds(120)).until(() -> {
                    consumer.checkHealthy();
                    return view.binlogRowHeaders.size() > 200 && view.snapshotRows.size() == TABLES.length;
                });
                consumer.delayMillis = 0;
                writer.close();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    consumer.checkHealthy();
                    assertThat(view.differences(db)).isEmpty();
                });
            }
        } finally {
            instance.stop();
        }
        assertThat(view.differences(db)).isEmpty();
        assertThat(view.snapshotDuplicates).isEmpty();
        assertThat(view.snapshotRows).containsOnlyKeys("snapinit.t_comp", "snapinit.t_int", "snapinit.t_nokey",
                "snapinit.t_str", "snapinit.t_uniq");
        assertThat(view.snapshotRows.values()).allSatisfy(n -> assertThat(n).isGreaterThan(ROWS / 2));
        // one consistent read: every snapshot row sits at one binlog position, and the stream begins there
        assertThat(view.snapshotPositions.stream().distinct().toList()).hasSize(1);
        String[] p = view.snapshotPositions.get(0).split(":");
        BinlogPosition at = BinlogPosition.of(p[0], Long.parseLong(p[1]));
        for (CanalEntry.Header h : view.binlogRowHeaders) {
            assertThat(BinlogPosition.of(h.getLogfileName(), h.getLogfileOffset())).isGreaterThanOrEqualTo(at);
        }
        // the case-insensitive key was paged in its collation's order, each key once
        List<String> codes = view.snapshotKeyOrder.get("snapinit.t_str");
        assertThat(codes).doesNotHaveDuplicates();
        assertThat(codes).isSortedAccordingTo(String.CASE_INSENSITIVE_ORDER);
    }
}
