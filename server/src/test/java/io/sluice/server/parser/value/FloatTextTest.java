package io.sluice.server.parser.value;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * FloatText writes exactly what the JDK's Float.toString/Double.toString write for every value it takes. The
 * reference is the JDK running the test: JDK 17 prints like JDK 8 (canal's), JDK 19+ prints the shortest
 * decimal, which differs for some values outside FloatText's range, so outside JDK 17 only the values both agree
 * on are compared (the assumption below).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FloatTextTest {

    private final byte[] out = new byte[64];
    private long handled;
    private long compared;

    @BeforeAll
    static void jdkPrintsLikeJdk8() {
        // JDK 19+ changed Double.toString (JDK-4511638); this value shows which algorithm the reference runs
        org.junit.jupiter.api.Assumptions.assumeTrue(Double.toString(1.0E23).equals("9.999999999999999E22")
                && Double.toString(2.82879384806159E17).equals("2.82879384806159008E17"),
                "reference is not JDK 8-17's Double.toString");
    }

    @Test
    void writesTheJdksTextForEdgeValues() {
        List<Double> doubles = new ArrayList<>(List.of(0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1e-3, 1e7, 1e-4, 9999999.0,
                9999999.5, 10000000.0, 12345678.0, 100000000.0, 123456789012345.0, 9007199254740991.0,
                9007199254740992.0, 9007199254740993.0, 1e15, 1e16, 1e17, 2.82879384806159E17, 1e23, 2e23,
                4.8726570057E288, Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, Double.NaN,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.001, 0.0015, 0.00999, 123.456, 1234567.25,
                0.30000000000000004, 0.1 + 0.2, 100.0, 1e-3 * 7, 3.141592653589793, 2.718281828459045));
        for (int k = -30; k <= 30; k++) {
            double p = Math.pow(10, k);
            doubles.add(p);
            doubles.add(Math.nextUp(p));
            doubles.add(Math.nextDown(p));
        }
        for (int k = 0; k < 64; k++) {
            double p = Math.scalb(1.0, k);
            doubles.add(p);
            doubles.add(Math.nextUp(p));
            doubles.add(Math.nextDown(p));
        }
        for (double d : doubles) {
            checkDouble(d);
            checkDouble(-d);
            checkFloat((float) d);
            checkFloat((float) -d);
        }
        for (float f : new float[] {Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, 16777215f, 16777216f,
                16777217f, 1e7f, Math.nextDown(1e7f), Math.nextUp(1e7f), 1e-3f, Math.nextDown(1e-3f), 0.1f, 1.1f,
                3.4028235E38f, 2e-8f, 123.4f, 999999.9f, 1234567f}) {
            checkFloat(f);
            checkFloat(-f);
        }
        assertThat(handled).isGreaterThan(300);
    }

    @Test
    void writesTheJdksTextForRandomDoubleBits() {
        SplittableRandom random = new SplittableRandom(20261207);
        for (int i = 0; i < 2_000_000; i++) {
            checkDouble(Double.longBitsToDouble(random.nextLong()));
        }
        // the values of typical columns: random doubles in a small range (RAND() * 1000)
        for (int i = 0; i < 1_000_000; i++) {
            checkDouble(random.nextDouble() * Math.pow(10, random.nextInt(-4, 9)));
        }
        assertThat(compared).isEqualTo(3_000_000);
    }

    @Test
    void writesTheJdksTextForDecimalsOfEveryLength() {
        SplittableRandom random = new SplittableRandom(42);
        long handledBefore = handled;
        for (int i = 0; i < 3_000_000; i++) {
            int digits = random.nextInt(1, 18);
            long m = random.nextLong(pow10(digits));
            int scale = random.nextInt(-10, 25);
            double d = BigDecimal.valueOf(m, scale).doubleValue();
            checkDouble(d);
            checkDouble(-d);
        }
        // prices, measurements and integers as columns hold them: most of these take the fast path
        assertThat(handled - handledBefore).isGreaterThan(2_000_000);
    }

    @Test
    void writesTheJdksTextForIntegers() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 1_000_000; i++) {
            checkDouble(random.nextLong(1L << 53));
            checkDouble(random.nextLong(1L << 53, 1L << 62));
            checkDouble(random.nextLong(1_000_000_000L));
            checkFloat(random.nextInt(1 << 24));
            checkFloat(random.nextInt(1 << 24, Integer.MAX_VALUE));
        }
    }

    @Test
    void writesTheJdksTextForFloats() {
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 2_000_000; i++) {
            checkFloat(Float.intBitsToFloat(random.nextInt()));
            int digits = random.nextInt(1, 9);
            long m = random.nextLong(pow10(digits));
            checkFloat(BigDecimal.valueOf(m, random.nextInt(-4, 14)).floatValue());
            checkFloat((float) (random.nextDouble() * Math.pow(10, random.nextInt(-4, 9))));
        }
        // a sweep over every float bit pattern with a prime stride: every binade, both signs
        for (long bits = 0; bits <= 0xFFFF_FFFFL; bits += 1021) {
            checkFloat(Float.intBitsToFloat((int) bits));
        }
        assertThat(handled).isGreaterThan(1_000_000);
    }

    private void checkDouble(double d) {
        int n = FloatText.ofDouble(d, out);
        compared++;
        if (n >= 0) {
            handled++;
            String expected = Double.toString(d);
            String actual = new String(out, 0, n, StandardCharsets.US_ASCII);
            if (!actual.equals(expected)) { // assertThat per value is too slow for millions
                assertThat(actual).as("Double.toString of %s (bits %x)", expected, Double.doubleToRawLongBits(d))
                        .isEqualTo(expected);
            }
        }
    }

    private void checkFloat(float f) {
        int n = FloatText.ofFloat(f, out);
        compared++;
        if (n >= 0) {
            handled++;
            String expected = Float.toString(f);
            String actual = new String(out, 0, n, StandardCharsets.US_ASCII);
            if (!actual.equals(expected)) {
                assertThat(actual).as("Float.toString of %s (bits %x)", expected, Float.floatToRawIntBits(f))
                        .isEqualTo(expected);
            }
        }
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }
}
