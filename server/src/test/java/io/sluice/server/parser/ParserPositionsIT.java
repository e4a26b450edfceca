package io.sluice.server.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.parser.schema.MemorySchemaHistoryStore;
import io.sluice.server.position.ResumePoint;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Start positions, schema history across a catch-up, and reconnects, against the private MariaDB. */
@ExtendWith(TestDatabaseExtension.class)
class ParserPositionsIT {

    private static List<String> ids(LiveParser live) {
        return live.rows().stream().map(r -> LiveParser.value(
                r.getAfterColumnsCount() > 0 ? r.getAfterColumnsList() : r.getBeforeColumnsList(), "id")).toList();
    }

    @Test
    void rowsWrittenBeforeAnAlterInTheCatchUpRangeKeepTheirOldColumns(TestDatabase db) {
        db.execute("DROP DATABASE IF EXISTS it_alter", "CREATE DATABASE it_alter",
                "CREATE TABLE it_alter.t (id INT PRIMARY KEY, name VARCHAR(20))");
        MemorySchemaHistoryStore store = new MemorySchemaHistoryStore();
        ResumePoint stoppedAt;
        try (LiveParser first = new LiveParser(db, "it_alter", b -> { }, store).start(null)) {
            org.awaitility.Awaitility.await().until(() -> first.parser.status().state() == ParserStatus.State.STREAMING);
            db.execute("INSERT INTO it_alter.t VALUES (1, 'one')");
            first.awaitRows(1);
            stoppedAt = first.parser.status().lastPut();
        }
        // while the parser is down: rows, an ALTER, more rows
        db.execute("INSERT INTO it_alter.t VALUES (2, 'two')",
                "ALTER TABLE it_alter.t ADD COLUMN email VARCHAR(50) AFTER id, CHANGE name full_name VARCHAR(30)",
                "INSERT INTO it_alter.t VALUES (3, 'c@x', 'three')");
        List<List<String>> names;
        try (LiveParser second = new LiveParser(db, "it_alter", b -> { }, store).start(stoppedAt)) {
            second.awaitRows(2);
            names = second.rows().stream().map(r -> r.getAfterColumnsList().stream().map(CanalEntry.Column::getName).toList()).toList();
            assertThat(names).containsExactly(List.of("id", "name"), List.of("id", "email", "full_name"));
            assertThat(LiveParser.value(second.rows().get(1).getAfterColumnsList(), "full_name")).isEqualTo("three");
            assertThat(second.sink.snapshot()).anyMatch(e -> e.payload() instanceof CanalEntry.RowChange rc
                    && rc.getIsDdl() && rc.getEventType() == CanalEntry.EventType.ALTER && e.table().equals("t"));
        }
        // and once more from the same old point, now that the history has the ALTER: the versions take it back
        try (LiveParser third = new LiveParser(db, "it_alter", b -> { }, store).start(stoppedAt)) {
            third.awaitRows(2);
            assertThat(third.rows().get(0).getAfterColumnsList()).extracting(CanalEntry.Column::getName)
                    .containsExactly("id", "name");
        }
    }

    @Test
    void aDdlTheSqlParserCannotReadMakesTheTableBeReReadFromTheMaster(TestDatabase db) {
        db.execute("DROP DATABASE IF EXISTS it_unparsed", "CREATE DATABASE it_unparsed",
                "CREATE TABLE it_unparsed.t (id INT PRIMARY KEY, name VARCHAR(20))");
        try (LiveParser live = new LiveParser(db, "it_unparsed", b -> { }).start(null)) {
            org.awaitility.Awaitility.await().until(() -> live.parser.status().state() == ParserStatus.State.STREAMING);
            // MariaDB's IF EXISTS on CHANGE is outside Druid's grammar; same column count and type, new name
            db.execute("ALTER TABLE it_unparsed.t CHANGE COLUMN IF EXISTS name full_name VARCHAR(20)",
                    "INSERT INTO it_unparsed.t VALUES (1, 'one')");
            live.awaitRows(1);
            assertThat(live.rows().get(0).getAfterColumnsList()).extracting(CanalEntry.Column::getName)
                    .containsExactly("id", "full_name");
            assertThat(live.sink.snapshot()).anyMatch(e -> e.payload() instanceof CanalEntry.RowChange rc && rc.getIsDdl()
                    && rc.getSql().contains("IF EXISTS"));
            assertThat(live.parser.isRunning()).isTrue();
        }
    }

    @Test
    void theParserReconnectsAfterTheMasterRestartsAndDeliversEveryRowOnce(TestDatabase db) {
        db.execute("DROP DATABASE IF EXISTS it_restart", "CREATE DATABASE it_restart",
                "CREATE TABLE it_restart.t (id INT PRIMARY KEY)");
        try (LiveParser live = new LiveParser(db, "it_restart", b -> { }).start(null)) {
            org.awaitility.Awaitility.await().until(() -> live.parser.status().state() == ParserStatus.State.STREAMING);
            db.execute("INSERT INTO it_restart.t VALUES (1)", "INSERT INTO it_restart.t VALUES (2)");
            live.awaitRows(2);
            db.restart();
            db.execute("INSERT INTO it_restart.t VALUES (3)", "INSERT INTO it_restart.t VALUES (4)");
            live.awaitRows(4);
            assertThat(ids(live)).containsExactly("1", "2", "3", "4");
            assertThat(live.parser.status().reconnects()).isPositive();
            assertThat(live.parser.isRunning()).isTrue();
        }
    }

    @Test
    void startsFromAGtidSet(TestDatabase db) {
        db.execute("DROP DATABASE IF EXISTS it_gtid", "CREATE DATABASE it_gtid",
                "CREATE TABLE it_gtid.t (id INT PRIMARY KEY)", "INSERT INTO it_gtid.t VALUES (1)");
        String executed = db.query("SELECT @@gtid_binlog_pos AS p").get(0).get("p");
        db.execute("INSERT INTO it_gtid.t VALUES (2)", "INSERT INTO it_gtid.t VALUES (3)");
        try (LiveParser live = new LiveParser(db, "it_gtid", b -> b.gtidMode(true).journalGtid(executed)).start(null)) {
            live.awaitRows(2);
            assertThat(ids(live)).containsExactly("2", "3");
            ParsedEntry row = live.rowEntries().get(0);
            assertThat(row.header().getGtid()).isNotEmpty();
            assertThat(row.header().getPropsList()).anyMatch(p -> p.getKey().equals("curtGtid"));
            // resuming by the GTID set before that transaction re-reads it
            assertThat(row.resume().position().gtidSet()).isEqualTo(executed);
        }
    }

    @Test
    void startsFromTheFirstTransactionAtOrAfterATimestamp(TestDatabase db) throws Exception {
        db.execute("DROP DATABASE IF EXISTS it_ts", "CREATE DATABASE it_ts",
                "CREATE TABLE it_ts.t (id INT PRIMARY KEY)", "INSERT INTO it_ts.t VALUES (1)");
        Thread.sleep(1100); // binlog timestamps have one-second resolution
        long at = Long.parseLong(db.query("SELECT UNIX_TIMESTAMP() AS t").get(0).get("t")) * 1000;
        db.execute("INSERT INTO it_ts.t VALUES (2)", "INSERT INTO it_ts.t VALUES (3)");
        try (LiveParser live = new LiveParser(db, "it_ts", b -> b.journalTimestamp(at)).start(null)) {
            live.awaitRows(2);
            assertThat(ids(live)).containsExactly("2", "3");
            assertThat(live.rowEntries().get(0).header().getExecuteTime()).isGreaterThanOrEqualTo(at);
        }
    }
}
