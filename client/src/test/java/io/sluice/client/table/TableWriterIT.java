package io.sluice.client.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.testkit.LocalPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link TableWriter} against a private PostgreSQL: one transaction per batch, replay-safe, clear refusals. */
@Timeout(120)
class TableWriterIT {

    private static final TargetTable T = new TargetTable("s", "t", "t", Map.of(), TargetTable.Alter.STOP);

    private static RowChange.Value v(String text) {
        return new RowChange.Value(text, false);
    }

    private static RowChange upsert(String id, String value) {
        return new RowChange.Upsert(T, List.of("id", "v"), List.of(v(id), v(value)), List.of("id"), List.of(v(id)));
    }

    private static RowChange delete(String id) {
        return new RowChange.Delete(T, List.of("id"), List.of(v(id)));
    }

    private static TableSyncSettings settings(LocalPostgres pg) {
        Properties p = new Properties();
        p.setProperty("sluice.address", "127.0.0.1:1");
        p.setProperty("sluice.destination", "w");
        p.setProperty("target.url", pg.jdbcUrl());
        p.setProperty("target.user", pg.user());
        p.setProperty("sync.tables", "s.t");
        return TableSyncSettings.fromProperties(p);
    }

    @Test
    void aBatchAppliedTwiceLeavesTheSameTableAndAFailedOneLeavesNothing() throws Exception {
        String reason = LocalPostgres.unavailableReason();
        assumeTrue(reason == null, reason);
        try (LocalPostgres pg = LocalPostgres.launch(); TableWriter writer = new TableWriter(settings(pg))) {
            try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id integer PRIMARY KEY, v varchar(5) NOT NULL)");
            }
            // the same key twice in one run of upserts, a delete between upserts, a key given up and taken again
            List<RowChange> batch = List.of(upsert("1", "a"), upsert("2", "b"), upsert("1", "c"), upsert("3", "d"),
                    delete("2"), upsert("4", "e"), upsert("2", "f"), upsert("4", "g"), delete("3"));
            writer.apply(batch);
            List<List<String>> once = TableSyncIT.rows(pg::connect, "SELECT id, v FROM t ORDER BY id");
            assertThat(once).containsExactly(List.of("1", "c"), List.of("2", "f"), List.of("4", "g"));
            writer.apply(batch);
            assertThat(TableSyncIT.rows(pg::connect, "SELECT id, v FROM t ORDER BY id")).isEqualTo(once);

            // a row the target refuses: nothing of the batch stays, and the error names the table and key
            assertThatThrownBy(() -> writer.apply(List.of(upsert("5", "h"), delete("1"), upsert("6", "too long"))))
                    .isInstanceOf(TargetWriteException.class).hasMessageContaining("table t key id=6")
                    .hasMessageContaining("22001");
            assertThat(TableSyncIT.rows(pg::connect, "SELECT id, v FROM t ORDER BY id")).isEqualTo(once);

            writer.apply(List.of(new RowChange.Truncate(T), upsert("7", "i")));
            assertThat(TableSyncIT.rows(pg::connect, "SELECT id, v FROM t ORDER BY id")).containsExactly(List.of("7", "i"));
        }
    }

    /**
     * alter=follow: a batch holding rows, a RENAME COLUMN and rows of the new shape, applied twice (a crash between
     * commit and ack), and then replayed from an earlier batch (a server that lost acks): the rows from before the
     * rename, whose column no longer exists, are skipped; the table stays the same.
     */
    @Test
    void batchesReplayedAcrossAFollowedColumnChangeLeaveTheSameTable() throws Exception {
        String reason = LocalPostgres.unavailableReason();
        assumeTrue(reason == null, reason);
        TargetTable f = new TargetTable("s", "t", "t", Map.of(), TargetTable.Alter.FOLLOW);
        Properties p = new Properties();
        try (LocalPostgres pg = LocalPostgres.launch()) {
            p.setProperty("sluice.address", "127.0.0.1:1");
            p.setProperty("sluice.destination", "w");
            p.setProperty("target.url", pg.jdbcUrl());
            p.setProperty("target.user", pg.user());
            p.setProperty("sync.tables", "s.t");
            p.setProperty("sync.alter", "follow");
            try (TableWriter writer = new TableWriter(TableSyncSettings.fromProperties(p))) {
                try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE t (id integer PRIMARY KEY, v varchar(5))");
                }
                List<RowChange> first = List.of(row(f, "v", "1", "a", 100), row(f, "v", "2", "b", 200));
                List<RowChange> second = List.of(row(f, "v", "1", "c", 300),
                        new RowChange.AddColumn(f, "w", "integer", "7", "ADD COLUMN w", at(400)),
                        new RowChange.RenameColumn(f, "v", "amount", "RENAME COLUMN v TO amount", at(500)),
                        row(f, "amount", "2", "d", 600));
                writer.apply(first);
                writer.apply(second);
                List<List<String>> expected = List.of(List.of("1", "c", "7"), List.of("2", "d", "7"));
                String select = "SELECT id, amount, w FROM t ORDER BY id";
                assertThat(TableSyncIT.rows(pg::connect, select)).isEqualTo(expected);
                writer.apply(second);
                assertThat(TableSyncIT.rows(pg::connect, select)).isEqualTo(expected);
                writer.apply(first);
                writer.apply(second);
                assertThat(TableSyncIT.rows(pg::connect, select)).isEqualTo(expected);
                assertThat(TableSyncIT.rows(pg::connect, "SELECT target_table, binlog_file, binlog_offset FROM "
                        + TableWriter.DDL_TABLE)).containsExactly(List.of("t", "mysql-bin.000001", "500"));
            }
        }
    }

    private static SourcePosition at(long offset) {
        return new SourcePosition("mysql-bin.000001", offset);
    }

    private static RowChange row(TargetTable t, String column, String id, String value, long offset) {
        return new RowChange.Upsert(t, List.of("id", column), List.of(v(id), v(value)), List.of("id"), List.of(v(id)),
                List.of(), at(offset));
    }
}
