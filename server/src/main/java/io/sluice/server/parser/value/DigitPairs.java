package io.sluice.server.parser.value;

/**
 * The two ASCII digits of every number below 100, so that numbers are written two digits per division (the
 * renderers' integer, DECIMAL and date loops run once per value of every row).
 */
final class DigitPairs {

    /** The tens digit of {@code i} for {@code 0 <= i < 100}. */
    static final byte[] TENS = new byte[100];
    /** The ones digit of {@code i} for {@code 0 <= i < 100}. */
    static final byte[] ONES = new byte[100];

    static {
        for (int i = 0; i < 100; i++) {
            TENS[i] = (byte) ('0' + i / 10);
            ONES[i] = (byte) ('0' + i % 10);
        }
    }

    private DigitPairs() {
    }
}
