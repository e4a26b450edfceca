package io.sluice.server.parser.event;

import io.sluice.server.parser.charset.MysqlCharsets;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * TABLE_MAP_EVENT (19). Written instead of the connector's deserializer because that one throws on optional
 * metadata fields it does not know (MySQL 9's VECTOR dimensionality, field 13) and decodes names with the JVM's
 * default charset.
 */
final class TableMapDeserializer {

    private static final int SIGNEDNESS = 1;
    private static final int DEFAULT_CHARSET = 2;
    private static final int COLUMN_CHARSET = 3;
    private static final int COLUMN_NAME = 4;
    private static final int SET_STR_VALUE = 5;
    private static final int ENUM_STR_VALUE = 6;
    private static final int SIMPLE_PRIMARY_KEY = 8;
    private static final int PRIMARY_KEY_WITH_PREFIX = 9;
    private static final int ENUM_AND_SET_DEFAULT_CHARSET = 10;
    private static final int ENUM_AND_SET_COLUMN_CHARSET = 11;
    private static final int VECTOR_DIMENSIONALITY = 13;

    private TableMapDeserializer() {
    }

    static TableMapData deserialize(ByteReader r) {
        long tableId = r.uint(6);
        r.skip(2); // flags
        int schemaLength = r.u8();
        String schema = r.string(schemaLength, StandardCharsets.UTF_8);
        r.skip(1);
        int tableLength = r.u8();
        String table = r.string(tableLength, StandardCharsets.UTF_8);
        r.skip(1);
        int n = r.packedInt();
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            types[i] = r.u8();
        }
        int metaLength = r.packedInt();
        int metaEnd = r.position() + metaLength;
        int[] meta = new int[n];
        int[] realTypes = new int[n];
        for (int i = 0; i < n; i++) {
            int t = types[i];
            realTypes[i] = t;
            switch (t) {
                case ColumnTypes.FLOAT, ColumnTypes.DOUBLE, ColumnTypes.BLOB, ColumnTypes.TINY_BLOB,
                     ColumnTypes.MEDIUM_BLOB, ColumnTypes.LONG_BLOB, ColumnTypes.JSON, ColumnTypes.GEOMETRY,
                     ColumnTypes.VECTOR, ColumnTypes.TIME2, ColumnTypes.DATETIME2, ColumnTypes.TIMESTAMP2 ->
                        meta[i] = r.u8();
                case ColumnTypes.BIT, ColumnTypes.VARCHAR, ColumnTypes.VAR_STRING -> meta[i] = r.u16();
                case ColumnTypes.NEWDECIMAL -> {
                    int precision = r.u8();
                    int scale = r.u8();
                    meta[i] = precision << 8 | scale;
                }
                case ColumnTypes.STRING, ColumnTypes.ENUM, ColumnTypes.SET -> {
                    int byte0 = r.u8();
                    int byte1 = r.u8();
                    // CHAR(n) with n*maxlen > 255 folds bits 8-9 of the length into the type byte (MySQL bug #37426)
                    if ((byte0 & 0x30) != 0x30) {
                        realTypes[i] = byte0 | 0x30;
                        meta[i] = byte1 | (((byte0 & 0x30) ^ 0x30) << 4);
                    } else {
                        realTypes[i] = byte0;
                        meta[i] = byte1;
                    }
                }
                default -> meta[i] = 0;
            }
        }
        if (r.position() != metaEnd) {
            throw new BinlogFormatException("TABLE_MAP of " + schema + "." + table + ": column metadata is "
                    + metaLength + " bytes, read " + (r.position() - metaEnd + metaLength));
        }
        BitSet nullable = r.bitmap(n);

        boolean[] signedness = null;
        int[] collations = null;
        List<String> names = null;
        List<byte[][]> setLabels = null;
        List<byte[][]> enumLabels = null;
        int[] primaryKey = null;
        int[] enumSetCollations = null;
        int[] vectorDimensions = null;
        while (r.hasRemaining()) {
            int fieldType = r.u8();
            int length = r.packedInt();
            int end = r.position() + length;
            ByteReader f = new ByteReader(r.array(), r.position(), end);
            switch (fieldType) {
                case SIGNEDNESS -> {
                    int numeric = 0;
                    for (int t : realTypes) {
                        if (ColumnTypes.isNumeric(t)) {
                            numeric++;
                        }
                    }
                    BitSet bits = f.bitmapMsbFirst(numeric);
                    signedness = new boolean[n];
                    for (int i = 0, j = 0; i < n; i++) {
                        if (ColumnTypes.isNumeric(realTypes[i])) {
                            signedness[i] = bits.get(j++);
                        }
                    }
                }
                case DEFAULT_CHARSET -> collations = defaultCharset(f, realTypes, false);
                case COLUMN_CHARSET -> collations = columnCharsets(f, realTypes, false);
                case COLUMN_NAME -> {
                    names = new ArrayList<>(n);
                    while (f.hasRemaining()) {
                        names.add(f.lengthEncodedString(StandardCharsets.UTF_8));
                    }
                }
                case SET_STR_VALUE -> setLabels = labels(f);
                case ENUM_STR_VALUE -> enumLabels = labels(f);
                case SIMPLE_PRIMARY_KEY -> {
                    List<Integer> pk = new ArrayList<>();
                    while (f.hasRemaining()) {
                        pk.add(f.packedInt());
                    }
                    primaryKey = pk.stream().mapToInt(Integer::intValue).toArray();
                }
                case PRIMARY_KEY_WITH_PREFIX -> {
                    List<Integer> pk = new ArrayList<>();
                    while (f.hasRemaining()) {
                        pk.add(f.packedInt());
                        f.packedInt(); // prefix length
                    }
                    primaryKey = pk.stream().mapToInt(Integer::intValue).toArray();
                }
                case ENUM_AND_SET_DEFAULT_CHARSET -> enumSetCollations = defaultCharset(f, realTypes, true);
                case ENUM_AND_SET_COLUMN_CHARSET -> enumSetCollations = columnCharsets(f, realTypes, true);
                case VECTOR_DIMENSIONALITY -> {
                    List<Integer> dims = new ArrayList<>();
                    while (f.hasRemaining()) {
                        dims.add(f.packedInt());
                    }
                    vectorDimensions = new int[n];
                    for (int i = 0, j = 0; i < n && j < dims.size(); i++) {
                        if (realTypes[i] == ColumnTypes.VECTOR) {
                            vectorDimensions[i] = dims.get(j++);
                        }
                    }
                }
                default -> {
                    // geometry types (7), visibility (12) and fields newer than this code carry nothing Sluice uses
                }
            }
            r.skip(length);
        }
        return new TableMapData(tableId, schema, table, types, realTypes, meta, nullable, signedness, collations,
                names, perColumn(enumLabels, realTypes, ColumnTypes.ENUM, enumSetCollations),
                perColumn(setLabels, realTypes, ColumnTypes.SET, enumSetCollations), primaryKey, vectorDimensions);
    }

    private static boolean isCharacter(int realType) {
        return switch (realType) {
            case ColumnTypes.STRING, ColumnTypes.VAR_STRING, ColumnTypes.VARCHAR, ColumnTypes.BLOB,
                 ColumnTypes.TINY_BLOB, ColumnTypes.MEDIUM_BLOB, ColumnTypes.LONG_BLOB -> true;
            default -> false;
        };
    }

    private static boolean selects(int realType, boolean enumSet) {
        return enumSet ? realType == ColumnTypes.ENUM || realType == ColumnTypes.SET : isCharacter(realType);
    }

    /** DEFAULT_CHARSET: a default collation, then (index among the described columns, collation) exceptions. */
    private static int[] defaultCharset(ByteReader f, int[] realTypes, boolean enumSet) {
        int def = f.packedInt();
        List<Integer> described = new ArrayList<>();
        for (int i = 0; i < realTypes.length; i++) {
            if (selects(realTypes[i], enumSet)) {
                described.add(i);
            }
        }
        int[] out = new int[realTypes.length];
        for (int i : described) {
            out[i] = def;
        }
        while (f.hasRemaining()) {
            int index = f.packedInt();
            int collation = f.packedInt();
            if (index < described.size()) {
                out[described.get(index)] = collation;
            }
        }
        return out;
    }

    private static int[] columnCharsets(ByteReader f, int[] realTypes, boolean enumSet) {
        int[] out = new int[realTypes.length];
        for (int i = 0; i < realTypes.length && f.hasRemaining(); i++) {
            if (selects(realTypes[i], enumSet)) {
                out[i] = f.packedInt();
            }
        }
        return out;
    }

    private static List<byte[][]> labels(ByteReader f) {
        List<byte[][]> out = new ArrayList<>();
        while (f.hasRemaining()) {
            int count = f.packedInt();
            byte[][] values = new byte[count][];
            for (int i = 0; i < count; i++) {
                values[i] = f.bytes(f.packedInt());
            }
            out.add(values);
        }
        return out;
    }

    private static String[][] perColumn(List<byte[][]> labels, int[] realTypes, int type, int[] collations) {
        if (labels == null) {
            return null;
        }
        String[][] out = new String[realTypes.length][];
        for (int i = 0, j = 0; i < realTypes.length && j < labels.size(); i++) {
            if (realTypes[i] == type) {
                Charset cs = collations == null ? null : MysqlCharsets.forName(MysqlCharsets.nameOfCollation(collations[i]));
                byte[][] raw = labels.get(j++);
                String[] values = new String[raw.length];
                for (int k = 0; k < raw.length; k++) {
                    values[k] = new String(raw[k], cs == null ? StandardCharsets.UTF_8 : cs);
                }
                out[i] = values;
            }
        }
        return out;
    }
}
