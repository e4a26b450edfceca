package io.sluice.server.parser.value;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.sql.Types;

/**
 * Renders one column value of a row image as canal's text, as UTF-8 bytes: numbers and dates into a scratch
 * array, UTF-8 text as a slice of the event itself, anything else into a fresh array. The result is left in
 * {@link #vArr}, {@link #vOff}, {@link #vLen} and {@link #vSqlType} (no value object per column); it stays
 * valid until the next value is rendered.
 */
final class ValueRenderer {

    private final boolean canal;
    private final TemporalText temporal;

    // the value rendered last: a slice of the event, of the scratch array or of a fresh array
    byte[] vArr;
    int vOff;
    int vLen;
    /** Its canal sqlType: the column's, or one wider for an unsigned value past the signed range. */
    int vSqlType;
    /** Holds a rendered number or date; at least as long as the longest DECIMAL (65 digits, sign, point). */
    private byte[] scratch = new byte[128];
    /** The scratch array grows for binary values up to this; larger ones get their own array. */
    private static final int MAX_SCRATCH = 64 * 1024;

    ValueRenderer(ValueOptions options, TemporalText temporal) {
        this.canal = options.canalCompatible();
        this.temporal = temporal;
    }

    /**
     * Renders the value of column {@code s} that starts at {@code b[p]} (not NULL); the JSON documents of a
     * before image are kept in {@code beforeJson[index]} when it is given (for partial JSON updates).
     *
     * @return where the next value starts
     */
    int read(byte[] b, int p, ColumnSpec s, JsonNode[] beforeJson, int index) {
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
                int x = le32(b, p);
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
                float x = Float.intBitsToFloat(le32(b, p));
                p += 4;
                int n = FloatText.ofFloat(x, scratch);
                if (n >= 0) {
                    ascii(n);
                } else {
                    asciiText(Float.toString(x));
                }
            }
            case DOUBLE -> {
                double x = Double.longBitsToDouble(le64(b, p));
                p += 8;
                int n = FloatText.ofDouble(x, scratch);
                if (n >= 0) {
                    ascii(n);
                } else {
                    asciiText(Double.toString(x));
                }
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
                int length = s.length(b, p);
                p += s.lengthBytes();
                bytesValue(b, p, length, s, beforeJson, index);
                p += length;
            }
        }
        vSqlType = sqlType;
        return p;
    }

    /** The value is a decimal integer, written into the scratch array (no String). */
    private void digits(int x) {
        byte[] s = scratch;
        int i = 20;
        boolean negative = x < 0;
        if (!negative) {
            x = -x; // counted on the negative side, where Integer.MIN_VALUE fits
        }
        while (x <= -100) {
            int q = x / 100;
            int r = q * 100 - x;
            s[--i] = DigitPairs.ONES[r];
            s[--i] = DigitPairs.TENS[r];
            x = q;
        }
        int r = -x;
        s[--i] = DigitPairs.ONES[r];
        if (r >= 10) {
            s[--i] = DigitPairs.TENS[r];
        }
        if (negative) {
            s[--i] = '-';
        }
        vArr = s;
        vOff = i;
        vLen = 20 - i;
    }

    /** {@link #digits(int)} of a long. */
    private void digits(long x) {
        if (x == (int) x) {
            digits((int) x);
            return;
        }
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

    /**
     * The value is this ASCII text (the JDK's digits of a FLOAT/DOUBLE): its bytes copied in one block, not
     * char by char (the String holds them as Latin-1 bytes already).
     */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int) is exactly "low byte of each char"
    private void asciiText(String v) {
        int n = v.length();
        v.getBytes(0, n, scratch, 0); // at most 26 chars ("-4.9E-324", "-1.7976931348623157E308"), scratch is 128
        vArr = scratch;
        vOff = 0;
        vLen = n;
    }

    private void bytes(byte[] v) {
        vArr = v;
        vOff = 0;
        vLen = v.length;
    }

    /**
     * Bytes shown as an ISO-8859-1 string (canal's BLOB/BINARY form), as that string's UTF-8: the event's own
     * bytes when they are ASCII and need no padding, else written into the scratch array (grown for values up to
     * {@link #MAX_SCRATCH}); no array per value.
     */
    private void latin1(byte[] b, int p, int length, int padTo) {
        int extra = 0;
        for (int i = 0; i < length; i++) {
            extra += b[p + i] >>> 31; // 1 for each byte >= 0x80: two bytes in UTF-8
        }
        if (extra == 0 && length >= padTo) { // ASCII bytes are their own UTF-8: a slice of the event, no copy
            vArr = b;
            vOff = p;
            vLen = length;
            return;
        }
        int size = Math.max(length, padTo) + extra;
        byte[] out;
        if (size <= scratch.length) {
            out = scratch;
        } else if (size <= MAX_SCRATCH) {
            out = scratch = new byte[Math.max(size, Math.min(scratch.length * 2, MAX_SCRATCH))];
        } else {
            out = new byte[size]; // a large BLOB: not kept alive by the decoder after its row
        }
        if (extra == 0) {
            System.arraycopy(b, p, out, 0, length);
        } else {
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
        }
        java.util.Arrays.fill(out, length + extra, size, (byte) 0); // BINARY(n)'s trailing 0x00 bytes
        vArr = out;
        vOff = 0;
        vLen = size;
    }

    private void bytesValue(byte[] b, int p, int length, ColumnSpec s, JsonNode[] beforeJson, int index) {
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
            case BINARY -> latin1(b, p, length, canal ? 0 : s.padTo);
            case GEOMETRY -> latin1(b, p, length, 0);
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

    /** Renders a partial JSON update (binary diffs) of column {@code s}, applied to its before document when known. */
    int readPartialJson(byte[] b, int p, ColumnSpec s, JsonNode before, int index) {
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

    /** Little-endian views of a byte array: one bounds-checked load instead of eight byte loads and shifts. */
    private static final VarHandle LE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private static long le64(byte[] b, int p) {
        return (long) LE64.get(b, p);
    }

    private static int le32(byte[] b, int p) {
        return (int) LE32.get(b, p);
    }
}
