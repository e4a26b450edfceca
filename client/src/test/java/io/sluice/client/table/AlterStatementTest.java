package io.sluice.client.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.client.table.AlterStatement.Add;
import io.sluice.client.table.AlterStatement.Drop;
import io.sluice.client.table.AlterStatement.Harmless;
import io.sluice.client.table.AlterStatement.Other;
import io.sluice.client.table.AlterStatement.Rename;
import io.sluice.client.table.AlterStatement.Retype;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AlterStatementTest {

    @Test
    void columnChangesAreReadWithTheirTypeAndTheDefaultExistingRowsTake() {
        assertThat(AlterStatement.parse("ALTER TABLE `shop`.`t` ADD COLUMN w INT UNSIGNED NULL DEFAULT 7 AFTER v,"
                + " ADD `note x` VARCHAR(20) CHARACTER SET utf8mb4 NOT NULL, DROP COLUMN IF EXISTS s,"
                + " RENAME COLUMN v TO amount, MODIFY qty DECIMAL(10, 2) NOT NULL, CHANGE COLUMN a b ENUM('x','y')"))
                .containsExactly(new Add("w", "int unsigned", "7"), new Add("note x", "varchar(20)", "''"),
                        new Drop("s"), new Rename("v", "amount"), new Retype("qty", "qty", "decimal(10,2)"),
                        new Retype("a", "b", "enum('x','y')"));
        assertThat(AlterStatement.parse("alter table t add c datetime(3) default '2020-01-01 00:00:00' comment 'x';"))
                .containsExactly(new Add("c", "datetime(3)", "'2020-01-01 00:00:00'"));
        assertThat(AlterStatement.parse("ALTER TABLE t ADD d DOUBLE NOT NULL DEFAULT -1.5"))
                .containsExactly(new Add("d", "double", "-1.5"));
    }

    @Test
    void keysPartitionsTableRenamesAndComputedDefaultsAreNotFollowed() {
        assertThat(AlterStatement.parse("ALTER TABLE t ADD INDEX i (v), DROP PRIMARY KEY")).allMatch(c -> c instanceof Other);
        assertThat(AlterStatement.parse("ALTER TABLE t ADD COLUMN c DATETIME DEFAULT CURRENT_TIMESTAMP"))
                .singleElement().isInstanceOf(Other.class);
        assertThat(AlterStatement.parse("ALTER TABLE t ADD COLUMN k INT PRIMARY KEY")).singleElement().isInstanceOf(Other.class);
        assertThat(AlterStatement.parse("ALTER TABLE t RENAME TO u")).singleElement().isInstanceOf(Other.class);
        assertThat(AlterStatement.parse("ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4")).singleElement()
                .isInstanceOf(Other.class);
        assertThat(AlterStatement.parse("ALTER TABLE t ADD COLUMN g DATE NOT NULL")).singleElement()
                .isInstanceOf(Other.class); // existing rows would take 0000-00-00
        assertThat(AlterStatement.parse("CREATE INDEX i ON t (v)")).singleElement().isInstanceOf(Other.class);
        assertThat(AlterStatement.parse("ALTER TABLE t ALTER COLUMN v SET DEFAULT 3, COMMENT 'c', ALGORITHM=INPLACE"))
                .allMatch(c -> c instanceof Harmless).hasSize(3);
    }

    @Test
    void typesMapAsDocumentedAndCompareAsTheCatalogSpellsThem() {
        SqlDialect pg = SqlDialect.POSTGRESQL;
        assertThat(List.of("int(11)", "int(10) unsigned", "bigint(20) unsigned", "tinyint(1)", "decimal(8,2)",
                "varchar(20)", "datetime(3)", "time", "enum('a','b')", "varbinary(16)", "longtext", "json", "bit(64)",
                "inet6", "year(4)", "char(3)").stream().map(t -> TargetTypes.of(pg, t)))
                .containsExactly("integer", "bigint", "numeric(20)", "smallint", "numeric(8,2)", "varchar(20)",
                        "timestamp(3)", "interval", "text", "bytea", "text", "jsonb", "numeric(20)", "inet", "smallint",
                        "char(3)");
        assertThat(TargetTypes.of(pg, "vector(3)")).isNull();
        assertThat(TargetTypes.of(SqlDialect.MYSQL, "int(10) unsigned")).isEqualTo("int(10) unsigned");
        assertThat(TargetTypes.canonical(pg, "varchar(20)")).isEqualTo(TargetTypes.canonical(pg, "character varying(20)"));
        assertThat(TargetTypes.canonical(pg, "numeric(20)")).isEqualTo("numeric(20,0)");
        assertThat(TargetTypes.canonical(pg, "timestamp(3)")).isEqualTo("timestamp(3) without time zone");
        assertThat(TargetTypes.canonical(SqlDialect.MYSQL, "int(11)")).isEqualTo(TargetTypes.canonical(SqlDialect.MYSQL, "INT"));
        assertThat(TargetTypes.canonical(pg, "bigint")).isNotEqualTo(TargetTypes.canonical(pg, "integer"));
    }
}
