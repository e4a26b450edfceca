package io.sluice.server.parser.value;

/**
 * MySQL's binary DECIMAL (NEWDECIMAL) as text. The value is stored as groups of 9 decimal digits in 4 big-endian
 * bytes, the leading integer group and the trailing fraction group shortened to the bytes their digits need;
 * the first bit is the sign (set = positive) and negative values have every byte inverted.
 */
public final class DecimalText {

    private static final int DIGITS_PER_GROUP = 9;
    private static final int[] BYTES_FOR_DIGITS = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
    private static final int[] POW10 = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

    private DecimalText() {
    }

    /** Bytes a DECIMAL(precision, scale) value takes in a row image. */
    public static int size(int precision, int scale) {
        int intg = precision - scale;
        return intg / DIGITS_PER_GROUP * 4 + BYTES_FOR_DIGITS[intg % DIGITS_PER_GROUP]
                + scale / DIGITS_PER_GROUP * 4 + BYTES_FOR_DIGITS[scale % DIGITS_PER_GROUP];
    }

    /**
     * The exact value with all {@code scale} fraction digits and no exponent ({@code 500.00}, {@code -0.0001}).
     * With {@code canal == true}, canal 1.1.x's rendering: full 9-digit fraction groups, the last partial group
     * only when it is not zero, and {@code 0} after a bare point ({@code 500.0} for 500.00).
     */
    public static String read(byte[] b, int pos, int precision, int scale, boolean canal) {
        byte[] out = new byte[maxLength(precision, scale)];
        int n = read(b, pos, precision, scale, canal, out);
        return new String(out, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** The longest text of a DECIMAL(precision, scale): sign, digits, point, canal's extra 0. */
    public static int maxLength(int precision, int scale) {
        return 2 + Math.max(precision - scale, 1) + scale + 1;
    }

    /** {@link #read(byte[], int, int, int, boolean)} as ASCII into {@code out}; returns the length. */
    public static int read(byte[] b, int pos, int precision, int scale, boolean canal, byte[] out) {
        int intg = precision - scale;
        int intg0 = intg / DIGITS_PER_GROUP;
        int intg0x = intg % DIGITS_PER_GROUP;
        int frac0 = scale / DIGITS_PER_GROUP;
        int frac0x = scale % DIGITS_PER_GROUP;
        int mask = (b[pos] & 0x80) != 0 ? 0 : -1;
        int n = 0;
        if (mask != 0) {
            out[n++] = '-';
        }
        int signEnd = n;
        int p = pos;
        boolean first = true;
        if (intg0x > 0) {
            int bytes = BYTES_FOR_DIGITS[intg0x];
            int x = readGroup(b, p, bytes, first, mask);
            first = false;
            p += bytes;
            n = appendDigits(out, n, x, intg0x, n == signEnd);
        }
        for (int i = 0; i < intg0; i++) {
            int x = readGroup(b, p, 4, first, mask);
            first = false;
            p += 4;
            n = appendDigits(out, n, x, DIGITS_PER_GROUP, n == signEnd);
        }
        if (n == signEnd) {
            out[n++] = '0';
        }
        boolean nonZero = false;
        for (int i = signEnd; i < n; i++) {
            nonZero |= out[i] != '0';
        }
        if (scale > 0) {
            out[n++] = '.';
            int pointAt = n;
            for (int i = 0; i < frac0; i++) {
                int x = readGroup(b, p, 4, first, mask);
                first = false;
                p += 4;
                nonZero |= x != 0;
                n = appendDigits(out, n, x, DIGITS_PER_GROUP, false);
            }
            if (frac0x > 0) {
                int bytes = BYTES_FOR_DIGITS[frac0x];
                int x = readGroup(b, p, bytes, first, mask);
                nonZero |= x != 0;
                if (!canal || x != 0) {
                    n = appendDigits(out, n, x, frac0x, false);
                }
            }
            if (canal && n == pointAt) {
                out[n++] = '0';
            }
        }
        if (!nonZero && signEnd == 1) {
            System.arraycopy(out, 1, out, 0, n - 1); // no negative zero
            return n - 1;
        }
        return n;
    }

    /** Big-endian group of {@code bytes}, the value's sign bit cleared, complemented back for negative values. */
    private static int readGroup(byte[] b, int p, int bytes, boolean first, int mask) {
        int x = 0;
        for (int i = 0; i < bytes; i++) {
            int v = b[p + i] & 0xFF;
            if (first && i == 0) {
                v ^= 0x80;
            }
            x = (x << 8) | v;
        }
        return bytes == 4 ? x ^ mask : x ^ (mask & ((1 << (bytes * 8)) - 1));
    }

    /** The low {@code digits} digits of {@code x}, written from the right, two per division by the constant 100. */
    private static int appendDigits(byte[] out, int n, int x, int digits, boolean skipLeadingZeros) {
        int count = digits;
        if (skipLeadingZeros) {
            count = 0;
            while (count < digits && x >= POW10[count]) {
                count++;
            }
        }
        int i = n + count;
        while (i - n >= 2) {
            int q = x / 100;
            int r = x - q * 100;
            out[--i] = DigitPairs.ONES[r];
            out[--i] = DigitPairs.TENS[r];
            x = q;
        }
        if (i > n) {
            out[--i] = (byte) ('0' + x % 10);
        }
        return n + count;
    }
}
