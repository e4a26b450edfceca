package io.sluice.server.parser.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.InvalidProtocolBufferException;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.WireBuffer;
import io.sluice.server.parser.charset.MysqlCharsets;
import io.sluice.server.parser.event.BinlogFormatException;
import io.sluice.server.parser.event.ColumnTypes;
import io.sluice.server.parser.event.RowsEventData;
import io.sluice.server.parser.event.TableMapData;
import io.sluice.server.parser.schema.ColumnDef;
import io.sluice.server.parser.schema.TableStructure;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.util.BitSet;

/**
 * Decodes the row images of one table's rows events straight into canal's wire form ({@code RowData} messages of
 * {@code Column}s, as protobuf would write them). Built once per (TABLE_MAP, structure) pair: everything that depends
 * only on the column (name, type string, key flag, charset, labels, how to read and print it, and the pre-encoded
 * bytes of those fields) is resolved here, so the per-row loop reads bytes, renders values and copies bytes, and
 * builds no objects.
 */
public final class RowImageDecoder {

    private enum Kind {
        INT8, INT16, INT24, INT32, INT64, FLOAT, DOUBLE, DECIMAL, BIT, DATE, TIME, TIME2, TIMESTAMP, TIMESTAMP2,
        DATETIME, DATETIME2, YEAR, TEXT, BINARY, ENUM, SET, JSON, GEOMETRY, VECTOR, INET6, UUID
    }

    /** How bytes of a string-like column are framed: CHAR/VARCHAR length prefix or BLOB-style length field. */
    private enum Frame { STRING, VARCHAR, BLOB }

    private static final class Spec {
        Kind kind;
        Frame frame;
        int type;
        int meta;
        String name = "";
        String mysqlType;
        /**
         * The Column fields that depend only on the column, pre-encoded: index; index and sqlType of a NULL and of
         * a value; name, isKey, updated and isNull by (updated, isNull) bits; mysqlType.
         */
        byte[] head;
        byte[] headNull;
        byte[] headValue;
        byte[][] mids;
        byte[] tail;
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
    }

    private final TableMapData map;
    private final TableStructure structure;
    private final Spec[] specs;
    private final boolean canal;
    private final TemporalText temporal;
    private final int jsonColumns;

    private RowImageDecoder(TableMapData map, TableStructure structure, Spec[] specs, ValueOptions options,
                            TemporalText temporal) {
        this.map = map;
        this.structure = structure;
        this.specs = specs;
        this.canal = options.canalCompatible();
        this.temporal = temporal;
        int json = 0;
        for (Spec s : specs) {
            if (s.kind == Kind.JSON) {
                s.jsonOrdinal = json++;
            }
        }
        this.jsonColumns = json;
        this.beforePresent = new boolean[specs.length];
        this.beforeNull = new boolean[specs.length];
        this.beforeOff = new int[specs.length];
        this.beforeLen = new int[specs.length];
    }

    /**
     * @param structure the table's structure from the schema history, or null when unknown (then names, keys
     *                  and signedness come from the TABLE_MAP's optional metadata when present)
     */
    public static RowImageDecoder create(TableMapData map, TableStructure structure, ValueOptions options,
                                         TemporalText temporal) {
        if (structure != null && !fits(map, structure)) {
            throw new IllegalArgumentException("structure of " + structure.fullName() + " does not fit its TABLE_MAP");
        }
        Spec[] specs = new Spec[map.columnCount()];
        for (int i = 0; i < specs.length; i++) {
            specs[i] = spec(map, i, structure == null ? null : structure.column(i), options);
        }
        return new RowImageDecoder(map, structure, specs, options, temporal);
    }

    public TableMapData tableMap() {
        return map;
    }

    public TableStructure structure() {
        return structure;
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

    private static Spec spec(TableMapData map, int i, ColumnDef def, ValueOptions options) {
        Spec s = new Spec();
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
        WireBuffer w = new WireBuffer(32);
        w.writeTag(CanalEntry.Column.INDEX_FIELD_NUMBER, WireBuffer.VARINT);
        w.writeInt32NoTag(i);
        s.head = w.toByteArray();
        w.writeTag(CanalEntry.Column.SQLTYPE_FIELD_NUMBER, WireBuffer.VARINT);
        w.writeInt32NoTag(s.nullSqlType);
        s.headNull = w.toByteArray();
        w.reset();
        w.writeRaw(s.head);
        w.writeTag(CanalEntry.Column.SQLTYPE_FIELD_NUMBER, WireBuffer.VARINT);
        w.writeInt32NoTag(s.sqlType);
        s.headValue = w.toByteArray();
        byte[] name = s.name.getBytes(StandardCharsets.UTF_8);
        s.mids = new byte[4][];
        for (int bits = 0; bits < 4; bits++) {
            w.reset();
            w.writeBytes(CanalEntry.Column.NAME_FIELD_NUMBER, name, 0, name.length);
            w.writeBool(CanalEntry.Column.ISKEY_FIELD_NUMBER, s.key);
            w.writeBool(CanalEntry.Column.UPDATED_FIELD_NUMBER, (bits & 2) != 0);
            w.writeBool(CanalEntry.Column.ISNULL_FIELD_NUMBER, (bits & 1) != 0);
            s.mids[bits] = w.toByteArray();
        }
        w.reset();
        if (s.mysqlType != null) {
            byte[] type = s.mysqlType.getBytes(StandardCharsets.UTF_8);
            w.writeBytes(CanalEntry.Column.MYSQLTYPE_FIELD_NUMBER, type, 0, type.length);
        }
        s.tail = w.toByteArray();
        s.utf8 = s.kind == Kind.TEXT && StandardCharsets.UTF_8.equals(s.charset);
        return s;
    }

    private static void numeric(Spec s, Kind kind, int sqlType) {
        s.kind = kind;
        s.sqlType = sqlType;
        s.nullSqlType = sqlType;
    }

    private static void stringLike(Spec s, TableMapData map, int i, ColumnDef def, ValueOptions options) {
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

    /**
     * Decodes every row of a rows event into {@code change} (for callers that want message objects: snapshots,
     * tools). The values are exactly those of {@link #encode}: the rows are encoded, then parsed.
     *
     * @return the number of rows (canal's {@code rowsCount})
     */
    public int decode(RowsEventData rows, CanalEntry.RowChange.Builder change) {
        WireBuffer buffer = new WireBuffer(rows.rowsEnd() - rows.rowsStart() + 256);
        int count = encode(rows, buffer);
        try {
            change.mergeFrom(buffer.array(), 0, buffer.position());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("row images encoded by Sluice do not parse back", e);
        }
        return count;
    }

    /**
     * Decodes every row of a rows event straight into canal's wire form: one {@code rowDatas} field (12) of a
     * {@code RowChange} per row, appended to {@code out}. No column objects are built: names, keys and types
     * are pre-encoded per column, values are rendered into a scratch array or copied from the event as they are.
     * The bytes are exactly what protobuf writes for the same {@code RowData} messages.
     *
     * @return the number of rows (canal's {@code rowsCount})
     */
    public int encode(RowsEventData rows, WireBuffer out) {
        byte[] b = rows.rows();
        int p = rows.rowsStart();
        int end = rows.rowsEnd();
        int n = specs.length;
        if (rows.columnCount() != n) {
            throw new BinlogFormatException("rows event of " + map.schema() + "." + map.table() + " has "
                    + rows.columnCount() + " columns, its TABLE_MAP " + n);
        }
        int presentBefore = rows.columns().cardinality();
        int presentAfter = rows.columnsAfter() == null ? 0 : rows.columnsAfter().cardinality();
        JsonNode[] beforeJson = rows.partialJson() ? new JsonNode[n] : null;
        int count = 0;
        while (p < end) {
            int row = out.beginLengthDelimited(ROW_DATAS_FIELD, ROW_LENGTH_RESERVED);
            switch (rows.kind()) {
                case INSERT -> p = image(b, p, rows.columns(), presentBefore, out, true, false, null, null);
                case DELETE -> p = image(b, p, rows.columns(), presentBefore, out, false, false, null, null);
                case UPDATE -> {
                    java.util.Arrays.fill(beforePresent, false);
                    p = image(b, p, rows.columns(), presentBefore, out, false, true, beforeJson, null);
                    BitSet partial = null;
                    if (rows.partialJson()) {
                        long options = readPacked(b, p);
                        p = packedEnd;
                        if ((options & 1) != 0) { // PARTIAL_JSON_UPDATES: one bit per JSON column of the table
                            partial = new BitSet();
                            int bytes = (jsonColumns + 7) / 8;
                            for (int j = 0; j < jsonColumns; j++) {
                                if ((b[p + (j >> 3)] & (1 << (j & 7))) != 0) {
                                    partial.set(j);
                                }
                            }
                            p += bytes;
                        }
                    }
                    p = image(b, p, rows.columnsAfter(), presentAfter, out, true, true, beforeJson, partial);
                }
            }
            out.endLengthDelimited(row, ROW_LENGTH_RESERVED);
            count++;
        }
        return count;
    }

    private static final int ROW_DATAS_FIELD = CanalEntry.RowChange.ROWDATAS_FIELD_NUMBER;
    private static final int BEFORE_FIELD = CanalEntry.RowData.BEFORECOLUMNS_FIELD_NUMBER;
    private static final int AFTER_FIELD = CanalEntry.RowData.AFTERCOLUMNS_FIELD_NUMBER;
    /** A row of a few hundred bytes to 16 KiB takes two bytes of length; others are moved once. */
    private static final int ROW_LENGTH_RESERVED = 2;
    private static final int SQL_TYPE_TAG = CanalEntry.Column.SQLTYPE_FIELD_NUMBER << 3;
    private static final int VALUE_TAG = CanalEntry.Column.VALUE_FIELD_NUMBER << 3 | WireBuffer.LENGTH_DELIMITED;

    private int packedEnd;

    // the value of the column being decoded: a slice of the event, of the scratch array or of a fresh array
    private byte[] vArr;
    private int vOff;
    private int vLen;
    private int vSqlType;
    /** Holds a rendered number or date; at least as long as the longest DECIMAL (65 digits, sign, point). */
    private byte[] scratch = new byte[128];

    // the before image of the UPDATE row being decoded, by column index: where its value sits in the output
    private final boolean[] beforePresent;
    private final boolean[] beforeNull;
    private final int[] beforeOff;
    private final int[] beforeLen;

    private long readPacked(byte[] b, int p) {
        int first = b[p] & 0xFF;
        if (first < 0xFB) {
            packedEnd = p + 1;
            return first;
        }
        int len = first == 0xFC ? 2 : first == 0xFD ? 3 : 8;
        long v = 0;
        for (int i = len; i >= 1; i--) {
            v = (v << 8) | (b[p + i] & 0xFF);
        }
        packedEnd = p + 1 + len;
        return v;
    }

    /**
     * One row image. {@code after} images go to afterColumns with canal's {@code updated} flags; before images
     * of an UPDATE are remembered by column index for that comparison.
     */
    private int image(byte[] b, int p, BitSet present, int presentCount, WireBuffer out, boolean after,
                      boolean update, JsonNode[] beforeJson, BitSet partial) {
        int nulls = p;
        p += (presentCount + 7) >>> 3;
        int k = 0;
        int field = after ? AFTER_FIELD : BEFORE_FIELD;
        for (int i = present.nextSetBit(0); i >= 0; i = present.nextSetBit(i + 1)) {
            Spec s = specs[i];
            boolean isNull = (b[nulls + (k >>> 3)] & (1 << (k & 7))) != 0;
            k++;
            int sqlType;
            if (isNull) {
                sqlType = s.nullSqlType;
                vLen = 0;
            } else {
                if (s.kind == Kind.JSON && after && partial != null && partial.get(s.jsonOrdinal)) {
                    p = partialJson(b, p, s, beforeJson == null ? null : beforeJson[i], i);
                } else {
                    p = value(b, p, s, beforeJson, i);
                }
                sqlType = vSqlType;
            }
            boolean updated = after && (!update || changed(i, isNull, out));
            int valueAt = column(out, field, s, sqlType, isNull, updated);
            if (!after && update) {
                beforePresent[i] = true;
                beforeNull[i] = isNull;
                beforeOff[i] = valueAt;
                beforeLen[i] = vLen;
            }
        }
        return p;
    }

    /**
     * Writes one Column: index, sqlType, name, isKey, updated, isNull, value (when not NULL), mysqlType — the fields
     * canal sets, in field order, as protobuf writes them.
     *
     * @return where the value's bytes start in {@code out} (-1 for NULL)
     */
    private int column(WireBuffer out, int field, Spec s, int sqlType, boolean isNull, boolean updated) {
        byte[] head = isNull ? s.headNull : sqlType == s.sqlType ? s.headValue : null;
        int headLength = head != null ? head.length : s.head.length + 1 + WireBuffer.int32Size(sqlType);
        byte[] mid = s.mids[(updated ? 2 : 0) | (isNull ? 1 : 0)];
        int size = headLength + mid.length + s.tail.length + (isNull ? 0 : 1 + WireBuffer.varint32Size(vLen) + vLen);
        out.reserve(size + 6);
        out.putByte(field << 3 | WireBuffer.LENGTH_DELIMITED);
        out.putVarint32(size);
        if (head != null) {
            out.putBytes(head);
        } else { // an unsigned value past the signed range: canal's wider sqlType
            out.putBytes(s.head);
            out.putByte(SQL_TYPE_TAG);
            if (sqlType >= 0) {
                out.putVarint32(sqlType);
            } else {
                out.writeInt32NoTag(sqlType);
            }
        }
        out.putBytes(mid);
        int at = -1;
        if (!isNull) {
            out.putByte(VALUE_TAG);
            out.putVarint32(vLen);
            at = out.position();
            out.putBytes(vArr, vOff, vLen);
        }
        out.putBytes(s.tail);
        return at;
    }

    /** canal: an after column is updated unless the before image has it with the same NULL-ness and text. */
    private boolean changed(int i, boolean isNull, WireBuffer out) {
        if (!beforePresent[i]) {
            return true;
        }
        if (isNull || beforeNull[i]) {
            return isNull != beforeNull[i];
        }
        int from = beforeOff[i];
        return !java.util.Arrays.equals(vArr, vOff, vOff + vLen, out.array(), from, from + beforeLen[i]);
    }

    private int value(byte[] b, int p, Spec s, JsonNode[] beforeJson, int index) {
        int sqlType = s.sqlType;
        switch (s.kind) {
            case INT8 -> {
                int x = b[p];
                p += 1;
                if (s.unsigned && x < 0) {
                    x += 256;
                    sqlType = Types.SMALLINT; // canal moves a value past the signed range one JDBC type up
                }
                digits(x);
            }
            case INT16 -> {
                int x = (short) ((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8);
                p += 2;
                if (s.unsigned && x < 0) {
                    x += 65536;
                    sqlType = Types.INTEGER;
                }
                digits(x);
            }
            case INT24 -> {
                int x = ((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16) << 8 >> 8;
                p += 3;
                if (s.unsigned && x < 0) {
                    x += 1 << 24;
                }
                digits(x);
            }
            case INT32 -> {
                int x = (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
                p += 4;
                if (s.unsigned && x < 0) {
                    digits(x & 0xFFFFFFFFL);
                    sqlType = Types.BIGINT;
                } else {
                    digits(x);
                }
            }
            case INT64 -> {
                long x = le64(b, p);
                p += 8;
                if (s.unsigned && x < 0) {
                    text(Long.toUnsignedString(x));
                    sqlType = Types.DECIMAL;
                } else {
                    digits(x);
                }
            }
            case FLOAT -> {
                text(Float.toString(Float.intBitsToFloat((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16
                        | (b[p + 3] & 0xFF) << 24)));
                p += 4;
            }
            case DOUBLE -> {
                text(Double.toString(Double.longBitsToDouble(le64(b, p))));
                p += 8;
            }
            case DECIMAL -> {
                ascii(DecimalText.read(b, p, s.precision, s.scale, canal, scratch));
                p += DecimalText.size(s.precision, s.scale);
            }
            case BIT -> {
                int bits = (s.meta >> 8) * 8 + (s.meta & 0xFF);
                int width = (bits + 7) / 8;
                long x = 0;
                for (int i = 0; i < width; i++) {
                    x = (x << 8) | (b[p + i] & 0xFF);
                }
                p += width;
                text(Long.toUnsignedString(x));
            }
            case DATE -> {
                ascii(TemporalText.date(b, p, scratch));
                p += 3;
            }
            case TIME -> {
                text(TemporalText.time(((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16) << 8 >> 8));
                p += 3;
            }
            case TIME2 -> {
                text(TemporalText.time2(b, p, s.meta));
                p += 3 + TemporalText.fractionBytes(s.meta);
            }
            case TIMESTAMP -> {
                ascii(temporal.timestamp((b[p] & 0xFFL) | (b[p + 1] & 0xFFL) << 8 | (b[p + 2] & 0xFFL) << 16
                        | (b[p + 3] & 0xFFL) << 24, 0, 0, scratch));
                p += 4;
            }
            case TIMESTAMP2 -> {
                ascii(temporal.timestamp2(b, p, s.meta, scratch));
                p += 4 + TemporalText.fractionBytes(s.meta);
            }
            case DATETIME -> {
                ascii(TemporalText.datetime(le64(b, p), scratch));
                p += 8;
            }
            case DATETIME2 -> {
                ascii(TemporalText.datetime2(b, p, s.meta, scratch));
                p += 5 + TemporalText.fractionBytes(s.meta);
            }
            case YEAR -> {
                int y = b[p] & 0xFF;
                p += 1;
                if (y == 0) {
                    text("0000");
                } else {
                    digits(1900 + y);
                }
            }
            case ENUM -> {
                int x = s.meta == 1 ? b[p] & 0xFF : (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
                p += s.meta;
                if (canal || s.labels == null || (x != 0 && x > s.labels.length)) {
                    digits(x);
                } else {
                    text(x == 0 ? "" : s.labels[x - 1]);
                }
            }
            case SET -> {
                long x = 0;
                for (int i = s.meta - 1; i >= 0; i--) {
                    x = (x << 8) | (b[p + i] & 0xFF);
                }
                p += s.meta;
                text(canal || s.labels == null ? Long.toUnsignedString(x) : setLabels(x, s.labels));
            }
            default -> {
                int length;
                switch (s.frame) {
                    case STRING, VARCHAR -> {
                        if (s.meta < 256) {
                            length = b[p] & 0xFF;
                            p += 1;
                        } else {
                            length = (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
                            p += 2;
                        }
                    }
                    default -> {
                        long x = 0;
                        for (int i = s.meta - 1; i >= 0; i--) {
                            x = (x << 8) | (b[p + i] & 0xFF);
                        }
                        p += s.meta;
                        length = (int) x;
                    }
                }
                bytesValue(b, p, length, s, beforeJson, index);
                p += length;
            }
        }
        vSqlType = sqlType;
        return p;
    }

    /** The value is a decimal integer, written into the scratch array (no String). */
    private void digits(long x) {
        byte[] s = scratch;
        int i = 20;
        boolean negative = x < 0;
        if (!negative) {
            x = -x; // counted on the negative side, where Long.MIN_VALUE fits
        }
        do {
            s[--i] = (byte) ('0' - (x % 10));
            x /= 10;
        } while (x != 0);
        if (negative) {
            s[--i] = '-';
        }
        vArr = s;
        vOff = i;
        vLen = 20 - i;
    }

    /** The value is the first {@code length} bytes of the scratch array, ASCII written there by a renderer. */
    private void ascii(int length) {
        vArr = scratch;
        vOff = 0;
        vLen = length;
    }

    /** The value is this text, as its UTF-8 (digits, dates and most labels are ASCII: copied char by char). */
    private void text(String v) {
        int n = v.length();
        if (n > scratch.length) {
            scratch = new byte[Math.max(n, scratch.length * 2)];
        }
        byte[] s = scratch;
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            if (c >= 0x80) {
                bytes(v.getBytes(StandardCharsets.UTF_8)); // ENUM/SET labels may be any text
                return;
            }
            s[i] = (byte) c;
        }
        vArr = s;
        vOff = 0;
        vLen = n;
    }

    private void bytes(byte[] v) {
        vArr = v;
        vOff = 0;
        vLen = v.length;
    }

    /** Bytes shown as an ISO-8859-1 string (canal's BLOB/BINARY form), as that string's UTF-8. */
    private static byte[] latin1(byte[] b, int p, int length, int padTo) {
        int size = Math.max(length, padTo);
        int extra = 0;
        for (int i = 0; i < length; i++) {
            if (b[p + i] < 0) {
                extra++;
            }
        }
        if (extra == 0) {
            byte[] out = new byte[size];
            System.arraycopy(b, p, out, 0, length);
            return out;
        }
        byte[] out = new byte[size + extra];
        int o = 0;
        for (int i = 0; i < length; i++) {
            int x = b[p + i] & 0xFF;
            if (x < 0x80) {
                out[o++] = (byte) x;
            } else {
                out[o++] = (byte) (0xC0 | x >> 6);
                out[o++] = (byte) (0x80 | (x & 0x3F));
            }
        }
        return out; // padding 0x00 bytes are already there
    }

    private void bytesValue(byte[] b, int p, int length, Spec s, JsonNode[] beforeJson, int index) {
        switch (s.kind) {
            case TEXT -> {
                if (s.utf8) { // already UTF-8: the event's own bytes
                    vArr = b;
                    vOff = p;
                    vLen = length;
                } else {
                    bytes(new String(b, p, length, s.charset).getBytes(StandardCharsets.UTF_8));
                }
            }
            case BINARY -> bytes(latin1(b, p, length, canal ? 0 : s.padTo));
            case GEOMETRY -> bytes(latin1(b, p, length, 0));
            case JSON -> {
                if (length == 0) {
                    text("");
                    return;
                }
                JsonNode doc = JsonBinary.parse(b, p, length);
                if (beforeJson != null) {
                    beforeJson[index] = doc;
                }
                bytes(JsonText.write(doc).getBytes(StandardCharsets.UTF_8));
            }
            case VECTOR -> {
                StringBuilder out = new StringBuilder().append('[');
                for (int i = 0; i + 4 <= length; i += 4) {
                    if (i > 0) {
                        out.append(',');
                    }
                    out.append(Float.intBitsToFloat((b[p + i] & 0xFF) | (b[p + i + 1] & 0xFF) << 8
                            | (b[p + i + 2] & 0xFF) << 16 | (b[p + i + 3] & 0xFF) << 24));
                }
                text(out.append(']').toString());
            }
            case INET6 -> text(Inet6Text.format(padded(b, p, length, 16)));
            case UUID -> text(uuid(padded(b, p, length, 16)));
            default -> throw new IllegalStateException("not a byte-string kind: " + s.kind);
        }
    }

    private int partialJson(byte[] b, int p, Spec s, JsonNode before, int index) {
        long x = 0;
        for (int i = s.meta - 1; i >= 0; i--) {
            x = (x << 8) | (b[p + i] & 0xFF);
        }
        p += s.meta;
        int length = (int) x;
        JsonDiffs diffs = JsonDiffs.parse(b, p, length);
        String v = before != null ? JsonText.write(diffs.applyTo(before)) : diffs.expression(s.name.isEmpty() ? "@" + (index + 1) : s.name);
        bytes(v.getBytes(StandardCharsets.UTF_8));
        vSqlType = s.sqlType;
        return p + length;
    }

    private static String setLabels(long mask, String[] labels) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < labels.length && i < 64; i++) {
            if ((mask & (1L << i)) != 0) {
                if (out.length() > 0) {
                    out.append(',');
                }
                out.append(labels[i]);
            }
        }
        return out.toString();
    }

    private static byte[] padded(byte[] b, int p, int length, int width) {
        byte[] out = new byte[Math.max(width, length)];
        System.arraycopy(b, p, out, 0, length);
        return out;
    }

    private static String uuid(byte[] b) {
        StringBuilder s = new StringBuilder(36);
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                s.append('-');
            }
            s.append(Character.forDigit((b[i] >> 4) & 0xF, 16)).append(Character.forDigit(b[i] & 0xF, 16));
        }
        return s.toString();
    }

    private static long le64(byte[] b, int p) {
        return (b[p] & 0xFFL) | (b[p + 1] & 0xFFL) << 8 | (b[p + 2] & 0xFFL) << 16 | (b[p + 3] & 0xFFL) << 24
                | (b[p + 4] & 0xFFL) << 32 | (b[p + 5] & 0xFFL) << 40 | (b[p + 6] & 0xFFL) << 48 | (b[p + 7] & 0xFFL) << 56;
    }
}
