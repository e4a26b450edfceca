package io.sluice.server.parser;

import io.sluice.server.entry.EntryEncoder;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.parser.schema.MemorySchemaHistoryStore;
import io.sluice.server.parser.schema.SchemaHistory;
import io.sluice.server.parser.value.ValueOptions;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.sink.TableFilter;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * CPU time and allocation of the parser thread per row change, on binlog files held in memory: what one row costs
 * the thread that decodes the binlog and writes canal's entry bytes (the server's parser thread does exactly this
 * before handing entries to the store). Measured with the thread's own CPU clock and allocation counter
 * ({@code ThreadMXBean}), so other processes on a shared machine change the figures far less than a wall clock.
 * A tool, not a test (run by hand on the test classpath, see bench/README.md "Parser CPU per row").
 *
 * <pre>
 * java -cp ... io.sluice.server.parser.ParserCpuBenchmark [--rounds N] [--canal] [--min-rows R]
 *     [--table SCHEMA.TABLE=CREATE_TABLE_FILE]... FILE...
 * </pre>
 *
 * A binlog without its tables' DDL (a bench binlog starts after the CREATE TABLE) is decoded from the TABLE_MAPs
 * alone: no column names, TEXT as bytes. {@code --table} seeds the schema history with a table's
 * {@code SHOW CREATE TABLE} first, as the server does from the master, so the columns are rendered as the server's.
 *
 * Each round decodes every file once per pass, as many passes as it takes to reach {@code --min-rows} (default
 * 1,000,000) row changes; the first round is warm-up. A {@code .gz} file is unpacked before the clock starts.
 * Prints one line per round and the median CPU-ns and allocated bytes per row change.
 */
public final class ParserCpuBenchmark {

    private ParserCpuBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 6;
        long minRows = 1_000_000;
        boolean canal = false;
        List<Path> files = new ArrayList<>();
        List<String[]> tables = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--min-rows" -> minRows = Long.parseLong(args[++i]);
                case "--canal" -> canal = true;
                case "--table" -> {
                    String spec = args[++i];
                    int eq = spec.indexOf('=');
                    int dot = spec.indexOf('.');
                    tables.add(new String[] {spec.substring(0, dot), spec.substring(dot + 1, eq),
                            Files.readString(Path.of(spec.substring(eq + 1)))});
                }
                default -> files.add(Path.of(args[i]));
            }
        }
        if (files.isEmpty()) {
            System.err.println("usage: ParserCpuBenchmark [--rounds N] [--canal] [--min-rows R]"
                    + " [--table SCHEMA.TABLE=CREATE_TABLE_FILE]... FILE...");
            System.exit(2);
        }
        // the parser's per-file warnings (DDL it skips) would be timed too
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.ERROR);
        List<byte[]> contents = new ArrayList<>();
        for (Path f : files) {
            try (InputStream in = f.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(f))
                    : Files.newInputStream(f)) {
                contents.add(in.readAllBytes());
            }
        }
        ValueOptions options = new ValueOptions(canal, ZoneOffset.UTC, StandardCharsets.UTF_8);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        List<Double> cpu = new ArrayList<>();
        List<Double> alloc = new ArrayList<>();
        System.out.printf(Locale.ROOT, "files %s, canal-compatible %s, %d seeded tables, %d rounds (first is warm-up)%n",
                files, canal, tables.size(), rounds);
        for (int round = 0; round < rounds; round++) {
            long rows = 0;
            long cpu0 = threads.getCurrentThreadCpuTime();
            long alloc0 = threads.getThreadAllocatedBytes(self);
            long wall0 = System.nanoTime();
            while (rows < minRows) {
                long before = rows;
                for (int f = 0; f < contents.size(); f++) {
                    rows += parse(contents.get(f), options, files.get(f).getFileName().toString(), tables);
                }
                if (rows == before) {
                    throw new IllegalStateException("no row changes in " + files);
                }
            }
            double cpuPerRow = (threads.getCurrentThreadCpuTime() - cpu0) / (double) rows;
            double allocPerRow = (threads.getThreadAllocatedBytes(self) - alloc0) / (double) rows;
            double wallPerRow = (System.nanoTime() - wall0) / (double) rows;
            System.out.printf(Locale.ROOT, "round %d: %,d row changes, %.0f CPU-ns/row, %.0f B/row allocated, %.0f wall-ns/row%n",
                    round + 1, rows, cpuPerRow, allocPerRow, wallPerRow);
            if (round > 0 || rounds == 1) {
                cpu.add(cpuPerRow);
                alloc.add(allocPerRow);
            }
        }
        System.out.printf(Locale.ROOT, "median: %.0f CPU-ns/row, %.0f B/row allocated%n", median(cpu), median(alloc));
    }

    private static long parse(byte[] bytes, ValueOptions options, String name, List<String[]> tables)
            throws Exception {
        long[] rows = {0};
        SchemaHistory history = new SchemaHistory(new MemorySchemaHistoryStore());
        BinlogPosition start = BinlogPosition.of(name, 4);
        for (String[] t : tables) { // read "from the master" at the start, proven from there on
            if (history.seedTable(start, t[0], t[1], t[2], start) == null) {
                throw new IllegalArgumentException("not a CREATE TABLE: " + t[2]);
            }
        }
        BinlogFileParser parser = new BinlogFileParser(options, true, history,
                TableFilter.ALL, entries -> {
                    for (ParsedEntry e : entries) {
                        EntryEncoder.toBytes(e); // the store's bytes (the parser's own for row data)
                        if (e.isRowChange()) {
                            rows[0] += e.rowDataCount();
                        }
                    }
                }, name);
        parser.parse(new ByteArrayInputStream(bytes));
        return rows[0];
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        return sorted.get(sorted.size() / 2);
    }
}
