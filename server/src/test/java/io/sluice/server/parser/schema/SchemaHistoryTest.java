package io.sluice.server.parser.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.protocol.entry.CanalEntry.EventType;
import io.sluice.server.position.BinlogPosition;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaHistoryTest {

    private static BinlogPosition at(long offset) {
        return BinlogPosition.of("mysql-bin.000001", offset);
    }

    @Test
    void restartAtAnOldPositionDecodesWithTheStructureOfThatTime(@TempDir Path dir) {
        FileSchemaHistoryStore store = new FileSchemaHistoryStore(dir, "example");
        SchemaHistory history = new SchemaHistory(store);
        history.apply(at(200), "shop", "CREATE DATABASE shop CHARACTER SET latin1");
        history.apply(at(300), "shop", "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(10))");
        history.apply(at(500), "shop", "ALTER TABLE t ADD COLUMN price DECIMAL(10,2) UNSIGNED");
        history.apply(at(700), "shop", "ALTER TABLE t CHANGE name title VARCHAR(20) CHARACTER SET utf8mb4");
        assertThat(Files.exists(store.file())).isTrue();

        SchemaHistory reopened = new SchemaHistory(new FileSchemaHistoryStore(dir, "example"));
        assertThat(reopened.find("shop", "t").columns()).extracting(ColumnDef::name).containsExactly("id", "title", "price");

        reopened.rewindTo(at(600));
        TableStructure then = reopened.find("shop", "t");
        assertThat(then.columns()).extracting(ColumnDef::name).containsExactly("id", "name", "price");
        assertThat(then.column(1).charset()).as("database default charset").isEqualTo("latin1");
        assertThat(then.column(2).mysqlType()).isEqualTo("decimal(10,2) unsigned");
        assertThat(then.column(0).key()).isTrue();

        // the rewind is persisted: versions after the restart point are re-learnt from the stream
        SchemaHistory again = new SchemaHistory(new FileSchemaHistoryStore(dir, "example"));
        assertThat(again.find("shop", "t").columns()).extracting(ColumnDef::name).containsExactly("id", "name", "price");
        again.rewindTo(at(300));
        assertThat(again.find("shop", "t").columns()).extracting(ColumnDef::name).containsExactly("id", "name");
        again.rewindTo(at(250));
        assertThat(again.find("shop", "t")).isNull();
    }

    @Test
    void structuresReadFromTheMasterAreKeptAtTheirPosition() {
        SchemaHistory history = new SchemaHistory(new MemorySchemaHistoryStore());
        history.seedDatabase(at(4), "shop", "utf8mb4");
        TableStructure t = history.seedTable(at(4), "shop", "t", "CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n"
                + "  `flag` enum('y','n') DEFAULT NULL,\n  `raw` binary(16) DEFAULT NULL,\n  PRIMARY KEY (`id`)\n"
                + ") ENGINE=InnoDB DEFAULT CHARSET=latin1");
        assertThat(t.columns()).extracting(ColumnDef::mysqlType).containsExactly("int(11)", "enum('y','n')", "binary(16)");
        assertThat(t.column(0).key()).isTrue();
        assertThat(t.column(1).labels()).containsExactly("y", "n");
        assertThat(t.column(1).charset()).isEqualTo("latin1");
        assertThat(t.column(2).charset()).isEqualTo("binary");
        history.rewindTo(at(4));
        assertThat(history.find("shop", "t")).isNotNull();
    }

    @Test
    void renamesDropsAndUnparseableStatementsAreReported() {
        SchemaHistory history = new SchemaHistory(new MemorySchemaHistoryStore());
        history.apply(at(100), "a", "CREATE TABLE x (id INT)");
        SchemaHistory.DdlApplication rename = history.apply(at(200), "a", "RENAME TABLE x TO y");
        assertThat(rename.targets()).singleElement().satisfies(t -> {
            assertThat(t.type()).isEqualTo(EventType.RENAME);
            assertThat(t.oldTable()).isEqualTo("x");
            assertThat(t.table()).isEqualTo("y");
        });
        assertThat(history.find("a", "x")).isNull();
        assertThat(history.find("a", "y")).isNotNull();
        history.apply(at(300), "a", "DROP TABLE y");
        assertThat(history.find("a", "y")).isNull();
        assertThat(history.apply(at(400), "a", "CREATE FUNCTION f() RETURNS INT DETERMINISTIC RETURN 1 +").understood())
                .isFalse();
    }

    @Test
    void aStructureReadAheadOfTheStreamIsProvenOnlyFromWhereTheMasterWas() {
        SchemaHistory history = new SchemaHistory(new MemorySchemaHistoryStore());
        history.seedTable(at(100), "shop", "t", "CREATE TABLE t (id INT, a INT)", at(900));
        assertThat(history.provenAt("shop", "t", at(500))).isFalse();
        assertThat(history.provenAt("shop", "t", at(900))).isTrue();
        // a DDL before the master's position: the read already saw the table after it, so the read stays
        history.apply(at(400), "shop", "ALTER TABLE t ADD COLUMN b INT");
        assertThat(history.find("shop", "t").columns()).extracting(ColumnDef::name).containsExactly("id", "a");
        assertThat(history.provenAt("shop", "t", at(500))).isFalse();
        assertThat(history.provenAt("shop", "t", at(900))).isTrue();
        // read where the master's position is unknown: proven nowhere, and so is what a DDL makes of it
        history.seedTable(at(1000), "shop", "v", "CREATE TABLE v (id INT)", null);
        history.apply(at(1100), "shop", "ALTER TABLE v ADD COLUMN b INT");
        assertThat(history.proof("shop", "v")).isEqualTo(TableProof.NEVER);
        assertThat(history.provenAt("shop", "v", at(2000))).isFalse();
        // a CREATE TABLE is its own proof; a read at the stream's position is proven at once
        history.apply(at(2100), "shop", "CREATE TABLE u (id INT)");
        assertThat(history.provenAt("shop", "u", at(2100))).isTrue();
        history.seedTable(at(2200), "shop", "t", "CREATE TABLE t (id INT)", at(2200));
        assertThat(history.provenAt("shop", "t", at(2200))).isTrue();
        history.apply(at(2300), "shop", "ALTER TABLE t ADD COLUMN c INT");
        assertThat(history.proof("shop", "t")).isNull();
    }

    @Test
    void theProofOfEachVersionSurvivesARestartAndARewind(@TempDir Path dir) {
        SchemaHistory history = new SchemaHistory(new FileSchemaHistoryStore(dir, "example"));
        history.seedTable(at(100), "shop", "t", "CREATE TABLE t (id INT, a INT)", at(900));
        history.apply(at(1000), "shop", "ALTER TABLE t ADD COLUMN b INT");
        SchemaHistory reopened = new SchemaHistory(new FileSchemaHistoryStore(dir, "example"));
        assertThat(reopened.provenAt("shop", "t", at(1000))).isTrue();
        reopened.rewindTo(at(500));
        assertThat(reopened.find("shop", "t").columns()).extracting(ColumnDef::name).containsExactly("id", "a");
        assertThat(reopened.provenAt("shop", "t", at(500))).isFalse();
        assertThat(reopened.provenAt("shop", "t", at(950))).isTrue();
    }

    @Test
    void versionsNoLaterStartCanNeedAreForgotten() {
        MemorySchemaHistoryStore store = new MemorySchemaHistoryStore();
        SchemaHistory history = new SchemaHistory(store);
        history.seedDatabase(at(4), "shop", "utf8mb4");
        history.apply(at(100), "shop", "CREATE TABLE t (id INT)");
        history.apply(at(200), "shop", "ALTER TABLE t ADD COLUMN a INT");
        history.apply(at(300), "shop", "CREATE TABLE gone (id INT)");
        history.apply(at(400), "shop", "DROP TABLE gone");
        history.apply(at(600), "shop", "ALTER TABLE t ADD COLUMN b INT");
        history.forgetBefore(at(500));
        assertThat(store.load().tables()).extracting(SchemaHistoryState.TableVersion::offset).containsExactly(200L, 600L);
        assertThat(store.load().databases()).hasSize(1);
        history.rewindTo(at(500));
        assertThat(history.find("shop", "t").columns()).extracting(ColumnDef::name).containsExactly("id", "a");
        assertThat(history.find("shop", "gone")).isNull();
    }
}
