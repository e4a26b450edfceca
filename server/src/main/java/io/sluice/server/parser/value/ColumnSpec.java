package io.sluice.server.parser.value;

import io.sluice.server.parser.charset.MysqlCharsets;
import io.sluice.server.parser.event.BinlogFormatException;
import io.sluice.server.parser.event.ColumnTypes;
import io.sluice.server.parser.event.TableMapData;
import io.sluice.server.parser.schema.ColumnDef;
import io.sluice.server.parser.schema.TableStructure;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.Types;

/**
 * What one column of a TABLE_MAP is, resolved once per (TABLE_MAP, structure) pair from the binlog type and
 * metadata and, when known, the schema history's column: how its bytes are framed and read ({@link Kind},
 * {@link Frame}), its name, key flag, signedness, charset, labels and canal's JDBC types. The per-row loop only
 * reads these fields.
 */
public final class ColumnSpec {

    enum Kind {
        INT8, INT16, INT24, INT32, INT64, FLOAT, DOUBLE, DECIMAL, BIT, DATE, TIME, TIME2, TIMESTAMP, TIMESTAMP2,
        DATETIME, DATETIME2, YEAR, TEXT, BINARY, ENUM, SET, JSON, GEOMETRY, VECTOR, INET6, UUID
    }

    /** How bytes of a string-like column are framed: CHAR/VARCHAR length prefix or BLOB-style length field. */
    enum Frame { STRING, VARCHAR, BLOB }

    Kind kind;
    Frame frame;
    int type;
    int meta;
    String name = "";
    String mysqlType;
    /** Text whose binlog bytes are already UTF-8 (utf8mb3/utf8mb4): copied into the column as they are. */
    boolean utf8;
    boolean key;
    boolean unsigned;
    Charset charset;
    String[] labels;
    int padTo;
    int sqlType;
    int nullSqlType;
    int precision;
    int scale;
    /** Ordinal among the table's JSON columns (their bit in a partial update's bitmap), -1 for others. */
    int jsonOrdinal = -1;

    /** Bytes of the length in front of a length-prefixed value (strings, blobs, JSON, geometry). */
    int lengthBytes() {
        return frame == Frame.STRING || frame == Frame.VARCHAR ? (meta < 256 ? 1 : 2) : meta;
    }

    /** The length in front of a length-prefixed value that starts at {@code b[p]} (little-endian). */
    int length(byte[] b, int p) {
        long x = 0;
        for (int i = lengthBytes() - 1; i >= 0; i--) {
            x = (x << 8) | (b[p + i] & 0xFF);
        }
        return (int) x;
    }

    private ColumnSpec() {
    }

    /**
     * The specs of every column of {@code map}, JSON columns numbered in order.
     *
     * @param structure the table's structure from the schema history, or null when unknown (then names, keys
     *                  and signedness come from the TABLE_MAP's optional metadata when present)
     * @throws IllegalArgumentException when {@code structure} does not fit {@code map}
     */
    static ColumnSpec[] of(TableMapData map, TableStructure structure, ValueOptions options) {
        if (structure != null && !fits(map, structure)) {
            throw new IllegalArgumentException("structure of " + structure.fullName() + " does not fit its TABLE_MAP");
        }
        ColumnSpec[] specs = new ColumnSpec[map.columnCount()];
        int json = 0;
        for (int i = 0; i < specs.length; i++) {
            specs[i] = of(map, i, structure == null ? null : structure.column(i), options);
            if (specs[i].kind == Kind.JSON) {
                specs[i].jsonOrdinal = json++;
            }
        }
        return specs;
    }

    /**
     * Whether a structure can describe the rows of a TABLE_MAP: same column count, compatible types, and the same
     * names when the TABLE_MAP carries names.
     */
    public static boolean fits(TableMapData map, TableStructure structure) {
        if (structure.columnCount() != map.columnCount()) {
            return false;
        }
        for (int i = 0; i < map.columnCount(); i++) {
            ColumnDef c = structure.column(i);
            if (map.hasColumnNames() && !map.columnNames().get(i).equalsIgnoreCase(c.name())) {
                return false;
            }
            if (!compatible(map.realTypes()[i], c.dataType())) {
                return false;
            }
        }
        return true;
    }

    private static boolean compatible(int type, String dataType) {
        return switch (type) {
            case ColumnTypes.TINY -> dataType.startsWith("tinyint") || dataType.equals("bool") || dataType.equals("boolean");
            case ColumnTypes.SHORT -> dataType.equals("smallint");
            case ColumnTypes.INT24 -> dataType.equals("mediumint");
            case ColumnTypes.LONG -> dataType.equals("int") || dataType.equals("integer");
            case ColumnTypes.LONGLONG -> dataType.equals("bigint") || dataType.equals("serial");
            case ColumnTypes.NEWDECIMAL -> dataType.equals("decimal") || dataType.equals("numeric") || dataType.equals("dec")
                    || dataType.equals("fixed");
            case ColumnTypes.FLOAT -> dataType.equals("float");
            case ColumnTypes.DOUBLE -> dataType.equals("double") || dataType.equals("real") || dataType.equals("float")
                    || dataType.equals("double precision");
            case ColumnTypes.DATE, ColumnTypes.NEWDATE -> dataType.equals("date");
            case ColumnTypes.TIME, ColumnTypes.TIME2 -> dataType.equals("time");
            case ColumnTypes.DATETIME, ColumnTypes.DATETIME2 -> dataType.equals("datetime");
            case ColumnTypes.TIMESTAMP, ColumnTypes.TIMESTAMP2 -> dataType.equals("timestamp");
            case ColumnTypes.YEAR -> dataType.equals("year");
            case ColumnTypes.BIT -> dataType.equals("bit");
            case ColumnTypes.ENUM -> dataType.equals("enum");
            case ColumnTypes.SET -> dataType.equals("set");
            case ColumnTypes.JSON -> dataType.equals("json");
            case ColumnTypes.GEOMETRY -> !isIntegerOrTemporal(dataType);
            default -> !isIntegerOrTemporal(dataType); // strings and blobs: many spellings, all fine
        };
    }

    private static boolean isIntegerOrTemporal(String t) {
        return t.equals("tinyint") || t.equals("smallint") || t.equals("mediumint") || t.equals("int")
                || t.equals("bigint") || t.equals("integer") || t.equals("date") || t.equals("time") || t.equals("datetime")
                || t.equals("timestamp") || t.equals("year") || t.equals("decimal") || t.equals("float") || t.equals("double");
    }

    private static ColumnSpec of(TableMapData map, int i, ColumnDef def, ValueOptions options) {
        ColumnSpec s = new ColumnSpec();
        s.type = map.realTypes()[i];
        s.meta = map.meta()[i];
        if (def != null) {
            s.name = def.name();
            s.mysqlType = def.mysqlType();
            s.key = def.key();
            s.unsigned = def.unsigned();
            if (!def.labels().isEmpty()) {
                s.labels = def.labels().toArray(new String[0]);
            }
        } else {
            if (map.hasColumnNames()) {
                s.name = map.columnNames().get(i);
            }
            if (map.signedness() != null) {
                s.unsigned = map.signedness()[i];
            }
            if (map.primaryKey() != null) {
                for (int k : map.primaryKey()) {
                    s.key |= k == i;
                }
            }
        }
        if (s.labels == null) {
            if (s.type == ColumnTypes.ENUM && map.enumValues() != null) {
                s.labels = map.enumValues()[i];
            } else if (s.type == ColumnTypes.SET && map.setValues() != null) {
                s.labels = map.setValues()[i];
            }
        }
        switch (s.type) {
            case ColumnTypes.TINY -> numeric(s, Kind.INT8, Types.TINYINT);
            case ColumnTypes.SHORT -> numeric(s, Kind.INT16, Types.SMALLINT);
            case ColumnTypes.INT24 -> numeric(s, Kind.INT24, Types.INTEGER);
            case ColumnTypes.LONG -> numeric(s, Kind.INT32, Types.INTEGER);
            case ColumnTypes.LONGLONG -> numeric(s, Kind.INT64, Types.BIGINT);
            case ColumnTypes.FLOAT -> numeric(s, Kind.FLOAT, Types.REAL);
            case ColumnTypes.DOUBLE -> numeric(s, Kind.DOUBLE, Types.DOUBLE);
            case ColumnTypes.NEWDECIMAL -> {
                numeric(s, Kind.DECIMAL, Types.DECIMAL);
                s.precision = s.meta >> 8;
                s.scale = s.meta & 0xFF;
            }
            case ColumnTypes.BIT -> numeric(s, Kind.BIT, Types.BIT);
            case ColumnTypes.DATE, ColumnTypes.NEWDATE -> numeric(s, Kind.DATE, Types.DATE);
            case ColumnTypes.TIME -> numeric(s, Kind.TIME, Types.TIME);
            case ColumnTypes.TIME2 -> numeric(s, Kind.TIME2, Types.TIME);
            case ColumnTypes.TIMESTAMP -> numeric(s, Kind.TIMESTAMP, Types.TIMESTAMP);
            case ColumnTypes.TIMESTAMP2 -> numeric(s, Kind.TIMESTAMP2, Types.TIMESTAMP);
            case ColumnTypes.DATETIME -> numeric(s, Kind.DATETIME, Types.TIMESTAMP);
            case ColumnTypes.DATETIME2 -> numeric(s, Kind.DATETIME2, Types.TIMESTAMP);
            case ColumnTypes.YEAR -> numeric(s, Kind.YEAR, Types.VARCHAR);
            case ColumnTypes.ENUM -> numeric(s, Kind.ENUM, Types.INTEGER);
            case ColumnTypes.SET -> {
                s.kind = Kind.SET;
                s.sqlType = Types.BIT;
                s.nullSqlType = Types.BLOB;
            }
            case ColumnTypes.JSON -> {
                s.kind = Kind.JSON;
                s.frame = Frame.BLOB;
                s.sqlType = Types.VARCHAR;
                s.nullSqlType = Types.OTHER;
            }
            case ColumnTypes.GEOMETRY -> {
                s.kind = Kind.GEOMETRY;
                s.frame = Frame.BLOB;
                s.sqlType = Types.BLOB;
                s.nullSqlType = Types.BLOB;
            }
            case ColumnTypes.VECTOR -> {
                s.kind = Kind.VECTOR;
                s.frame = Frame.BLOB;
                s.sqlType = Types.OTHER;
                s.nullSqlType = Types.OTHER;
            }
            case ColumnTypes.STRING, ColumnTypes.VARCHAR, ColumnTypes.VAR_STRING, ColumnTypes.BLOB,
                 ColumnTypes.TINY_BLOB, ColumnTypes.MEDIUM_BLOB, ColumnTypes.LONG_BLOB ->
                    stringLike(s, map, i, def, options);
            default -> throw new BinlogFormatException("column " + i + " of " + map.schema() + "." + map.table()
                    + " has binlog type " + ColumnTypes.name(s.type) + ", which Sluice cannot decode");
        }
        s.utf8 = s.kind == Kind.TEXT && StandardCharsets.UTF_8.equals(s.charset);
        return s;
    }

    private static void numeric(ColumnSpec s, Kind kind, int sqlType) {
        s.kind = kind;
        s.sqlType = sqlType;
        s.nullSqlType = sqlType;
    }

    private static void stringLike(ColumnSpec s, TableMapData map, int i, ColumnDef def, ValueOptions options) {
        s.frame = s.type == ColumnTypes.STRING ? Frame.STRING
                : s.type == ColumnTypes.VARCHAR || s.type == ColumnTypes.VAR_STRING ? Frame.VARCHAR : Frame.BLOB;
        String dataType = def == null ? null : def.dataType();
        boolean binary;
        if (def != null) {
            binary = "binary".equals(def.charset()) || (def.charset() == null && !def.isText());
            if (!binary) {
                Charset cs = MysqlCharsets.forName(def.charset());
                s.charset = cs != null ? cs : options.defaultCharset();
            }
        } else if (map.collations() != null && map.collations()[i] != 0) {
            String name = MysqlCharsets.nameOfCollation(map.collations()[i]);
            binary = MysqlCharsets.isBinary(name);
            if (!binary) {
                Charset cs = MysqlCharsets.forName(name);
                s.charset = cs != null ? cs : options.defaultCharset();
            }
        } else {
            // canal's view without metadata: CHAR/VARCHAR are text, BLOB/TEXT are bytes
            binary = s.frame == Frame.BLOB;
            s.charset = binary ? null : options.defaultCharset();
        }
        if ("inet6".equals(dataType) || "uuid".equals(dataType)) {
            s.kind = "inet6".equals(dataType) ? Kind.INET6 : Kind.UUID;
            s.padTo = 16;
            s.sqlType = Types.CHAR;
            s.nullSqlType = Types.CHAR;
            return;
        }
        if (binary) {
            s.kind = Kind.BINARY;
            // BINARY(n): the binlog drops trailing 0x00 bytes; the declared width is the STRING metadata length
            s.padTo = s.frame == Frame.STRING ? s.meta : 0;
            s.sqlType = Types.BLOB;
            s.nullSqlType = Types.BLOB;
            return;
        }
        s.kind = Kind.TEXT;
        if (s.frame == Frame.BLOB) {
            s.sqlType = Types.CLOB;
        } else if (def != null && def.isCanalBinary()) {
            s.sqlType = Types.BLOB;
        } else {
            s.sqlType = s.frame == Frame.STRING ? Types.CHAR : Types.VARCHAR;
        }
        s.nullSqlType = s.sqlType;
    }
}
