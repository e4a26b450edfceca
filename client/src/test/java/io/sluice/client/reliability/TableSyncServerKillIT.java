package io.sluice.client.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.client.table.TableSync;
import io.sluice.client.table.TableSyncSettings;
import io.sluice.testkit.LocalPostgres;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The table sync behind a real Sluice server process reading the private MariaDB's binlog, copying into a private
 * PostgreSQL with {@code sync.create.tables=true} and {@code sync.alter=follow}: the target table does not exist at
 * the start; a writer inserts, updates, re-keys and deletes rows while the source table gets an ADD COLUMN (with a
 * default existing rows take), a DROP COLUMN and a RENAME COLUMN. The server is killed (SIGKILL) twice, once
 * staying down across the ADD COLUMN, and the consumer is restarted once. At the end the target table has the
 * source's columns and equals it row for row, field for field.
 */
@ExtendWith(TestDatabaseExtension.class)
@Timeout(600)
class TableSyncServerKillIT {

    @TempDir
    Path home;

    @Test
    void theTargetEqualsTheSourceThroughAltersAfterTheSluiceServerIsKilledMidStream(TestDatabase db) throws Exception {
        String reason = LocalPostgres.unavailableReason();
        if (reason != null) {
            System.out.println("TableSyncServerKillIT skipped: " + reason);
        }
        assumeTrue(reason == null, reason);
        db.execute("CREATE DATABASE IF NOT EXISTS rel", "DROP TABLE IF EXISTS rel.table_kill",
                "CREATE TABLE rel.table_kill (id INT PRIMARY KEY, v INT NOT NULL, s VARCHAR(20) NULL,"
                        + " d DECIMAL(8,2) NULL)");
        try (LocalPostgres pg = LocalPostgres.launch();
             SluiceProcess server = SluiceProcess.configure(home, db, "rel\\.table_kill", 1000, List.of("-Xmx256m"),
                     Map.of())) {
            server.start();
            Properties p = new Properties();
            p.setProperty("sluice.address", "127.0.0.1:" + server.address().getPort());
            p.setProperty("sluice.destination", SluiceProcess.DESTINATION);
            p.setProperty("sluice.batch.size", "50");
            p.setProperty("target.url", pg.jdbcUrl());
            p.setProperty("target.user", pg.user());
            p.setProperty("sync.tables", "rel.table_kill");
            p.setProperty("sync.alter", "follow");
            p.setProperty("sync.create.tables", "true");
            p.setProperty("sync.retry.backoff.ms", "100");
            p.setProperty("sync.retry.backoff.max.ms", "1000");
            TableSyncSettings settings = TableSyncSettings.fromProperties(p);
            TableSync sync = new TableSync(settings).start();
            try {
                Random r = new Random(2412);
                List<Integer> ids = new ArrayList<>();
                int next = 1;
                String value = "v";
                boolean hasS = true;
                boolean hasW = false;
                try (Connection c = db.connect(); Statement s = c.createStatement()) {
                    for (int i = 0; i < 700; i++) {
                        int op = ids.size() < 5 ? 0 : r.nextInt(6);
                        switch (op) {
                            case 0, 1 -> {
                                ids.add(next);
                                s.execute("INSERT INTO rel.table_kill (id, " + value + (hasS ? ", s" : "")
                                        + (hasW ? ", w" : "") + ", d) VALUES (" + next++ + "," + r.nextInt(1000)
                                        + (hasS ? "," + (r.nextBoolean() ? "NULL" : "'s" + r.nextInt(99) + "'") : "")
                                        + (hasW ? "," + (r.nextInt(4) == 0 ? "NULL" : r.nextInt(50)) : "") + ","
                                        + (r.nextBoolean() ? "NULL" : r.nextInt(100000) / 100.0) + ")");
                            }
                            case 2, 3 -> s.execute("UPDATE rel.table_kill SET " + value + " = " + value + " + 1"
                                    + (hasS ? ", s = 'u" + r.nextInt(9) + "'" : "")
                                    + (hasW ? ", w = " + r.nextInt(50) : "") + ", d = " + r.nextInt(1000) / 10.0
                                    + " WHERE id = " + ids.get(r.nextInt(ids.size())));
                            case 4 -> {
                                int old = ids.remove(r.nextInt(ids.size()));
                                ids.add(next);
                                s.execute("UPDATE rel.table_kill SET id = " + next++ + " WHERE id = " + old);
                            }
                            default -> s.execute("DELETE FROM rel.table_kill WHERE id = "
                                    + ids.remove(r.nextInt(ids.size())));
                        }
                        if (i == 150) {
                            server.kill(); // the writer goes on: the binlog keeps what the server has not read
                        }
                        if (i == 200) {
                            s.execute("ALTER TABLE rel.table_kill ADD COLUMN w INT NULL DEFAULT 7");
                            hasW = true;
                        }
                        if (i == 250) {
                            server.start();
                        }
                        if (i == 320) {
                            s.execute("ALTER TABLE rel.table_kill DROP COLUMN s");
                            hasS = false;
                        }
                        if (i == 360) {
                            sync.close(); // the consumer stops mid-stream; a new one goes on from the last ack
                            sync = new TableSync(settings).start();
                        }
                        if (i == 420) {
                            s.execute("ALTER TABLE rel.table_kill RENAME COLUMN v TO amount");
                            value = "amount";
                        }
                        if (i == 500) {
                            server.kill();
                            server.start();
                        }
                        if (i % 10 == 0) {
                            Thread.sleep(20);
                        }
                    }
                }
                List<String> columns = columns(db);
                assertThat(columns).containsExactly("id", "amount", "d", "w");
                String select = "SELECT " + String.join(", ", columns) + " FROM ";
                List<List<String>> source = rows(db::connect, select + "rel.table_kill ORDER BY id");
                assertThat(source).hasSizeGreaterThan(50);
                TableSync running = sync;
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                        .until(() -> !running.isRunning() || source.equals(targetRows(pg, select)));
                assertThat(sync.failure()).isNull();
                assertThat(targetColumns(pg)).isEqualTo(columns);
                assertThat(rows(pg::connect, select + "table_kill ORDER BY id")).isEqualTo(source);
                assertThat(source).anyMatch(row -> "7".equals(row.get(3))) // rows from before the ADD COLUMN
                        .anyMatch(row -> row.get(3) == null);
            } finally {
                sync.close();
            }
        }
    }

    private static List<String> columns(TestDatabase db) throws SQLException {
        return rows(db::connect, "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'rel'"
                + " AND TABLE_NAME = 'table_kill' ORDER BY ORDINAL_POSITION").stream().map(r -> r.get(0)).toList();
    }

    private static List<String> targetColumns(LocalPostgres pg) throws SQLException {
        return rows(pg::connect, "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public'"
                + " AND table_name = 'table_kill' ORDER BY ordinal_position").stream().map(r -> r.get(0)).toList();
    }

    private static List<List<String>> targetRows(LocalPostgres pg, String select) {
        try {
            return rows(pg::connect, select + "table_kill ORDER BY id");
        } catch (SQLException e) {
            return List.of(); // not created yet, or a column not there yet
        }
    }

    interface Connect {
        Connection get() throws SQLException;
    }

    private static List<List<String>> rows(Connect connect, String sql) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = connect.get(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }
}
