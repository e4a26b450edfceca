package io.sluice.server.parser.value;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class DecimalTextTest {

    /** MySQL's decimal2bin for a positive or negative value, written here from the format's definition. */
    private static byte[] encode(String value, int precision, int scale) {
        BigDecimal d = new BigDecimal(value).setScale(scale);
        boolean negative = d.signum() < 0;
        String digits = d.abs().toPlainString();
        String intPart = digits.contains(".") ? digits.substring(0, digits.indexOf('.')) : digits;
        String frac = digits.contains(".") ? digits.substring(digits.indexOf('.') + 1) : "";
        int intg = precision - scale;
        intPart = "0".repeat(Math.max(0, intg - intPart.length())) + intPart;
        int[] bytesFor = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int lead = intg % 9;
        int pos = 0;
        if (lead > 0) {
            write(out, Integer.parseInt(intPart.substring(0, lead)), bytesFor[lead]);
            pos = lead;
        }
        for (; pos < intg; pos += 9) {
            write(out, Integer.parseInt(intPart.substring(pos, pos + 9)), 4);
        }
        int f = 0;
        for (; f + 9 <= scale; f += 9) {
            write(out, Integer.parseInt(frac.substring(f, f + 9)), 4);
        }
        if (f < scale) {
            write(out, Integer.parseInt(frac.substring(f)), bytesFor[scale - f]);
        }
        byte[] b = out.toByteArray();
        if (negative) {
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) ~b[i];
            }
        }
        b[0] ^= (byte) 0x80;
        return b;
    }

    private static void write(java.io.ByteArrayOutputStream out, int v, int bytes) {
        for (int i = bytes - 1; i >= 0; i--) {
            out.write(v >>> (8 * i));
        }
    }

    private static String exact(String v, int p, int s) {
        byte[] b = encode(v, p, s);
        assertThat(b).hasSize(DecimalText.size(p, s));
        return DecimalText.read(b, 0, p, s, false);
    }

    private static String canal(String v, int p, int s) {
        return DecimalText.read(encode(v, p, s), 0, p, s, true);
    }

    @Test
    void exactRenderingKeepsTheDeclaredScale() {
        assertThat(exact("500.00", 10, 2)).isEqualTo("500.00");
        assertThat(exact("0", 10, 2)).isEqualTo("0.00");
        assertThat(exact("1", 20, 10)).isEqualTo("1.0000000000");
        assertThat(exact("-0.5", 4, 1)).isEqualTo("-0.5");
        assertThat(exact("-123456789012.987654321", 30, 9)).isEqualTo("-123456789012.987654321");
        assertThat(exact("0", 18, 0)).isEqualTo("0");
    }

    @Test
    void canalCompatibleRenderingReproducesItsFractionQuirk() {
        // CANAL-PROTOCOL.md §3.5: partial last fraction group printed only when non-zero, a bare point gets 0
        assertThat(canal("500.00", 10, 2)).isEqualTo("500.0");
        assertThat(canal("0.00", 10, 2)).isEqualTo("0.0");
        assertThat(canal("1.50", 10, 2)).isEqualTo("1.50");
        assertThat(canal("1", 20, 10)).isEqualTo("1.000000000");
        assertThat(canal("0", 18, 0)).isEqualTo("0");
        assertThat(canal("-2.000", 10, 3)).isEqualTo("-2.0");
    }

    @Test
    void exactRenderingIsBigDecimalsPlainTextForRandomValues() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(65);
        for (int i = 0; i < 20_000; i++) {
            int precision = random.nextInt(1, 66);
            int scale = random.nextInt(0, Math.min(precision, 30) + 1);
            int digits = random.nextInt(0, precision + 1);
            StringBuilder unscaled = new StringBuilder(random.nextBoolean() ? "-" : "");
            for (int d = 0; d < Math.max(digits, 1); d++) {
                unscaled.append((char) ('0' + random.nextInt(10)));
            }
            BigDecimal value = new BigDecimal(new java.math.BigInteger(unscaled.toString()), scale);
            String expected = value.signum() == 0 ? BigDecimal.ZERO.setScale(scale).toPlainString() : value.toPlainString();
            assertThat(exact(value.toPlainString(), precision, scale)).as("DECIMAL(%d,%d) %s", precision, scale, value)
                    .isEqualTo(expected);
        }
    }
}
