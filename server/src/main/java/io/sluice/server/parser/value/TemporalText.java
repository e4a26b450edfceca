package io.sluice.server.parser.value;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;

/**
 * MySQL's temporal encodings in row images, printed the way MySQL prints them: fields zero-padded (a zero date
 * stays {@code 0000-00-00}), fractions with exactly the column's declared digits, TIME signed and with hours
 * beyond 24. TIMESTAMP is an epoch second and is printed in the configured zone.
 */
public final class TemporalText {

    private static final long DATETIMEF_INT_OFS = 0x8000000000L;
    private static final long TIMEF_INT_OFS = 0x800000L;
    private static final long TIMEF_OFS = 0x800000000000L;

    private final ZoneRules zone;
    private final boolean utc;
    /**
     * The last day {@link #timestamp} computed: its epoch day in the high 32 bits, year, month and day in the low
     * (year &lt;&lt; 9 | month &lt;&lt; 5 | day). One long, so a reader never sees a day with another day's date.
     */
    private long lastDay = Long.MIN_VALUE;

    public TemporalText(ZoneId zone) {
        this.zone = zone.getRules();
        this.utc = zone.getRules().isFixedOffset() && zone.getRules().getOffset(Instant.EPOCH).equals(ZoneOffset.UTC);
    }

    /** Bytes of the fraction part for a fractional-seconds precision. */
    public static int fractionBytes(int fsp) {
        return (fsp + 1) / 2;
    }

    /** The longest text these write into a caller's array: a DATETIME with six fraction digits. */
    public static final int MAX_LENGTH = 26;

    /** DATE: 3 bytes little-endian, day:5 month:4 year:15. */
    public static String date(byte[] b, int p) {
        byte[] out = new byte[MAX_LENGTH];
        return text(out, date(b, p, out));
    }

    /** {@link #date(byte[], int)} as ASCII into {@code out}; returns the length. */
    public static int date(byte[] b, int p, byte[] out) {
        int v = (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16;
        put4(out, 0, v >>> 9);
        out[4] = '-';
        put2(out, 5, (v >>> 5) & 0xF);
        out[7] = '-';
        put2(out, 8, v & 0x1F);
        return 10;
    }

    /** DATETIME2(fsp): 5 bytes big-endian (offset by 2^39) then the fraction. */
    public static String datetime2(byte[] b, int p, int fsp) {
        byte[] out = new byte[MAX_LENGTH];
        return text(out, datetime2(b, p, fsp, out));
    }

    /** {@link #datetime2(byte[], int, int)} as ASCII into {@code out}; returns the length. */
    public static int datetime2(byte[] b, int p, int fsp, byte[] out) {
        long intPart = be5(b, p) - DATETIMEF_INT_OFS;
        int micros = fraction(b, p + 5, fsp);
        long ymd = intPart >> 17;
        long ym = ymd >> 5;
        long hms = intPart % (1 << 17);
        return datetime(out, (int) (ym / 13), (int) (ym % 13), (int) (ymd % 32), (int) (hms >> 12),
                (int) ((hms >> 6) % 64), (int) (hms % 64), micros, fsp);
    }

    /** Pre-5.6 DATETIME: 8 bytes little-endian holding the decimal number YYYYMMDDhhmmss. */
    public static String datetime(long v) {
        byte[] out = new byte[MAX_LENGTH];
        return text(out, datetime(v, out));
    }

    /** {@link #datetime(long)} as ASCII into {@code out}; returns the length. */
    public static int datetime(long v, byte[] out) {
        long d = v / 1000000;
        long t = v % 1000000;
        return datetime(out, (int) (d / 10000), (int) (d % 10000 / 100), (int) (d % 100), (int) (t / 10000),
                (int) (t % 10000 / 100), (int) (t % 100), 0, 0);
    }

    /** TIMESTAMP2(fsp): 4 bytes big-endian epoch seconds then the fraction; 0 is the zero timestamp. */
    public String timestamp2(byte[] b, int p, int fsp) {
        byte[] out = new byte[MAX_LENGTH];
        return text(out, timestamp2(b, p, fsp, out));
    }

    /** {@link #timestamp2(byte[], int, int)} as ASCII into {@code out}; returns the length. */
    public int timestamp2(byte[] b, int p, int fsp, byte[] out) {
        return timestamp(be4(b, p), fraction(b, p + 4, fsp), fsp, out);
    }

    public String timestamp(long epochSecond, int micros, int fsp) {
        byte[] out = new byte[MAX_LENGTH];
        return text(out, timestamp(epochSecond, micros, fsp, out));
    }

    /** {@link #timestamp(long, int, int)} as ASCII into {@code out}; returns the length. */
    public int timestamp(long epochSecond, int micros, int fsp, byte[] out) {
        if (epochSecond == 0 && micros == 0) {
            return datetime(out, 0, 0, 0, 0, 0, 0, 0, fsp);
        }
        long local = epochSecond + (utc ? 0 : zone.getOffset(Instant.ofEpochSecond(epochSecond)).getTotalSeconds());
        long days = Math.floorDiv(local, 86400);
        int secondOfDay = (int) Math.floorMod(local, 86400);
        long cached = lastDay;
        if (days == cached >> 32 && cached != Long.MIN_VALUE) { // rows mostly carry timestamps of the same day
            int ymd = (int) cached;
            return datetime(out, ymd >>> 9, (ymd >>> 5) & 0xF, ymd & 0x1F, secondOfDay / 3600, secondOfDay / 60 % 60,
                    secondOfDay % 60, micros, fsp);
        }
        // civil-from-days (proleptic Gregorian), as java.time does
        long z = days + 719468;
        long era = Math.floorDiv(z, 146097);
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
        if (year >= 0 && year < 1 << 22 && days == (int) days) {
            lastDay = days << 32 | (long) year << 9 | month << 5 | day;
        }
        return datetime(out, year, month, day, secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60, micros,
                fsp);
    }

    /** TIME2(fsp): 3 bytes big-endian (offset by 2^23) plus the fraction, as MySQL's packed time. */
    public static String time2(byte[] b, int p, int fsp) {
        long packed;
        switch (fsp) {
            case 1, 2 -> {
                long intPart = be(b, p, 3) - TIMEF_INT_OFS;
                int frac = b[p + 3] & 0xFF;
                if (intPart < 0 && frac > 0) {
                    intPart++; // negative values store the fraction complemented, for binary sort order
                    frac -= 0x100;
                }
                packed = (intPart << 24) + frac * 10000L;
            }
            case 3, 4 -> {
                long intPart = be(b, p, 3) - TIMEF_INT_OFS;
                int frac = (b[p + 3] & 0xFF) << 8 | (b[p + 4] & 0xFF);
                if (intPart < 0 && frac > 0) {
                    intPart++;
                    frac -= 0x10000;
                }
                packed = (intPart << 24) + frac * 100L;
            }
            case 5, 6 -> packed = be(b, p, 6) - TIMEF_OFS;
            default -> packed = (be(b, p, 3) - TIMEF_INT_OFS) << 24;
        }
        boolean negative = packed < 0;
        long abs = Math.abs(packed);
        long hms = abs >> 24;
        return time(negative, (int) ((hms >> 12) % 1024), (int) ((hms >> 6) % 64), (int) (hms % 64),
                (int) (abs % (1 << 24)), fsp);
    }

    /** Pre-5.6 TIME: 3 bytes little-endian signed, the decimal number HHMMSS. */
    public static String time(int v) {
        boolean negative = v < 0;
        int abs = Math.abs(v);
        return time(negative, abs / 10000, abs / 100 % 100, abs % 100, 0, 0);
    }

    static String time(boolean negative, int hours, int minutes, int seconds, int micros, int fsp) {
        StringBuilder s = new StringBuilder(17);
        if (negative) {
            s.append('-');
        }
        if (hours < 10) {
            s.append('0');
        }
        s.append(hours).append(':');
        two(s, minutes).append(':');
        two(s, seconds);
        if (fsp > 0) {
            s.append('.');
            appendFraction(s, micros, fsp);
        }
        return s.toString();
    }

    static String datetime(int year, int month, int day, int hour, int minute, int second, int micros, int fsp) {
        byte[] out = new byte[MAX_LENGTH];
        return text(out, datetime(out, year, month, day, hour, minute, second, micros, fsp));
    }

    /** 10^(6 - fsp): what leaves the first fsp of the six microsecond digits. */
    private static final int[] FRACTION_DIVISOR = {1000000, 100000, 10000, 1000, 100, 10, 1};

    private static int datetime(byte[] out, int year, int month, int day, int hour, int minute, int second, int micros,
                                int fsp) {
        put4(out, 0, year);
        out[4] = '-';
        put2(out, 5, month);
        out[7] = '-';
        put2(out, 8, day);
        out[10] = ' ';
        put2(out, 11, hour);
        out[13] = ':';
        put2(out, 14, minute);
        out[16] = ':';
        put2(out, 17, second);
        if (fsp > 0) {
            out[19] = '.';
            int digits = Math.min(fsp, 6); // MySQL's largest fsp; a larger one in the metadata is not a number
            int v = micros / FRACTION_DIVISOR[digits]; // the first fsp of six digits
            for (int i = 20 + digits - 1; i >= 20; i--) {
                out[i] = (byte) ('0' + v % 10);
                v /= 10;
            }
        }
        return fsp > 0 ? 20 + fsp : 19;
    }

    private static String text(byte[] ascii, int length) {
        return new String(ascii, 0, length, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** The fraction in microseconds: fsp 1–2 one byte of 1/100 s, 3–4 two bytes of 1/10000 s, 5–6 three bytes. */
    public static int fraction(byte[] b, int p, int fsp) {
        return switch (fsp) {
            case 1, 2 -> (b[p] & 0xFF) * 10000;
            case 3, 4 -> ((b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF)) * 100;
            case 5, 6 -> (b[p] & 0xFF) << 16 | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF);
            default -> 0;
        };
    }

    private static void appendFraction(StringBuilder s, int micros, int fsp) {
        int v = micros;
        char[] digits = new char[6];
        for (int i = 5; i >= 0; i--) {
            digits[i] = (char) ('0' + v % 10);
            v /= 10;
        }
        s.append(digits, 0, fsp);
    }

    private static StringBuilder two(StringBuilder s, int v) {
        if (v < 10) {
            s.append('0');
        }
        return s.append(v);
    }

    private static void put2(byte[] out, int at, int v) {
        if (v >= 0 && v < 100) {
            out[at] = DigitPairs.TENS[v];
            out[at + 1] = DigitPairs.ONES[v];
            return;
        }
        out[at] = (byte) ('0' + v / 10 % 10);
        out[at + 1] = (byte) ('0' + v % 10);
    }

    private static void put4(byte[] out, int at, int v) {
        if (v >= 0 && v < 10000) {
            int hi = v / 100;
            int lo = v - hi * 100;
            out[at] = DigitPairs.TENS[hi];
            out[at + 1] = DigitPairs.ONES[hi];
            out[at + 2] = DigitPairs.TENS[lo];
            out[at + 3] = DigitPairs.ONES[lo];
            return;
        }
        out[at] = (byte) ('0' + v / 1000 % 10);
        out[at + 1] = (byte) ('0' + v / 100 % 10);
        out[at + 2] = (byte) ('0' + v / 10 % 10);
        out[at + 3] = (byte) ('0' + v % 10);
    }

    /** 4 bytes big-endian, unsigned (a TIMESTAMP2's seconds), without {@link #be}'s loop: once per value. */
    private static long be4(byte[] b, int p) {
        return (b[p] & 0xFFL) << 24 | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | (b[p + 3] & 0xFF);
    }

    /** 5 bytes big-endian (a DATETIME2's integer part). */
    private static long be5(byte[] b, int p) {
        return (b[p] & 0xFFL) << 32 | (b[p + 1] & 0xFFL) << 24 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 8
                | (b[p + 4] & 0xFF);
    }

    static long be(byte[] b, int p, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 8) | (b[p + i] & 0xFF);
        }
        return v;
    }
}
