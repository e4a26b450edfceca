package io.sluice.server.snapshot;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.WireBuffer;
import io.sluice.server.parser.event.ColumnTypes;
import io.sluice.server.parser.event.RowsEventData;
import io.sluice.server.parser.event.TableMapData;
import io.sluice.server.parser.schema.ColumnDef;
import io.sluice.server.parser.schema.TableStructure;
import io.sluice.server.parser.value.RowImageDecoder;
import io.sluice.server.parser.value.TemporalText;
import io.sluice.server.parser.value.ValueOptions;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes snapshot rows in the binlog's row-image format and renders them with the binlog parser's own
 * {@link RowImageDecoder}, so that a snapshot row and a binlog row of the same values become identical canal
 * columns (names, {@code mysqlType}, {@code sqlType}, keys, and every value rendering, canal-compatible or not).
 *
 * <p>Each column is selected in a form that carries its exact stored value: integers, decimals and doubles
 * as MySQL prints them, FLOAT widened to a double ({@code col + 0e0}; MySQL prints a FLOAT with 6 digits),
 * temporal types as text and TIMESTAMP as its stored epoch second ({@code UNIX_TIMESTAMP}), ENUM, SET, BIT and
 * YEAR as numbers, strings as their bytes in the column's charset ({@code CAST(col AS BINARY)}), and binary
 * columns as they are. Those values are then written as the master writes them into a row image.
 */
final class RowImageWriter {

    private enum Kind {
        INT, FLOAT, DOUBLE, DECIMAL, BIT, DATE, TIME, DATETIME, TIMESTAMP, YEAR, ENUM, SET, TEXT, BYTES, FIXED_BINARY,
        JSON
    }

    /** How one column is selected, typed in the synthetic TABLE_MAP, and written. */
    private record Column(String name, Kind kind, int type, int meta, int width, int precision, int scale, int fsp) {
    }

    private static final Pattern ARGS = Pattern.compile("\\((\\d+)(?:\\s*,\\s*(\\d+))?\\)");
    /** Row images are framed with two-byte lengths for every CHAR and VARCHAR: the metadata says so. */
    private static final int WIDE = 65535;
    private static final int RETAINED_OUT_BUFFER = 4 << 20;

    private final Column[] columns;
    private final RowImageDecoder decoder;
    private final BitSet present;
    private byte[] buffer = new byte[64 * 1024];
    /** Where {@link #drain} writes the RowChange before it is copied into an exact-size array. */
    private WireBuffer out = new WireBuffer(64 * 1024);
    private int length;
    private int rows;

    private RowImageWriter(Column[] columns, RowImageDecoder decoder) {
        this.columns = columns;
        this.decoder = decoder;
        this.present = new BitSet(columns.length);
        present.set(0, columns.length);
    }

    /**
     * @throws UnsupportedColumnException when a column has a type snapshots cannot read exactly
     */
    static RowImageWriter of(TableStructure structure, ValueOptions options) {
        int n = structure.columnCount();
        Column[] columns = new Column[n];
        int[] types = new int[n];
        int[] meta = new int[n];
        for (int i = 0; i < n; i++) {
            columns[i] = column(structure, structure.column(i));
            types[i] = columns[i].type();
            meta[i] = columns[i].meta();
        }
        BitSet nullable = new BitSet(n);
        nullable.set(0, n);
        TableMapData map = new TableMapData(0, structure.schema(), structure.table(), types, types.clone(), meta,
                nullable, null, null, null, null, null, null, null);
        return new RowImageWriter(columns,
                RowImageDecoder.create(map, structure, options, new TemporalText(options.timeZone())));
    }

    private static Column column(TableStructure table, ColumnDef c) {
        String t = c.dataType();
        Matcher args = ARGS.matcher(c.mysqlType());
        int a1 = -1;
        int a2 = -1;
        if (args.find()) {
            a1 = Integer.parseInt(args.group(1));
            a2 = args.group(2) == null ? -1 : Integer.parseInt(args.group(2));
        }
        int fsp = Math.max(0, Math.min(6, a1));
        String name = c.name();
        return switch (t) {
            case "tinyint", "bool", "boolean" -> new Column(name, Kind.INT, ColumnTypes.TINY, 0, 1, 0, 0, 0);
            case "smallint" -> new Column(name, Kind.INT, ColumnTypes.SHORT, 0, 2, 0, 0, 0);
            case "mediumint" -> new Column(name, Kind.INT, ColumnTypes.INT24, 0, 3, 0, 0, 0);
            case "int", "integer" -> new Column(name, Kind.INT, ColumnTypes.LONG, 0, 4, 0, 0, 0);
            case "bigint", "serial" -> new Column(name, Kind.INT, ColumnTypes.LONGLONG, 0, 8, 0, 0, 0);
            case "float" -> c.mysqlType().toLowerCase(Locale.ROOT).startsWith("double")
                    ? new Column(name, Kind.DOUBLE, ColumnTypes.DOUBLE, 8, 8, 0, 0, 0)
                    : new Column(name, Kind.FLOAT, ColumnTypes.FLOAT, 4, 4, 0, 0, 0);
            case "double", "real", "double precision" -> new Column(name, Kind.DOUBLE, ColumnTypes.DOUBLE, 8, 8, 0, 0, 0);
            case "decimal", "numeric", "dec", "fixed" -> {
                int precision = a1 > 0 ? a1 : 10;
                int scale = a2 >= 0 ? a2 : 0;
                yield new Column(name, Kind.DECIMAL, ColumnTypes.NEWDECIMAL, precision << 8 | scale, 0, precision, scale, 0);
            }
            case "bit" -> {
                int bits = a1 > 0 ? a1 : 1;
                yield new Column(name, Kind.BIT, ColumnTypes.BIT, (bits / 8) << 8 | (bits % 8), (bits + 7) / 8, 0, 0, 0);
            }
            case "date" -> new Column(name, Kind.DATE, ColumnTypes.DATE, 0, 3, 0, 0, 0);
            case "time" -> new Column(name, Kind.TIME, ColumnTypes.TIME2, fsp, 0, 0, 0, fsp);
            case "datetime" -> new Column(name, Kind.DATETIME, ColumnTypes.DATETIME2, fsp, 0, 0, 0, fsp);
            case "timestamp" -> new Column(name, Kind.TIMESTAMP, ColumnTypes.TIMESTAMP2, fsp, 0, 0, 0, fsp);
            case "year" -> new Column(name, Kind.YEAR, ColumnTypes.YEAR, 0, 1, 0, 0, 0);
            case "enum" -> {
                int width = c.labels().size() > 255 ? 2 : 1;
                yield new Column(name, Kind.ENUM, ColumnTypes.ENUM, width, width, 0, 0, 0);
            }
            case "set" -> {
                int bytes = (c.labels().size() + 7) / 8;
                int width = bytes > 4 ? 8 : bytes == 0 ? 1 : bytes;
                yield new Column(name, Kind.SET, ColumnTypes.SET, width, width, 0, 0, 0);
            }
            case "char", "character", "nchar", "national char" ->
                    "binary".equals(c.charset())
                            ? new Column(name, Kind.FIXED_BINARY, ColumnTypes.STRING, Math.max(1, a1), 0, 0, 0, 0)
                            : new Column(name, Kind.TEXT, ColumnTypes.STRING, WIDE, 0, 0, 0, 0);
            case "binary" -> new Column(name, Kind.FIXED_BINARY, ColumnTypes.STRING, Math.max(1, a1), 0, 0, 0, 0);
            case "varchar", "nvarchar", "character varying", "national varchar" ->
                    new Column(name, "binary".equals(c.charset()) ? Kind.BYTES : Kind.TEXT, ColumnTypes.VARCHAR, WIDE, 0, 0, 0, 0);
            case "varbinary" -> new Column(name, Kind.BYTES, ColumnTypes.VARCHAR, WIDE, 0, 0, 0, 0);
            case "tinytext", "text", "mediumtext", "longtext", "long", "long varchar" ->
                    new Column(name, "binary".equals(c.charset()) ? Kind.BYTES : Kind.TEXT, ColumnTypes.BLOB, 4, 0, 0, 0, 0);
            case "tinyblob", "blob", "mediumblob", "longblob", "long varbinary" ->
                    new Column(name, Kind.BYTES, ColumnTypes.BLOB, 4, 0, 0, 0, 0);
            case "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
                 "geometrycollection", "geomcollection" -> new Column(name, Kind.BYTES, ColumnTypes.GEOMETRY, 4, 0, 0, 0, 0);
            case "json" -> new Column(name, Kind.JSON, ColumnTypes.JSON, 4, 0, 0, 0, 0);
            case "inet6", "uuid" -> new Column(name, Kind.FIXED_BINARY, ColumnTypes.STRING, 16, 0, 0, 0, 0);
            case "inet4" -> new Column(name, Kind.FIXED_BINARY, ColumnTypes.STRING, 4, 0, 0, 0, 0);
            default -> throw new UnsupportedColumnException(table.fullName() + "." + name + " has type " + c.mysqlType()
                    + ", which snapshots cannot read");
        };
    }

    /** The SELECT list that reads each column in the form {@link #append} writes (one expression per column). */
    String selectList() {
        List<String> out = new ArrayList<>(columns.length);
        for (Column c : columns) {
            String q = ChunkQuery.quote(c.name());
            out.add(switch (c.kind()) {
                case FLOAT -> q + " + 0e0";
                case BIT, YEAR, ENUM, SET -> q + " + 0";
                case DATE, TIME, DATETIME -> "CAST(" + q + " AS CHAR)";
                case TIMESTAMP -> "UNIX_TIMESTAMP(" + q + ")";
                case TEXT -> "CAST(" + q + " AS BINARY)";
                case FIXED_BINARY -> "CAST(" + q + " AS BINARY(" + c.meta() + "))";
                default -> q;
            });
        }
        return String.join(", ", out);
    }

    /** Appends the current row of {@code rs}, whose columns start at {@code first} in {@link #selectList} order. */
    void append(ResultSet rs, int first) throws SQLException {
        int n = columns.length;
        ensure(length + (n + 7) / 8);
        int nulls = length;
        Arrays.fill(buffer, nulls, nulls + (n + 7) / 8, (byte) 0);
        length += (n + 7) / 8;
        for (int i = 0; i < n; i++) {
            Column c = columns[i];
            if (c.kind() == Kind.TEXT || c.kind() == Kind.BYTES || c.kind() == Kind.FIXED_BINARY) {
                byte[] v = rs.getBytes(first + i);
                if (v == null) {
                    buffer[nulls + (i >> 3)] |= (byte) (1 << (i & 7));
                } else {
                    bytes(c, v);
                }
                continue;
            }
            String v = rs.getString(first + i);
            if (v == null) {
                buffer[nulls + (i >> 3)] |= (byte) (1 << (i & 7));
                continue;
            }
            value(c, v);
        }
        rows++;
    }

    private void value(Column c, String v) {
        ensure(length + 16 + DecimalBytes.size(Math.max(c.precision(), 1), c.scale()));
        switch (c.kind()) {
            case INT -> length = le(new BigInteger(v).longValue(), c.width());
            case FLOAT -> length = le(Float.floatToRawIntBits((float) Double.parseDouble(v)), 4);
            case DOUBLE -> length = le(Double.doubleToRawLongBits(Double.parseDouble(v)), 8);
            case DECIMAL -> length = DecimalBytes.write(new BigDecimal(v), c.precision(), c.scale(), buffer, length);
            case BIT -> {
                long x = new BigInteger(v).longValue();
                for (int i = c.width() - 1; i >= 0; i--) {
                    buffer[length + i] = (byte) x;
                    x >>>= 8;
                }
                length += c.width();
            }
            case DATE -> length = TemporalBytes.date(v, buffer, length);
            case TIME -> length = TemporalBytes.time2(v, c.fsp(), buffer, length);
            case DATETIME -> length = TemporalBytes.datetime2(v, c.fsp(), buffer, length);
            case TIMESTAMP -> length = TemporalBytes.timestamp2(v, c.fsp(), buffer, length);
            case YEAR -> {
                int y = Integer.parseInt(v);
                buffer[length++] = (byte) (y == 0 ? 0 : y - 1900);
            }
            case ENUM, SET -> length = le(new BigInteger(v).longValue(), c.width());
            case JSON -> {
                byte[] json = JsonBytes.of(v);
                ensure(length + 4 + json.length);
                length = le(json.length, 4);
                System.arraycopy(json, 0, buffer, length, json.length);
                length += json.length;
            }
            default -> throw new IllegalStateException("not a text-read kind: " + c.kind());
        }
    }

    private void bytes(Column c, byte[] v) {
        int size = v.length;
        if (c.kind() == Kind.FIXED_BINARY) {
            // the master drops a BINARY(n) value's trailing 0x00 bytes in row images; the decoder pads them back
            while (size > 0 && v[size - 1] == 0) {
                size--;
            }
        }
        ensure(length + 4 + size);
        if (c.type() == ColumnTypes.BLOB || c.type() == ColumnTypes.GEOMETRY) {
            length = le(size, 4);
        } else if (c.meta() < 256) {
            buffer[length++] = (byte) size;
        } else {
            length = le(size, 2);
        }
        System.arraycopy(v, 0, buffer, length, size);
        length += size;
    }

    private int le(long v, int n) {
        for (int i = 0; i < n; i++) {
            buffer[length + i] = (byte) (v >> (8 * i));
        }
        return length + n;
    }

    private void ensure(int capacity) {
        if (capacity > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(capacity, buffer.length * 2));
        }
    }

    int rows() {
        return rows;
    }

    int bytes() {
        return length;
    }

    /**
     * Renders the rows appended since the last call as one INSERT {@code RowChange} in wire form, as the binlog
     * parser writes a rows event's ({@code eventType}, {@code isDdl}, a {@code rowDatas} per row), and forgets
     * them. The bytes go into the entry as they are: no message objects are built.
     */
    byte[] drain() {
        WireBuffer change = out;
        change.reset();
        change.writeEnum(CanalEntry.RowChange.EVENTTYPE_FIELD_NUMBER, CanalEntry.EventType.INSERT_VALUE);
        change.writeBool(CanalEntry.RowChange.ISDDL_FIELD_NUMBER, false);
        if (rows > 0) {
            decoder.encode(new RowsEventData(RowsEventData.Kind.INSERT, false, 0, 0, columns.length, present, null,
                    buffer, 0, length), change);
        }
        length = 0;
        rows = 0;
        byte[] bytes = change.toByteArray();
        if (change.array().length > RETAINED_OUT_BUFFER) {
            out = new WireBuffer(64 * 1024); // one piece of huge rows does not pin its buffer
        }
        return bytes;
    }
}
