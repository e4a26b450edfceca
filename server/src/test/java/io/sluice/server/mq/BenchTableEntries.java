package io.sluice.server.mq;

import io.sluice.server.entry.StoredEntry;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entries of bench/run.sh's table {@code bench.t} as the parser stores them, with the values of the shared bench's
 * {@code WorkloadGen}: n inserts, n/2 updates, n/10 deletes, in transactions of 1000 rows whose rows events hold
 * about 8 KB of binlog rows each (MySQL's {@code binlog-row-event-max-size}): 20 inserted or deleted rows, 10 updated.
 */
final class BenchTableEntries {

    private static final String[] WORDS = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
        "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra",
        "tango", "uniform", "victor", "whiskey", "xray", "yankee", "zulu", "binlog", "canal", "replica", "cursor"};
    private static final DateTimeFormatter DT3 = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final DateTimeFormatter DT0 = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final long DT_BASE = LocalDateTime.of(2024, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC) * 1000L;
    private static final long TS_BASE = LocalDateTime.of(2020, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);

    static final TestEntries.Table TABLE = new TestEntries.Table("bench", "t", List.of(
            new TestEntries.Col("id", -5, "bigint(20)", true), new TestEntries.Col("c_int", 4, "int(11)", false),
            new TestEntries.Col("c_name", 12, "varchar(64)", false),
            new TestEntries.Col("c_desc", 12, "varchar(255)", false),
            new TestEntries.Col("c_amount", 3, "decimal(12,2)", false),
            new TestEntries.Col("c_dt", 93, "datetime(3)", false), new TestEntries.Col("c_ts", 93, "timestamp", false),
            new TestEntries.Col("c_double", 8, "double", false), new TestEntries.Col("c_flag", -6, "tinyint(4)", false),
            new TestEntries.Col("c_text", 2005, "text", false)));

    private BenchTableEntries() {
    }

    static List<StoredEntry> workload(int n) {
        TestEntries e = new TestEntries();
        List<StoredEntry> out = new ArrayList<>();
        for (int lo = 1; lo <= n; lo += 1000) {
            out.add(e.begin());
            for (int i = lo; i < lo + 1000 && i <= n; i += 20) {
                List<Map<String, String>> rows = new ArrayList<>();
                for (int k = i; k < i + 20 && k < lo + 1000 && k <= n; k++) {
                    rows.add(row(k));
                }
                out.add(e.insert(TABLE, rows));
            }
            out.add(e.end());
        }
        for (int lo = 1; lo <= n / 2; lo += 1000) {
            out.add(e.begin());
            for (int i = lo; i < lo + 1000 && i <= n / 2; i += 10) {
                List<Map<String, String>> before = new ArrayList<>();
                List<Map<String, String>> after = new ArrayList<>();
                for (int k = i; k < i + 10 && k < lo + 1000 && k <= n / 2; k++) {
                    Map<String, String> b = row(k);
                    Map<String, String> a = new LinkedHashMap<>(b);
                    a.put("c_int", String.valueOf(Integer.parseInt(b.get("c_int")) + 1));
                    a.put("c_amount", new BigDecimal(b.get("c_amount")).add(new BigDecimal("1.25")).toPlainString());
                    a.put("c_name", "upd-" + k);
                    a.put("c_flag", String.valueOf(-Integer.parseInt(b.get("c_flag"))));
                    before.add(b);
                    after.add(a);
                }
                out.add(e.update(TABLE, before, after));
            }
            out.add(e.end());
        }
        for (int lo = n - n / 10 + 1; lo <= n; lo += 1000) {
            out.add(e.begin());
            for (int i = lo; i < lo + 1000 && i <= n; i += 20) {
                List<Map<String, String>> rows = new ArrayList<>();
                for (int k = i; k < i + 20 && k < lo + 1000 && k <= n; k++) {
                    rows.add(row(k));
                }
                out.add(e.delete(TABLE, rows));
            }
            out.add(e.end());
        }
        return out;
    }

    /** WorkloadGen's row i, as Sluice renders the values. */
    static Map<String, String> row(long i) {
        long h = mix(i);
        long h2 = mix(h);
        long cents = Math.floorMod(h2, 100_000_000_000L) / 100;
        Map<String, String> r = new LinkedHashMap<>();
        r.put("id", String.valueOf(i));
        r.put("c_int", String.valueOf((int) (h >> 32)));
        r.put("c_name", "user-" + i + "-" + Long.toHexString(h2 & 0xffffffffffL));
        r.put("c_desc", words(h, 120, 200));
        r.put("c_amount", (cents / 100) + "." + String.format("%02d", cents % 100));
        r.put("c_dt", LocalDateTime.ofEpochSecond(Math.floorDiv(DT_BASE + i * 1003, 1000),
                (int) Math.floorMod(DT_BASE + i * 1003, 1000) * 1_000_000, ZoneOffset.UTC).format(DT3));
        r.put("c_ts", LocalDateTime.ofEpochSecond(TS_BASE + i * 7, 0, ZoneOffset.UTC).format(DT0));
        r.put("c_double", String.valueOf((h2 >>> 20) / 1048576.0 / 1000.0));
        r.put("c_flag", String.valueOf((int) Math.floorMod(h, 255L) - 127));
        r.put("c_text", words(h2 ^ 0x5DEECE66DL, 100, 100));
        return r;
    }

    private static String words(long seed, int min, int max) {
        StringBuilder s = new StringBuilder(max + 16);
        long x = seed;
        while (s.length() < min) {
            x = mix(x);
            if (s.length() > 0) {
                s.append(' ');
            }
            s.append(WORDS[(int) Math.floorMod(x, (long) WORDS.length)]);
        }
        if (s.length() > max) {
            s.setLength(max);
        }
        return s.toString();
    }

    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
