package io.sluice.server.snapshot;

/**
 * Temporal values as MySQL writes them into row images (the inverse of
 * {@link io.sluice.server.parser.value.TemporalText}), from the text MySQL prints for them:
 * {@code CAST(col AS CHAR)} of DATE, TIME and DATETIME, and {@code UNIX_TIMESTAMP(col)} of TIMESTAMP, which is
 * the stored UTC second without a detour through any time zone.
 */
final class TemporalBytes {

    private static final long DATETIMEF_INT_OFS = 0x8000000000L;
    private static final long TIMEF_INT_OFS = 0x800000L;
    private static final long TIMEF_OFS = 0x800000000000L;

    private TemporalBytes() {
    }

    static int fractionBytes(int fsp) {
        return (fsp + 1) / 2;
    }

    /** {@code YYYY-MM-DD} (zero parts allowed) as 3 little-endian bytes. */
    static int date(String text, byte[] out, int p) {
        int year = Integer.parseInt(text.substring(0, 4));
        int month = Integer.parseInt(text.substring(5, 7));
        int day = Integer.parseInt(text.substring(8, 10));
        int v = day | month << 5 | year << 9;
        out[p] = (byte) v;
        out[p + 1] = (byte) (v >> 8);
        out[p + 2] = (byte) (v >> 16);
        return p + 3;
    }

    /** {@code YYYY-MM-DD hh:mm:ss[.ffffff]} as DATETIME2(fsp). */
    static int datetime2(String text, int fsp, byte[] out, int p) {
        long year = Long.parseLong(text.substring(0, 4));
        long month = Long.parseLong(text.substring(5, 7));
        long day = Long.parseLong(text.substring(8, 10));
        long hour = Long.parseLong(text.substring(11, 13));
        long minute = Long.parseLong(text.substring(14, 16));
        long second = Long.parseLong(text.substring(17, 19));
        int micros = micros(text, 19);
        long ymd = ((year * 13 + month) << 5) | day;
        long hms = (hour << 12) | (minute << 6) | second;
        long intPart = (ymd << 17) | hms;
        p = be(out, p, intPart + DATETIMEF_INT_OFS, 5);
        return fraction(out, p, micros, fsp);
    }

    /** {@code [-]h..h:mm:ss[.ffffff]} as TIME2(fsp), MySQL's packed time with the fraction complemented when negative. */
    static int time2(String text, int fsp, byte[] out, int p) {
        boolean negative = text.startsWith("-");
        String t = negative ? text.substring(1) : text;
        int c1 = t.indexOf(':');
        long hour = Long.parseLong(t.substring(0, c1));
        long minute = Long.parseLong(t.substring(c1 + 1, c1 + 3));
        long second = Long.parseLong(t.substring(c1 + 4, c1 + 6));
        int micros = micros(t, c1 + 6);
        long packed = (((hour << 12) | (minute << 6) | second) << 24) + micros;
        if (negative) {
            packed = -packed;
        }
        // C's >> on a negative packed value floors and % truncates; Java's operators do the same
        long intPart = packed >> 24;
        long frac = packed % (1L << 24);
        switch (fsp) {
            case 1, 2 -> {
                p = be(out, p, intPart + TIMEF_INT_OFS, 3);
                out[p++] = (byte) (frac / 10000);
            }
            case 3, 4 -> {
                p = be(out, p, intPart + TIMEF_INT_OFS, 3);
                p = be(out, p, frac / 100, 2);
            }
            case 5, 6 -> p = be(out, p, packed + TIMEF_OFS, 6);
            default -> p = be(out, p, intPart + TIMEF_INT_OFS, 3);
        }
        return p;
    }

    /** {@code UNIX_TIMESTAMP(col)} text ({@code 1700000000[.ffffff]}, 0 for the zero timestamp) as TIMESTAMP2(fsp). */
    static int timestamp2(String epochText, int fsp, byte[] out, int p) {
        int dot = epochText.indexOf('.');
        long seconds = Long.parseLong(dot < 0 ? epochText : epochText.substring(0, dot));
        int micros = dot < 0 ? 0 : micros(epochText, dot);
        p = be(out, p, seconds, 4);
        return fraction(out, p, micros, fsp);
    }

    /** Microseconds of a {@code .ffffff} part starting at {@code dot} (absent = 0). */
    private static int micros(String text, int dot) {
        if (dot >= text.length() || text.charAt(dot) != '.') {
            return 0;
        }
        String digits = text.substring(dot + 1);
        if (digits.length() > 6) {
            digits = digits.substring(0, 6);
        }
        return Integer.parseInt(digits + "0".repeat(6 - digits.length()));
    }

    private static int fraction(byte[] out, int p, int micros, int fsp) {
        return switch (fsp) {
            case 1, 2 -> be(out, p, micros / 10000, 1);
            case 3, 4 -> be(out, p, micros / 100, 2);
            case 5, 6 -> be(out, p, micros, 3);
            default -> p;
        };
    }

    private static int be(byte[] out, int p, long v, int n) {
        for (int i = n - 1; i >= 0; i--) {
            out[p + i] = (byte) v;
            v >>= 8;
        }
        return p + n;
    }
}
