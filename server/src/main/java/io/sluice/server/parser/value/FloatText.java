package io.sluice.server.parser.value;

/**
 * canal's text of FLOAT and DOUBLE values ({@code Float.toString}/{@code Double.toString} as JDK 8 to 17 write
 * them) for the values that are cheap to get right, written as ASCII into an array; every other value is left to
 * the JDK ({@code -1}). The JDK's algorithm of those versions is not always the shortest representation (JDK 19
 * changed it, and canal runs on JDK 8), so this class does not reimplement it: it only takes values where that
 * algorithm provably prints the shortest decimal, and prints that:
 *
 * <ul>
 *   <li>zero, and integers below 2^53 (DOUBLE) or 2^24 (FLOAT): the JDK prints their exact digits;</li>
 *   <li>values from 10^-3 to below 10^7 whose shortest decimal has at most 15 (DOUBLE) or 6 (FLOAT) significant
 *       digits: such decimals are the only ones of that length that round to the value (DBL_DIG, FLT_DIG), and
 *       the JDK's digit loop finds them (checked against the JDK on millions of values, FloatTextTest).</li>
 * </ul>
 *
 * The shortest decimal is found by scaling: the first {@code f} for which {@code m = rint(|v|·10^f)} divided by
 * the exact {@code 10^f} gives back {@code |v|} (IEEE division rounds exactly as parsing {@code m·10^-f} does).
 * A double that needs more than 15 digits (a random one: 17) is recognised by one such try and handed to the JDK.
 */
final class FloatText {

    /** 10^0 .. 10^17, all exact doubles. */
    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
            1e14, 1e15, 1e16, 1e17};
    private static final long[] LONG_POW10 = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
            100_000_000L, 1_000_000_000L, 10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L,
            100_000_000_000_000L, 1_000_000_000_000_000L, 10_000_000_000_000_000L, 100_000_000_000_000_000L};
    private static final double TWO_53 = 9007199254740992.0;
    private static final float TWO_24 = 16777216f;

    private FloatText() {
    }

    /**
     * Writes {@code Double.toString(v)} (JDK 8–17) into {@code out} from index 0 when {@code v} is one of the
     * values this class handles.
     *
     * @param out at least 32 bytes
     * @return the length written, or -1 when the caller must use {@code Double.toString}
     */
    static int ofDouble(double v, byte[] out) {
        int p = 0;
        if (v < 0 || (v == 0 && Double.doubleToRawLongBits(v) != 0)) {
            out[p++] = '-';
        }
        double a = Math.abs(v);
        if (a == 0) {
            return zero(out, p);
        }
        if (a >= 1e-3 && a < 1e7) {
            // the fraction digits of 15 significant ones: a shorter decimal is also one of that many digits, so
            // when none of 15 digits gives the value back (random doubles: 17 digits) no shorter one does either
            int most = 14 - decimalExponent(a);
            if (a * POW10[most] < 1e15 && roundTrips(a, most)) {
                for (int f = 0; f < most; f++) {
                    if (roundTrips(a, f)) {
                        return plain((long) Math.rint(a * POW10[f]), f, out, p);
                    }
                }
                return plain((long) Math.rint(a * POW10[most]), most, out, p);
            }
            return -1;
        }
        if (a >= 1e7 && a < TWO_53 && a == Math.rint(a)) {
            return scientific((long) a, out, p);
        }
        return -1;
    }

    /**
     * Writes {@code Float.toString(v)} (JDK 8–17) into {@code out} from index 0 when {@code v} is one of the
     * values this class handles.
     *
     * @param out at least 32 bytes
     * @return the length written, or -1 when the caller must use {@code Float.toString}
     */
    static int ofFloat(float v, byte[] out) {
        int p = 0;
        if (v < 0 || (v == 0 && Float.floatToRawIntBits(v) != 0)) {
            out[p++] = '-';
        }
        float a = Math.abs(v);
        if (a == 0) {
            return zero(out, p);
        }
        if (a < TWO_24 && a == (float) Math.rint(a)) {
            long x = (long) a;
            return a < 1e7f ? plain(x, 0, out, p) : scientific(x, out, p);
        }
        if (a >= 1e-3f && a < 1e7f) {
            for (int f = 1; f <= 9; f++) {
                double scaled = a * POW10[f];
                if (scaled >= 1e6) {
                    return -1; // more than 6 significant digits
                }
                long m = (long) Math.rint(scaled);
                if ((float) m / (float) POW10[f] == a) { // both exact floats: one correctly rounded division
                    return plain(m, f, out, p);
                }
            }
        }
        return -1;
    }

    /** Whether some m·10^-f rounds to {@code a} (then m = rint(a·10^f), off by less than 0.2 before rounding). */
    private static boolean roundTrips(double a, int f) {
        return Math.rint(a * POW10[f]) / POW10[f] == a;
    }

    /** k with 10^k <= a < 10^(k+1), for 10^-3 <= a < 10^7. */
    private static int decimalExponent(double a) {
        if (a < 1) { // the doubles 0.1 and 0.01 lie above 1/10 and 1/100: "a >= 0.1" is "a >= 1/10"
            return a >= 0.1 ? -1 : a >= 0.01 ? -2 : -3;
        }
        int k = 0;
        while (k < 6 && a >= POW10[k + 1]) {
            k++;
        }
        return k;
    }

    private static int zero(byte[] out, int p) {
        out[p++] = '0';
        out[p++] = '.';
        out[p++] = '0';
        return p;
    }

    /** m·10^-f as the JDK prints values from 10^-3 to below 10^7: integer part, point, fraction or "0". */
    private static int plain(long m, int f, byte[] out, int p) {
        long whole = m / LONG_POW10[f];
        long fraction = m - whole * LONG_POW10[f];
        p = digits(whole, out, p);
        out[p++] = '.';
        if (f == 0) {
            out[p++] = '0';
            return p;
        }
        int end = p + f;
        for (int i = end - 1; i >= p; i--) { // leading zeros of the fraction kept; f is minimal, so no trailing ones
            out[i] = (byte) ('0' + fraction % 10);
            fraction /= 10;
        }
        return end;
    }

    /** An integer of 8 or more digits as the JDK prints it: d.ddd (trailing zeros dropped, at least one digit) E exponent. */
    private static int scientific(long x, byte[] out, int p) {
        int start = p;
        int end = digits(x, out, p + 1); // digits at p+1..end-1, moved left by one for the point
        int exponent = end - (p + 1) - 1;
        out[start] = out[start + 1];
        out[start + 1] = '.';
        int last = end - 1;
        while (last > start + 1 && out[last] == '0') {
            last--;
        }
        p = last + 1;
        if (last == start + 1) {
            out[p++] = '0';
        }
        out[p++] = 'E';
        return digits(exponent, out, p);
    }

    private static int digits(long x, byte[] out, int p) {
        int n = 1;
        for (long t = x; t >= 10; t /= 10) {
            n++;
        }
        for (int i = p + n - 1; i >= p; i--) {
            out[i] = (byte) ('0' + x % 10);
            x /= 10;
        }
        return p + n;
    }
}
