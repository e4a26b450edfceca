package io.sluice.server.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.parser.schema.EveryColumnType;
import io.sluice.server.parser.schema.FileSchemaHistoryStore;
import io.sluice.server.parser.schema.SchemaHistoryState;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Column.mysqlType is the master's COLUMN_TYPE, whether the parser learnt the table from SHOW CREATE TABLE at its
 * start, from a CREATE or ALTER TABLE in the stream, or from its schema history file after a restart — and with
 * canal-compatible values too. The expected types are read from the live server's information_schema.
 */
@ExtendWith(TestDatabaseExtension.class)
@Timeout(240)
class ColumnTypeIT {

    private static final String SCHEMA = "it_coltypes";

    @Test
    void everySourceOfATablesStructureGivesTheMastersColumnTypes(TestDatabase db, @TempDir Path dir) {
        db.execute("DROP DATABASE IF EXISTS " + SCHEMA, "CREATE DATABASE " + SCHEMA,
                EveryColumnType.create(SCHEMA, "before_start"));
        TestDatabase.BinlogCoordinates from = db.masterStatus();
        Map<String, String> beforeStart = EveryColumnType.columnTypes(db, SCHEMA, "before_start");
        Map<String, String> created;
        Map<String, String> altered;
        TestDatabase.BinlogCoordinates restartAt;
        try (LiveParser live = new LiveParser(db, SCHEMA, b -> b.journal(from.file(), from.position()),
                new FileSchemaHistoryStore(dir, "coltypes")).start(null)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> live.parser.status().state() == ParserStatus.State.STREAMING);
            db.execute(EveryColumnType.create(SCHEMA, "after_start"),
                    "INSERT INTO " + SCHEMA + ".after_start (id) VALUES (1)");
            created = EveryColumnType.columnTypes(db, SCHEMA, "after_start");
            db.execute("ALTER TABLE " + SCHEMA + ".after_start ADD COLUMN z_added DOUBLE PRECISION(10,2) UNSIGNED,"
                            + " ADD COLUMN z_serial_like BIGINT UNSIGNED ZEROFILL, MODIFY c_int_w BOOLEAN,"
                            + " MODIFY c_json json",
                    "INSERT INTO " + SCHEMA + ".after_start (id) VALUES (2)",
                    "INSERT INTO " + SCHEMA + ".before_start (id) VALUES (1)");
            altered = EveryColumnType.columnTypes(db, SCHEMA, "after_start");
            live.awaitRows(3);
            restartAt = db.masterStatus();

            Map<String, List<CanalEntry.Column>> rows = rowsByTableAndId(live);
            assertTypes(rows.get("after_start#1"), created, "created in the stream");
            assertTypes(rows.get("after_start#2"), altered, "altered in the stream");
            assertTypes(rows.get("before_start#1"), beforeStart, "read with SHOW CREATE TABLE at the start");
        }
        assertThat(created).as("the test table really uses aliases the master respells")
                .containsEntry("c_bool", "tinyint(1)").containsEntry("c_double_p", "double")
                .containsEntry("c_json", "longtext").containsEntry("c_integer_uz", "int(10) unsigned zerofill");
        List<SchemaHistoryState.TableVersion> versions = new FileSchemaHistoryStore(dir, "coltypes").load().tables()
                .stream().filter(v -> v.table().equals("after_start")).toList();
        assertThat(versions).as("after_start's structures come from the DDL in the stream, not from the master")
                .hasSize(2).allSatisfy(v -> assertThat(v.ddl().toUpperCase(Locale.ROOT)).contains("DOUBLE PRECISION"));

        // a restart after the DDL: the structures come back from the schema history file
        List<SchemaHistoryState.TableVersion> beforeRestart = new FileSchemaHistoryStore(dir, "coltypes").load().tables();
        try (LiveParser again = new LiveParser(db, SCHEMA,
                b -> b.journal(restartAt.file(), restartAt.position()).canalCompatibleValues(true),
                new FileSchemaHistoryStore(dir, "coltypes")).start(null)) {
            db.execute("INSERT INTO " + SCHEMA + ".after_start (id) VALUES (3)",
                    "INSERT INTO " + SCHEMA + ".before_start (id) VALUES (2)");
            again.awaitRows(2);
            Map<String, List<CanalEntry.Column>> rows = rowsByTableAndId(again);
            assertTypes(rows.get("after_start#3"), altered, "replayed from the schema history, canal-compatible values");
            assertTypes(rows.get("before_start#2"), beforeStart, "replayed from the schema history, canal-compatible values");
        }
        // the restart may trim versions no longer in force at its start position, but must add none
        assertThat(new FileSchemaHistoryStore(dir, "coltypes").load().tables())
                .as("no structure was re-read from the master after the restart").isSubsetOf(beforeRestart);
    }

    @Test
    void aTableCreatedWhileStreamingIsSpeltLikeOneReadAtTheStart(TestDatabase db) {
        String ddl = " (id INT PRIMARY KEY, flag TINYINT, qty INT UNSIGNED, name VARCHAR(100), price DECIMAL(10,2),"
                + " born YEAR, doc JSON)";
        db.execute("DROP DATABASE IF EXISTS it_coltypes_plain", "CREATE DATABASE it_coltypes_plain",
                "CREATE TABLE it_coltypes_plain.read_at_start" + ddl);
        TestDatabase.BinlogCoordinates from = db.masterStatus();
        try (LiveParser live = new LiveParser(db, "it_coltypes_plain", b -> b.journal(from.file(), from.position()))
                .start(null)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> live.parser.status().state() == ParserStatus.State.STREAMING);
            db.execute("CREATE TABLE it_coltypes_plain.created_later" + ddl,
                    "INSERT INTO it_coltypes_plain.created_later (id) VALUES (1)",
                    "INSERT INTO it_coltypes_plain.read_at_start (id) VALUES (1)");
            live.awaitRows(2);
            Map<String, List<CanalEntry.Column>> rows = rowsByTableAndId(live);
            assertTypes(rows.get("created_later#1"),
                    EveryColumnType.columnTypes(db, "it_coltypes_plain", "created_later"), "created while streaming");
            assertTypes(rows.get("read_at_start#1"),
                    EveryColumnType.columnTypes(db, "it_coltypes_plain", "read_at_start"), "read at the start");
        }
    }

    private static Map<String, List<CanalEntry.Column>> rowsByTableAndId(LiveParser live) {
        Map<String, List<CanalEntry.Column>> rows = new LinkedHashMap<>();
        live.rowEntries().forEach(e -> e.rowChange().getRowDatasList().forEach(r -> rows.put(
                e.table() + "#" + LiveParser.value(r.getAfterColumnsList(), "id"), r.getAfterColumnsList())));
        return rows;
    }

    private static void assertTypes(List<CanalEntry.Column> columns, Map<String, String> expected, String source) {
        assertThat(columns).as(source).isNotNull();
        Map<String, String> actual = new LinkedHashMap<>();
        columns.forEach(c -> actual.put(c.getName(), c.getMysqlType()));
        assertThat(actual).as(source).containsExactlyEntriesOf(expected);
    }
}
