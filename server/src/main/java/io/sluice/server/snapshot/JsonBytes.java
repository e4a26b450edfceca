package io.sluice.server.snapshot;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.DoubleNode;
import io.sluice.server.parser.value.JsonText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A MySQL JSON column's text (as {@code SELECT} returns it) in MySQL's binary JSON form, the form a row image
 * holds, so that the parser's {@link io.sluice.server.parser.value.JsonBinary} renders it. Objects and arrays
 * are written in the large layout; a number is a double when MySQL would print that double exactly as the
 * text reads, otherwise a decimal with the text's scale, so the rendering reproduces the text.
 */
final class JsonBytes {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final int LARGE_OBJECT = 0x01;
    private static final int LARGE_ARRAY = 0x03;
    private static final int LITERAL = 0x04;
    private static final int INT64 = 0x09;
    private static final int UINT64 = 0x0A;
    private static final int DOUBLE = 0x0B;
    private static final int STRING = 0x0C;
    private static final int OPAQUE = 0x0F;
    private static final int MYSQL_TYPE_NEWDECIMAL = 246;

    private JsonBytes() {
    }

    /** One encoded value: its type and the bytes after the type (for a literal, its one byte). */
    private record Value(int type, byte[] bytes) {
    }

    static byte[] of(String text) {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return new byte[0];
            }
            Value v = value(p, first);
            byte[] out = new byte[1 + v.bytes().length];
            out[0] = (byte) v.type();
            System.arraycopy(v.bytes(), 0, out, 1, v.bytes().length);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("JSON value does not parse: " + e.getMessage(), e);
        }
    }

    private static Value value(JsonParser p, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> object(p);
            case START_ARRAY -> array(p);
            case VALUE_STRING -> new Value(STRING, string(p.getText()));
            case VALUE_TRUE -> new Value(LITERAL, new byte[] {1});
            case VALUE_FALSE -> new Value(LITERAL, new byte[] {2});
            case VALUE_NULL -> new Value(LITERAL, new byte[] {0});
            case VALUE_NUMBER_INT -> integer(new BigInteger(p.getText()), p.getText());
            case VALUE_NUMBER_FLOAT -> fraction(p.getText());
            default -> throw new IOException("unexpected " + token);
        };
    }

    private static Value integer(BigInteger v, String text) {
        if (v.bitLength() < 64) {
            return new Value(INT64, le(v.longValue(), 8));
        }
        if (v.signum() > 0 && v.compareTo(UINT64_MAX) <= 0) {
            return new Value(UINT64, le(v.longValue(), 8));
        }
        return new Value(DOUBLE, le(Double.doubleToLongBits(Double.parseDouble(text)), 8));
    }

    private static Value fraction(String text) {
        double d = Double.parseDouble(text);
        if (text.indexOf('e') >= 0 || text.indexOf('E') >= 0 || JsonText.write(DoubleNode.valueOf(d)).equals(text)) {
            return new Value(DOUBLE, le(Double.doubleToLongBits(d), 8));
        }
        BigDecimal dec = new BigDecimal(text);
        int scale = Math.max(0, dec.scale());
        int precision = Math.max(dec.precision(), scale + 1);
        byte[] digits = new byte[DecimalBytes.size(precision, scale)];
        DecimalBytes.write(dec, precision, scale, digits, 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(MYSQL_TYPE_NEWDECIMAL);
        varlen(out, digits.length + 2);
        out.write(precision);
        out.write(scale);
        out.writeBytes(digits);
        return new Value(OPAQUE, out.toByteArray());
    }

    private static byte[] string(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(utf8.length + 4);
        varlen(out, utf8.length);
        out.writeBytes(utf8);
        return out.toByteArray();
    }

    private static Value object(JsonParser p) throws IOException {
        List<byte[]> keys = new ArrayList<>();
        List<Value> values = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_OBJECT) {
            keys.add(p.currentName().getBytes(StandardCharsets.UTF_8));
            values.add(value(p, p.nextToken()));
        }
        int n = keys.size();
        int header = 8 + n * 6 + n * 5;
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        byte[] head = new byte[header];
        put(head, 0, n, 4);
        int offset = header;
        for (int i = 0; i < n; i++) {
            put(head, 8 + i * 6, offset, 4);
            put(head, 8 + i * 6 + 4, keys.get(i).length, 2);
            tail.writeBytes(keys.get(i));
            offset += keys.get(i).length;
        }
        offset = entries(head, 8 + n * 6, values, tail, offset);
        put(head, 4, offset, 4);
        return new Value(LARGE_OBJECT, concat(head, tail.toByteArray()));
    }

    private static Value array(JsonParser p) throws IOException {
        List<Value> values = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            values.add(value(p, t));
        }
        int n = values.size();
        int header = 8 + n * 5;
        byte[] head = new byte[header];
        put(head, 0, n, 4);
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        int size = entries(head, 8, values, tail, header);
        put(head, 4, size, 4);
        return new Value(LARGE_ARRAY, concat(head, tail.toByteArray()));
    }

    /** Value entries at {@code at}: literals inline, everything else appended to {@code tail} at its offset. */
    private static int entries(byte[] head, int at, List<Value> values, ByteArrayOutputStream tail, int offset) {
        for (int i = 0; i < values.size(); i++) {
            Value v = values.get(i);
            int e = at + i * 5;
            head[e] = (byte) v.type();
            if (v.type() == LITERAL) {
                head[e + 1] = v.bytes()[0];
            } else {
                put(head, e + 1, offset, 4);
                tail.writeBytes(v.bytes());
                offset += v.bytes().length;
            }
        }
        return offset;
    }

    private static void varlen(ByteArrayOutputStream out, int length) {
        int v = length;
        do {
            int b = v & 0x7F;
            v >>>= 7;
            out.write(v != 0 ? b | 0x80 : b);
        } while (v != 0);
    }

    private static void put(byte[] b, int p, long v, int n) {
        for (int i = 0; i < n; i++) {
            b[p + i] = (byte) (v >> (8 * i));
        }
    }

    private static byte[] le(long v, int n) {
        byte[] b = new byte[n];
        put(b, 0, v, n);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
