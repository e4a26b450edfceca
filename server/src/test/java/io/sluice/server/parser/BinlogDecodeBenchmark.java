package io.sluice.server.parser;

import com.github.shyiko.mysql.binlog.BinaryLogFileReader;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import io.sluice.server.entry.EntryEncoder;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.parser.schema.MemorySchemaHistoryStore;
import io.sluice.server.parser.schema.SchemaHistory;
import io.sluice.server.parser.value.ValueOptions;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.sink.TableFilter;
import io.sluice.server.tls.MasterTls;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Throughput of parse + decode + entry serialization on a binlog file, next to the decode ceiling of
 * mysql-binlog-connector-java (its default deserializers, rows decoded) measured in the same run on the same
 * bytes in memory. A tool, not a test (no assertions, run by hand): it lives in the test tree so that it is not
 * shipped, and runs on the test classpath ({@code -cp ...} below).
 *
 * <pre>
 * java -cp ... io.sluice.server.parser.BinlogDecodeBenchmark FILE [ROUNDS [SCHEMA.sql DATABASE]]
 * java -cp ... io.sluice.server.parser.BinlogDecodeBenchmark live HOST PORT USER PASSWORD FILE POSITION ROWS [ROUNDS]
 * </pre>
 *
 * The file form reads a binlog file into memory and decodes it with both. SCHEMA.sql holds the CREATE TABLE of
 * the file's tables (the bench workload's file starts after them), applied to the schema history in DATABASE
 * before decoding, so values are decoded with names, charsets and signedness.
 *
 * <p>The {@code live} form replicates from a master from FILE:POSITION until ROWS row changes arrived, once with
 * the connector's {@code BinaryLogClient} and its default deserializers (the bench's {@code ceiling.sh decode})
 * and once with {@link BinlogParser} into a sink that serializes every entry; the clock runs from connect to
 * the last row. This is the comparison the bench README's ceiling figures are made for.
 */
public final class BinlogDecodeBenchmark {

    private BinlogDecodeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("live")) {
            live(args);
            return;
        }
        if (args.length < 1) {
            System.err.println("usage: BinlogDecodeBenchmark FILE [ROUNDS [SCHEMA.sql DATABASE]]");
            System.exit(2);
        }
        byte[] bytes = Files.readAllBytes(Path.of(args[0]));
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String schema = args.length > 3 ? Files.readString(Path.of(args[2])) : null;
        String database = args.length > 3 ? args[3] : null;
        System.out.printf(Locale.ROOT, "file %s, %,d bytes, %d rounds (first is warm-up)%n", args[0], bytes.length, rounds);
        List<Double> ceiling = new ArrayList<>();
        List<Double> sluice = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            double c = ceiling(bytes);
            double s = sluice(bytes, schema, database);
            System.out.printf(Locale.ROOT, "round %d: connector decode %,.0f rows/s, sluice parse+decode+encode %,.0f rows/s (%.0f%%)%n",
                    round + 1, c, s, 100 * s / c);
            if (round > 0 || rounds == 1) {
                ceiling.add(c);
                sluice.add(s);
            }
        }
        double c = median(ceiling);
        double s = median(sluice);
        System.out.printf(Locale.ROOT, "median: connector decode %,.0f rows/s, sluice %,.0f rows/s = %.0f%% of the ceiling%n",
                c, s, 100 * s / c);
    }

    private static double ceiling(byte[] bytes) throws Exception {
        long start = System.nanoTime();
        long rows = 0;
        try (BinaryLogFileReader reader = new BinaryLogFileReader(new ByteArrayInputStream(bytes))) {
            for (Event e = reader.readEvent(); e != null; e = reader.readEvent()) {
                if (e.getData() instanceof WriteRowsEventData w) {
                    rows += w.getRows().size();
                } else if (e.getData() instanceof UpdateRowsEventData u) {
                    rows += u.getRows().size();
                } else if (e.getData() instanceof DeleteRowsEventData d) {
                    rows += d.getRows().size();
                }
            }
        }
        return rows / ((System.nanoTime() - start) / 1e9);
    }

    private static double sluice(byte[] bytes, String schema, String database) throws Exception {
        SchemaHistory history = new SchemaHistory(new MemorySchemaHistoryStore());
        if (schema != null) {
            history.apply(BinlogPosition.of("bench", 4), database, "CREATE DATABASE IF NOT EXISTS " + database);
            for (String ddl : schema.split(";")) {
                if (!ddl.isBlank()) {
                    history.apply(BinlogPosition.of("bench", 4), database, ddl);
                }
            }
        }
        long[] rows = {0};
        long[] encodedBytes = {0};
        BinlogFileParser parser = new BinlogFileParser(ValueOptions.defaults(), false, history, TableFilter.ALL,
                entries -> {
                    for (ParsedEntry e : entries) {
                        StoredEntry stored = EntryEncoder.encode(e);
                        encodedBytes[0] += stored.size();
                        if (e.isRowChange()) {
                            rows[0] += e.rowDataCount();
                        }
                    }
                }, "bench");
        long start = System.nanoTime();
        parser.parse(new ByteArrayInputStream(bytes));
        return rows[0] / ((System.nanoTime() - start) / 1e9);
    }

    private static void live(String[] a) throws Exception {
        if (a.length < 8) {
            System.err.println("usage: BinlogDecodeBenchmark live HOST PORT USER PASSWORD FILE POSITION ROWS [ROUNDS]");
            System.exit(2);
        }
        String host = a[1];
        int port = Integer.parseInt(a[2]);
        String file = a[5];
        long position = Long.parseLong(a[6]);
        long expected = Long.parseLong(a[7]);
        int rounds = a.length > 8 ? Integer.parseInt(a[8]) : 3;
        System.out.printf(Locale.ROOT, "live %s:%d from %s:%d, %,d row changes, %d rounds%n", host, port, file, position,
                expected, rounds);
        List<Double> ceiling = new ArrayList<>();
        List<Double> sluice = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            double c = liveCeiling(host, port, a[3], a[4], file, position, expected);
            double s = liveSluice(host, port, a[3], a[4], file, position, expected);
            System.out.printf(Locale.ROOT, "round %d: connector decode %,.0f rows/s, sluice replicate+decode+encode %,.0f rows/s (%.0f%%)%n",
                    round + 1, c, s, 100 * s / c);
            ceiling.add(c);
            sluice.add(s);
        }
        double c = median(ceiling);
        double s = median(sluice);
        System.out.printf(Locale.ROOT, "median: connector decode %,.0f rows/s, sluice %,.0f rows/s = %.0f%% of the ceiling%n",
                c, s, 100 * s / c);
    }

    private static double liveCeiling(String host, int port, String user, String password, String file, long position,
                                      long expected) throws Exception {
        com.github.shyiko.mysql.binlog.BinaryLogClient client =
                new com.github.shyiko.mysql.binlog.BinaryLogClient(host, port, user, password);
        client.setServerId(6_543_210 + (System.nanoTime() & 0xFFFF));
        client.setKeepAlive(false);
        client.setBinlogFilename(file);
        client.setBinlogPosition(position);
        long[] rows = {0};
        long[] end = {0};
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        client.registerEventListener(e -> {
            if (e.getData() instanceof WriteRowsEventData w) {
                rows[0] += w.getRows().size();
            } else if (e.getData() instanceof UpdateRowsEventData u) {
                rows[0] += u.getRows().size();
            } else if (e.getData() instanceof DeleteRowsEventData d) {
                rows[0] += d.getRows().size();
            }
            if (rows[0] >= expected && end[0] == 0) {
                end[0] = System.nanoTime();
                done.countDown();
            }
        });
        long start = System.nanoTime();
        client.connect(30_000);
        done.await();
        client.disconnect();
        return rows[0] / ((end[0] - start) / 1e9);
    }

    private static double liveSluice(String host, int port, String user, String password, String file, long position,
                                     long expected) throws Exception {
        ParserSettings settings = ParserSettings.builder("bench", host, port, user, password)
                .journal(file, position).transport(MasterTls.disabled(host, port)).build();
        long[] rows = {0};
        long[] end = {0};
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        BinlogParser parser = new BinlogParser(settings, new SchemaHistory(new MemorySchemaHistoryStore()),
                TableFilter.ALL, entries -> {
                    for (ParsedEntry e : entries) {
                        EntryEncoder.encode(e);
                        if (e.isRowChange()) {
                            rows[0] += e.rowDataCount();
                        }
                    }
                    if (rows[0] >= expected && end[0] == 0) {
                        end[0] = System.nanoTime();
                        done.countDown();
                    }
                });
        long start = System.nanoTime();
        parser.start(null);
        done.await();
        parser.stop();
        return rows[0] / ((end[0] - start) / 1e9);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        return sorted.get(sorted.size() / 2);
    }
}
