package io.sluice.server.snapshot;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A decimal value in MySQL's binary DECIMAL form (what a row image holds and
 * {@link io.sluice.server.parser.value.DecimalText} reads): groups of 9 digits in 4 big-endian bytes, the
 * leading integer group and the trailing fraction group in the bytes their digits need, every byte inverted for
 * a negative value, and the first bit flipped so that the bytes sort as the numbers do.
 */
final class DecimalBytes {

    private static final int DIGITS_PER_GROUP = 9;
    private static final int[] BYTES_FOR_DIGITS = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};

    private DecimalBytes() {
    }

    static int size(int precision, int scale) {
        int intg = precision - scale;
        return intg / DIGITS_PER_GROUP * 4 + BYTES_FOR_DIGITS[intg % DIGITS_PER_GROUP]
                + scale / DIGITS_PER_GROUP * 4 + BYTES_FOR_DIGITS[scale % DIGITS_PER_GROUP];
    }

    /** Writes {@code value} as DECIMAL(precision, scale) at {@code out[at]}; returns the position after it. */
    static int write(BigDecimal value, int precision, int scale, byte[] out, int at) {
        BigDecimal v = value.setScale(scale, RoundingMode.UNNECESSARY);
        boolean negative = v.signum() < 0;
        String digits = v.unscaledValue().abs().toString();
        int intg = precision - scale;
        if (digits.length() < scale + 1) {
            digits = "0".repeat(scale + 1 - digits.length()) + digits;
        }
        String intDigits = digits.substring(0, digits.length() - scale);
        String fracDigits = digits.substring(digits.length() - scale);
        if (intDigits.length() > intg) {
            String trimmed = intDigits.replaceFirst("^0+", "");
            if (trimmed.length() > intg) {
                throw new IllegalArgumentException(value + " does not fit DECIMAL(" + precision + "," + scale + ")");
            }
            intDigits = trimmed;
        }
        intDigits = "0".repeat(intg - intDigits.length()) + intDigits;
        int mask = negative ? -1 : 0;
        int p = at;
        int intg0x = intg % DIGITS_PER_GROUP;
        int pos = 0;
        if (intg0x > 0) {
            p = group(out, p, Integer.parseInt(intDigits.substring(0, intg0x)), BYTES_FOR_DIGITS[intg0x], mask);
            pos = intg0x;
        }
        for (; pos < intg; pos += DIGITS_PER_GROUP) {
            p = group(out, p, Integer.parseInt(intDigits.substring(pos, pos + DIGITS_PER_GROUP)), 4, mask);
        }
        int frac0 = scale / DIGITS_PER_GROUP;
        for (int i = 0; i < frac0; i++) {
            p = group(out, p, Integer.parseInt(fracDigits.substring(i * 9, i * 9 + 9)), 4, mask);
        }
        int frac0x = scale % DIGITS_PER_GROUP;
        if (frac0x > 0) {
            p = group(out, p, Integer.parseInt(fracDigits.substring(frac0 * 9)), BYTES_FOR_DIGITS[frac0x], mask);
        }
        out[at] ^= (byte) 0x80;
        return p;
    }

    private static int group(byte[] out, int p, int value, int bytes, int mask) {
        int x = value ^ mask;
        for (int i = bytes - 1; i >= 0; i--) {
            out[p + i] = (byte) x;
            x >>= 8;
        }
        return p + bytes;
    }
}
