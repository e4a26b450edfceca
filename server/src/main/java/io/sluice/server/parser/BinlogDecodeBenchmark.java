package io.sluice.server.parser;

import com.github.shyiko.mysql.binlog.BinaryLogFileReader;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.EntryEncoder;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.parser.schema.MemorySchemaHistoryStore;
import io.sluice.server.parser.schema.SchemaHistory;
import io.sluice.server.parser.value.ValueOptions;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.sink.TableFilter;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Throughput of parse + decode + entry serialization on a binlog file, next to the decode ceiling of
 * mysql-binlog-connector-java (its default deserializers, rows decoded) measured in the same run on the same
 * bytes in memory.
 *
 * <pre>
 * java -cp ... io.sluice.server.parser.BinlogDecodeBenchmark FILE [ROUNDS [SCHEMA.sql DATABASE]]
 * </pre>
 *
 * SCHEMA.sql holds the CREATE TABLE of the file's tables (the bench workload's file starts after them), applied
 * to the schema history in DATABASE before decoding, so values are decoded with names, charsets and signedness.
 */
public final class BinlogDecodeBenchmark {

    private BinlogDecodeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
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
                        if (e.payload() instanceof CanalEntry.RowChange rc) {
                            rows[0] += rc.getRowDatasCount();
                        }
                    }
                }, "bench");
        long start = System.nanoTime();
        parser.parse(new ByteArrayInputStream(bytes));
        return rows[0] / ((System.nanoTime() - start) / 1e9);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        return sorted.get(sorted.size() / 2);
    }
}
