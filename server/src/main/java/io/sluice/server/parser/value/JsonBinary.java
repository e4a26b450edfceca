package io.sluice.server.parser.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * MySQL's binary JSON (the storage format of a JSON column in row images) decoded into a tree. Object members
 * keep the stored order (MySQL sorts keys by length, then bytes), which is the order MySQL prints. Opaque DATE,
 * TIME and DATETIME become strings, opaque DECIMAL a number with its scale, any other opaque value MySQL's
 * {@code base64:typeNN:...} string.
 */
public final class JsonBinary {

    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final int SMALL_OBJECT = 0x00;
    private static final int LARGE_OBJECT = 0x01;
    private static final int SMALL_ARRAY = 0x02;
    private static final int LARGE_ARRAY = 0x03;
    private static final int LITERAL = 0x04;
    private static final int INT16 = 0x05;
    private static final int UINT16 = 0x06;
    private static final int INT32 = 0x07;
    private static final int UINT32 = 0x08;
    private static final int INT64 = 0x09;
    private static final int UINT64 = 0x0A;
    private static final int DOUBLE = 0x0B;
    private static final int STRING = 0x0C;
    private static final int OPAQUE = 0x0F;

    private JsonBinary() {
    }

    /** A whole document: type byte then value, in {@code b[from, from + length)}; an empty value is JSON null. */
    public static JsonNode parse(byte[] b, int from, int length) {
        if (length == 0) {
            return NODES.nullNode();
        }
        return value(b[from] & 0xFF, b, from + 1, from + length);
    }

    private static JsonNode value(int type, byte[] b, int p, int end) {
        return switch (type) {
            case SMALL_OBJECT -> object(b, p, end, false);
            case LARGE_OBJECT -> object(b, p, end, true);
            case SMALL_ARRAY -> array(b, p, end, false);
            case LARGE_ARRAY -> array(b, p, end, true);
            case LITERAL -> literal(b[p] & 0xFF);
            case INT16 -> NODES.numberNode((short) u16(b, p));
            case UINT16 -> NODES.numberNode(u16(b, p));
            case INT32 -> NODES.numberNode((int) u32(b, p));
            case UINT32 -> NODES.numberNode(u32(b, p));
            case INT64 -> NODES.numberNode(u64(b, p));
            case UINT64 -> {
                long v = u64(b, p);
                yield v >= 0 ? NODES.numberNode(v) : NODES.numberNode(new BigInteger(Long.toUnsignedString(v)));
            }
            case DOUBLE -> NODES.numberNode(Double.longBitsToDouble(u64(b, p)));
            case STRING -> {
                long[] len = varlen(b, p);
                int start = (int) len[1];
                yield NODES.textNode(new String(b, start, (int) len[0], StandardCharsets.UTF_8));
            }
            case OPAQUE -> opaque(b[p] & 0xFF, b, p + 1);
            default -> throw new IllegalArgumentException("unknown binary JSON value type " + type);
        };
    }

    private static JsonNode object(byte[] b, int base, int end, boolean large) {
        int width = large ? 4 : 2;
        int count = (int) read(b, base, width);
        ObjectNode node = NODES.objectNode();
        int keyEntries = base + 2 * width;
        int valueEntries = keyEntries + count * (width + 2);
        for (int i = 0; i < count; i++) {
            int keyEntry = keyEntries + i * (width + 2);
            int keyOffset = (int) read(b, keyEntry, width);
            int keyLength = u16(b, keyEntry + width);
            String key = new String(b, base + keyOffset, keyLength, StandardCharsets.UTF_8);
            node.set(key, entry(b, base, valueEntries + i * (1 + width), width, large, end));
        }
        return node;
    }

    private static JsonNode array(byte[] b, int base, int end, boolean large) {
        int width = large ? 4 : 2;
        int count = (int) read(b, base, width);
        ArrayNode node = NODES.arrayNode(count);
        int valueEntries = base + 2 * width;
        for (int i = 0; i < count; i++) {
            node.add(entry(b, base, valueEntries + i * (1 + width), width, large, end));
        }
        return node;
    }

    /** A value entry: its type, then the value itself when it fits in the offset field, else its offset. */
    private static JsonNode entry(byte[] b, int base, int at, int width, boolean large, int end) {
        int type = b[at] & 0xFF;
        int field = at + 1;
        switch (type) {
            case LITERAL:
                return literal(b[field] & 0xFF);
            case INT16:
                return NODES.numberNode((short) u16(b, field));
            case UINT16:
                return NODES.numberNode(u16(b, field));
            case INT32:
                if (large) {
                    return NODES.numberNode((int) u32(b, field));
                }
                break;
            case UINT32:
                if (large) {
                    return NODES.numberNode(u32(b, field));
                }
                break;
            default:
                break;
        }
        int offset = (int) read(b, field, width);
        return value(type, b, base + offset, end);
    }

    private static JsonNode literal(int v) {
        return switch (v) {
            case 0x00 -> NODES.nullNode();
            case 0x01 -> NODES.booleanNode(true);
            case 0x02 -> NODES.booleanNode(false);
            default -> throw new IllegalArgumentException("unknown binary JSON literal " + v);
        };
    }

    private static JsonNode opaque(int mysqlType, byte[] b, int p) {
        long[] len = varlen(b, p);
        int start = (int) len[1];
        int length = (int) len[0];
        switch (mysqlType) {
            case 246: { // NEWDECIMAL: precision, scale, binary decimal
                int precision = b[start] & 0xFF;
                int scale = b[start + 1] & 0xFF;
                return NODES.numberNode(new BigDecimal(DecimalText.read(b, start + 2, precision, scale, false)));
            }
            case 10: // DATE
            case 11: // TIME
            case 12: // DATETIME
            case 7: { // TIMESTAMP
                long packed = u64(b, start);
                return NODES.textNode(packedTemporal(mysqlType, packed));
            }
            default: {
                byte[] raw = java.util.Arrays.copyOfRange(b, start, start + length);
                return NODES.textNode("base64:type" + mysqlType + ":" + Base64.getEncoder().encodeToString(raw));
            }
        }
    }

    /** MySQL's in-memory packed DATETIME/TIME ({@code int part << 24 | microseconds}), as JSON prints it. */
    private static String packedTemporal(int mysqlType, long packed) {
        boolean negative = packed < 0;
        long abs = Math.abs(packed);
        int micros = (int) (abs % (1 << 24));
        long intPart = abs >> 24;
        if (mysqlType == 11) {
            return TemporalText.time(negative, (int) ((intPart >> 12) % 1024), (int) ((intPart >> 6) % 64),
                    (int) (intPart % 64), micros, 6);
        }
        long ymd = intPart >> 17;
        long ym = ymd >> 5;
        long hms = intPart % (1 << 17);
        String full = TemporalText.datetime((int) (ym / 13), (int) (ym % 13), (int) (ymd % 32), (int) (hms >> 12),
                (int) ((hms >> 6) % 64), (int) (hms % 64), micros, 6);
        return mysqlType == 10 ? full.substring(0, 10) : full;
    }

    /** A variable-length length: 7 bits per byte, low bits first. Returns {length, position after it}. */
    static long[] varlen(byte[] b, int p) {
        long v = 0;
        int shift = 0;
        while (true) {
            int x = b[p++] & 0xFF;
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return new long[] {v, p};
            }
            shift += 7;
        }
    }

    private static long read(byte[] b, int p, int width) {
        return width == 2 ? u16(b, p) : u32(b, p);
    }

    private static int u16(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
    }

    private static long u32(byte[] b, int p) {
        return (b[p] & 0xFFL) | (b[p + 1] & 0xFFL) << 8 | (b[p + 2] & 0xFFL) << 16 | (b[p + 3] & 0xFFL) << 24;
    }

    private static long u64(byte[] b, int p) {
        return u32(b, p) | u32(b, p + 4) << 32;
    }
}
