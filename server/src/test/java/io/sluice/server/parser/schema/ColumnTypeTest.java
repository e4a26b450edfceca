package io.sluice.server.parser.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.server.position.BinlogPosition;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * mysqlType is the master's COLUMN_TYPE whatever the DDL's spelling, for each flavour and version. The expected
 * strings are what MariaDB 10.11, MySQL 5.7 and MySQL 8.0.19+ print in information_schema.COLUMNS.COLUMN_TYPE
 * (the MariaDB ones are also checked against a live server in BinlogParserIT).
 */
@Timeout(30)
class ColumnTypeTest {

    private static final String MARIADB = "10.11.19-MariaDB-0+deb12u1-log";
    private static final String MYSQL57 = "5.7.44-log";
    private static final String MYSQL8 = "8.0.36";

    /** column definition → [MariaDB and MySQL < 8.0.19, MySQL ≥ 8.0.19] */
    private static final String[][] CASES = {
            {"TINYINT", "tinyint(4)", "tinyint"},
            {"tinyint unsigned", "tinyint(3) unsigned", "tinyint unsigned"},
            {"TINYINT(1)", "tinyint(1)", "tinyint(1)"},
            {"tinyint(1) unsigned", "tinyint(1) unsigned", "tinyint unsigned"},
            {"BOOL", "tinyint(1)", "tinyint(1)"},
            {"BOOLEAN", "tinyint(1)", "tinyint(1)"},
            {"SMALLINT", "smallint(6)", "smallint"},
            {"smallint UNSIGNED", "smallint(5) unsigned", "smallint unsigned"},
            {"MEDIUMINT", "mediumint(9)", "mediumint"},
            {"MIDDLEINT UNSIGNED", "mediumint(8) unsigned", "mediumint unsigned"},
            {"INT", "int(11)", "int"},
            {"INTEGER", "int(11)", "int"},
            {"INT4 unsigned", "int(10) unsigned", "int unsigned"},
            {"INT(5)", "int(5)", "int"},
            {"int signed", "int(11)", "int"},
            {"INTEGER UNSIGNED ZEROFILL", "int(10) unsigned zerofill", "int(10) unsigned zerofill"},
            {"int(4) zerofill", "int(4) unsigned zerofill", "int(4) unsigned zerofill"},
            {"BIGINT", "bigint(20)", "bigint"},
            {"INT8 UNSIGNED", "bigint(20) unsigned", "bigint unsigned"},
            {"SERIAL", "bigint(20) unsigned", "bigint unsigned"},
            {"INT1", "tinyint(4)", "tinyint"},
            {"INT2", "smallint(6)", "smallint"},
            {"INT3", "mediumint(9)", "mediumint"},
            {"DECIMAL", "decimal(10,0)", "decimal(10,0)"},
            {"NUMERIC(5)", "decimal(5,0)", "decimal(5,0)"},
            {"DEC(10, 2) UNSIGNED", "decimal(10,2) unsigned", "decimal(10,2) unsigned"},
            {"FIXED(7,3)", "decimal(7,3)", "decimal(7,3)"},
            {"FLOAT", "float", "float"},
            {"FLOAT(24)", "float", "float"},
            {"FLOAT(25)", "double", "double"},
            {"float(7,3) unsigned zerofill", "float(7,3) unsigned zerofill", "float(7,3) unsigned zerofill"},
            {"FLOAT4", "float", "float"},
            {"FLOAT8", "double", "double"},
            {"DOUBLE", "double", "double"},
            {"DOUBLE PRECISION", "double", "double"},
            {"REAL", "double", "double"},
            {"REAL(10,2)", "double(10,2)", "double(10,2)"},
            {"BIT", "bit(1)", "bit(1)"},
            {"BIT(10)", "bit(10)", "bit(10)"},
            {"DATE", "date", "date"},
            {"TIME", "time", "time"},
            {"TIME(6)", "time(6)", "time(6)"},
            {"DATETIME(0)", "datetime", "datetime"},
            {"DATETIME(3)", "datetime(3)", "datetime(3)"},
            {"TIMESTAMP(6) NULL", "timestamp(6)", "timestamp(6)"},
            {"YEAR", "year(4)", "year"},
            {"YEAR(4)", "year(4)", "year"},
            {"CHAR", "char(1)", "char(1)"},
            {"CHARACTER(4)", "char(4)", "char(4)"},
            {"NATIONAL CHAR(3)", "char(3)", "char(3)"},
            {"NCHAR", "char(1)", "char(1)"},
            {"VARCHAR(100) CHARACTER SET latin1 COLLATE latin1_bin", "varchar(100)", "varchar(100)"},
            {"CHARACTER VARYING(20)", "varchar(20)", "varchar(20)"},
            {"CHAR VARYING(21)", "varchar(21)", "varchar(21)"},
            {"NVARCHAR(5)", "varchar(5)", "varchar(5)"},
            {"NATIONAL VARCHAR(6)", "varchar(6)", "varchar(6)"},
            {"NCHAR VARCHAR(7)", "varchar(7)", "varchar(7)"},
            {"CHAR(10) BINARY", "char(10)", "char(10)"},
            {"CHAR(10) CHARACTER SET binary", "binary(10)", "binary(10)"},
            {"BINARY", "binary(1)", "binary(1)"},
            {"VARBINARY(16)", "varbinary(16)", "varbinary(16)"},
            {"TEXT", "text", "text"},
            {"TEXT(60)", "tinytext", "tinytext"},
            {"TEXT(100)", "text", "text"},
            {"TEXT(100) CHARACTER SET latin1", "tinytext", "tinytext"},
            {"BLOB(300)", "blob", "blob"},
            {"BLOB(200)", "tinyblob", "tinyblob"},
            {"LONG VARCHAR", "mediumtext", "mediumtext"},
            {"LONG", "mediumtext", "mediumtext"},
            {"LONG VARBINARY", "mediumblob", "mediumblob"},
            {"MEDIUMTEXT", "mediumtext", "mediumtext"},
            {"ENUM('a', 'b')", "enum('a','b')", "enum('a','b')"},
            {"enum('it''s', 'x\\'y', 'back\\\\slash', 'trailing  ')",
                    "enum('it''s','x''y','back\\\\slash','trailing')", "enum('it''s','x''y','back\\\\slash','trailing')"},
            {"SET('one','two')", "set('one','two')", "set('one','two')"},
            {"POINT", "point", "point"},
            {"INET6", "inet6", "inet6"},
    };

    @Test
    void mariadbSpellsEveryAliasAsItsColumnType() {
        assertSpellings(MARIADB, 1);
    }

    @Test
    void mysql57PrintsTheSameWidthsAsMariadb() {
        assertSpellings(MYSQL57, 1);
        assertSpellings("8.0.18", 1);
    }

    @Test
    void mysql8019PrintsNoIntegerWidthsButForSignedTinyint1AndZerofill() {
        assertSpellings(MYSQL8, 2);
        assertSpellings("8.0.19-log", 2);
        assertSpellings("9.0.1", 2);
    }

    @Test
    void jsonIsLongtextOnMariadbAndJsonOnMysql() {
        assertThat(types(MARIADB, "JSON").get("c")).isEqualTo("longtext");
        assertThat(types(MYSQL57, "JSON").get("c")).isEqualTo("json");
        assertThat(types(MYSQL8, "json").get("c")).isEqualTo("json");
    }

    @Test
    void geometryCollectionIsGeomcollectionOnMysql8Only() {
        assertThat(types(MARIADB, "GEOMETRYCOLLECTION").get("c")).isEqualTo("geometrycollection");
        assertThat(types(MYSQL57, "GEOMETRYCOLLECTION").get("c")).isEqualTo("geometrycollection");
        assertThat(types(MYSQL8, "GEOMETRYCOLLECTION").get("c")).isEqualTo("geomcollection");
    }

    @Test
    void serialAndZerofillColumnsAreUnsignedForTheDecoder() {
        SchemaHistory history = history(MYSQL8);
        history.apply(at(100), "s", "CREATE TABLE t (a SERIAL, b INT ZEROFILL, c BOOL, d NUMERIC(5), e JSON)");
        TableStructure t = history.find("s", "t");
        assertThat(t.columns()).extracting(ColumnDef::unsigned).containsExactly(true, true, false, false, false);
        assertThat(t.columns()).extracting(ColumnDef::dataType)
                .containsExactly("bigint", "int", "tinyint", "decimal", "json");
    }

    @Test
    void aChangedServerVersionRespellsTheKnownTables() {
        SchemaHistory history = history(MYSQL57);
        history.apply(at(100), "s", "CREATE TABLE t (id INT PRIMARY KEY, y YEAR)");
        assertThat(history.find("s", "t").columns()).extracting(ColumnDef::mysqlType).containsExactly("int(11)", "year(4)");
        assertThat(history.useServerVersion(MYSQL8)).isTrue();
        assertThat(history.find("s", "t").columns()).extracting(ColumnDef::mysqlType).containsExactly("int", "year");
        assertThat(history.useServerVersion("8.0.40")).as("another version").isTrue();
        assertThat(history.useServerVersion("8.0.40")).isFalse();
    }

    @Test
    void showCreateTableOutputKeepsItsSpelling() {
        SchemaHistory history = history(MARIADB);
        TableStructure t = history.seedTable(at(4), "s", "t", "CREATE TABLE `t` (\n  `id` int(10) unsigned NOT NULL,\n"
                + "  `j` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(`j`)),\n"
                + "  `e` enum('it''s','b\\\\c') DEFAULT NULL,\n  `d` decimal(10,0) DEFAULT NULL,\n"
                + "  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
        assertThat(t.columns()).extracting(ColumnDef::mysqlType)
                .containsExactly("int(10) unsigned", "longtext", "enum('it''s','b\\\\c')", "decimal(10,0)");
        assertThat(t.column(2).labels()).containsExactly("it's", "b\\c");
    }

    private static void assertSpellings(String version, int column) {
        StringBuilder ddl = new StringBuilder();
        Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < CASES.length; i++) {
            ddl.append(i == 0 ? "" : ",\n").append("c").append(i).append(' ').append(CASES[i][0]);
            expected.put("c" + i, CASES[i][column]);
        }
        Map<String, String> actual = typesOf(version, "CREATE TABLE t (" + ddl + ") DEFAULT CHARSET=utf8mb4");
        Map<String, String> written = new LinkedHashMap<>();
        for (int i = 0; i < CASES.length; i++) {
            written.put(CASES[i][0], actual.get("c" + i));
        }
        Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i < CASES.length; i++) {
            wanted.put(CASES[i][0], expected.get("c" + i));
        }
        assertThat(written).as(version).containsExactlyEntriesOf(wanted);
    }

    private static Map<String, String> types(String version, String columnType) {
        return typesOf(version, "CREATE TABLE t (c " + columnType + ")");
    }

    private static Map<String, String> typesOf(String version, String create) {
        SchemaHistory history = history(version);
        assertThat(history.apply(at(100), "s", create).understood()).as(create).isTrue();
        Map<String, String> out = new LinkedHashMap<>();
        history.find("s", "t").columns().forEach(c -> out.put(c.name(), c.mysqlType()));
        return out;
    }

    private static SchemaHistory history(String version) {
        SchemaHistory history = new SchemaHistory(new MemorySchemaHistoryStore());
        history.useServerVersion(version);
        return history;
    }

    private static BinlogPosition at(long offset) {
        return BinlogPosition.of("mysql-bin.000001", offset);
    }
}
