package io.sluice.server.parser.schema;

import io.sluice.testkit.TestDatabase;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A table of every MariaDB column type, spelt with the aliases and odd spellings DDL writers use, and the master's
 * own reading of it ({@code information_schema.COLUMNS.COLUMN_TYPE}) to compare {@code mysqlType} with.
 */
public final class EveryColumnType {

    private EveryColumnType() {
    }

    /** CREATE TABLE of {@code schema.table}; every column is nullable but {@code id}. */
    public static String create(String schema, String table) {
        return "CREATE TABLE " + schema + "." + table + " (" + """
                  id INTEGER NOT NULL PRIMARY KEY,
                  c_tinyint TINYINT, c_tinyint_u tinyint unsigned, c_tinyint1 TINYINT(1), c_bool BOOL,
                  c_boolean boolean, c_int1 INT1,
                  c_smallint SMALLINT, c_smallint_u SMALLINT UNSIGNED, c_int2 INT2,
                  c_mediumint MEDIUMINT, c_middleint MIDDLEINT UNSIGNED, c_int3 INT3,
                  c_int INT, c_int_u Int Unsigned, c_integer_uz INTEGER UNSIGNED ZEROFILL, c_int5z INT(5) ZEROFILL,
                  c_int4 INT4, c_int_signed INT SIGNED, c_int_w INT(7),
                  c_bigint BIGINT, c_bigint_u BIGINT UNSIGNED, c_int8 INT8,
                  c_decimal DECIMAL, c_numeric NUMERIC(5), c_dec DEC(10, 2) UNSIGNED, c_fixed FIXED(7,3),
                  c_decimal65 decimal(65, 30),
                  c_float FLOAT, c_float25 FLOAT(25), c_float10 FLOAT(10), c_float_md FLOAT(7,3), c_float4 FLOAT4,
                  c_float8 FLOAT8, c_double DOUBLE, c_double_p DOUBLE PRECISION, c_real REAL, c_real_md REAL(10,2),
                  c_double_uz DOUBLE UNSIGNED ZEROFILL,
                  c_bit BIT, c_bit10 BIT(10),
                  c_date DATE, c_time TIME, c_time6 TIME(6), c_datetime DATETIME, c_datetime0 DATETIME(0),
                  c_datetime3 DATETIME(3), c_ts TIMESTAMP NULL, c_ts6 TIMESTAMP(6) NULL, c_year YEAR, c_year4 YEAR(4),
                  c_char CHAR, c_character CHARACTER(4), c_nchar NATIONAL CHAR(3), c_nchar1 NCHAR,
                  c_varchar VARCHAR(100), c_charvar CHARACTER VARYING(20), c_charvar2 CHAR VARYING(21),
                  c_nvarchar NVARCHAR(5), c_natvarchar NATIONAL VARCHAR(6), c_ncharvarchar NCHAR VARCHAR(7),
                  c_char_bin CHAR(10) BINARY, c_varchar_latin1 VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_bin,
                  c_char_binary_cs CHAR(10) CHARACTER SET binary,
                  c_binary BINARY, c_binary4 BINARY(4), c_varbinary VARBINARY(16),
                  c_tinytext TINYTEXT, c_text TEXT, c_text60 TEXT(60), c_text100 TEXT(100),
                  c_text_latin1 TEXT(100) CHARACTER SET latin1, c_mediumtext MEDIUMTEXT, c_longtext LONGTEXT,
                  c_long_varchar LONG VARCHAR, c_long LONG, c_long_varbinary LONG VARBINARY,
                  c_tinyblob TINYBLOB, c_blob BLOB, c_blob200 BLOB(200), c_blob300 BLOB(300), c_mediumblob MEDIUMBLOB,
                  c_longblob LONGBLOB,
                  c_enum ENUM('a', 'b'), c_enum_q enum('it''s', 'x\\'y', 'back\\\\slash', 'sp  '),
                  c_set SET('one','two'),
                  c_json JSON, c_inet6 INET6, c_inet4 INET4, c_uuid UUID,
                  c_point POINT, c_geometry GEOMETRY, c_linestring LINESTRING, c_polygon POLYGON,
                  c_multipoint MULTIPOINT, c_geomcoll GEOMETRYCOLLECTION
                ) DEFAULT CHARSET=utf8mb4""";
    }

    /** Column name → COLUMN_TYPE, as the master has the table now. */
    public static Map<String, String> columnTypes(TestDatabase db, String schema, String table) {
        Map<String, String> types = new LinkedHashMap<>();
        for (Map<String, String> row : db.query("SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = '" + schema + "' AND TABLE_NAME = '" + table + "' ORDER BY ORDINAL_POSITION")) {
            types.put(row.get("COLUMN_NAME"), row.get("COLUMN_TYPE"));
        }
        return types;
    }
}
