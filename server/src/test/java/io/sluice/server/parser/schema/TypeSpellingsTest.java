package io.sluice.server.parser.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TypeSpellingsTest {

    @Test
    void typeSpellingsDruidLacksBecomeTheServersTypes() {
        assertThat(TypeSpellings.rewrite("CREATE TABLE t (a LONG VARCHAR, b long varbinary, c LONG, d CHAR VARYING(3),"
                + " e national char varying(4), f NCHAR VARCHAR(5), g long char varying)"))
                .isEqualTo("CREATE TABLE t (a MEDIUMTEXT, b MEDIUMBLOB, c MEDIUMTEXT, d VARCHAR(3),"
                        + " e NATIONAL VARCHAR(4), f NATIONAL VARCHAR(5), g MEDIUMTEXT)");
    }

    @Test
    void quotedTextAndCommentsAreLeftAlone() {
        String sql = "CREATE TABLE t (`long` INT COMMENT 'LONG VARCHAR', b INT /* LONG */ DEFAULT 1) -- LONG\n";
        assertThat(TypeSpellings.rewrite(sql)).isSameAs(sql);
    }

    @Test
    void visibilityAttributesGoButColumnsNamedSoStay() {
        assertThat(TypeSpellings.rewrite("CREATE TABLE t1 (f1 INT UNSIGNED INVISIBLE, f2 INT(5) INVISIBLE NOT NULL,"
                + " visible INT, invisible TEXT VISIBLE)"))
                .isEqualTo("CREATE TABLE t1 (f1 INT UNSIGNED , f2 INT(5)  NOT NULL, visible INT, invisible TEXT )");
        assertThat(TypeSpellings.rewrite("ALTER TABLE t ADD COLUMN invisible INT, DROP COLUMN visible"))
                .isEqualTo("ALTER TABLE t ADD COLUMN invisible INT, DROP COLUMN visible");
    }

    @Test
    void aRewrittenDdlUpdatesTheModel() {
        SchemaHistory history = new SchemaHistory(new MemorySchemaHistoryStore());
        history.useServerVersion("8.0.26");
        assertThat(history.apply(io.sluice.server.position.BinlogPosition.of("b.000001", 100), "s",
                "CREATE TABLE t (f1 INT UNSIGNED INVISIBLE, f2 LONG VARCHAR, f3 CHAR VARYING(3))").understood()).isTrue();
        assertThat(history.find("s", "t").columns()).extracting(ColumnDef::mysqlType)
                .containsExactly("int unsigned", "mediumtext", "varchar(3)");
    }
}
