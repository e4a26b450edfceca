package io.sluice.bench;

import com.google.protobuf.ByteString;
import io.sluice.client.BatchStream;
import io.sluice.client.ConnectorSettings;
import io.sluice.client.Message;
import io.sluice.client.SluiceConnector;
import io.sluice.client.StreamSettings;
import io.sluice.client.rows.EntryView;
import io.sluice.client.rows.RowCursor;
import io.sluice.client.rows.RowImage;
import io.sluice.protocol.entry.CanalEntry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The consumer of the fan-out bench (bench/fanout.sh): one Sluice-client connection per destination, each on its
 * own thread, all started on one clock (t0 right before the first subscribe). Each destination's rows are counted
 * per table and per event type and must be exactly the expected ones: {@code --tables-per-destination} tables of
 * {@code --expect-insert} / {@code --expect-update} / {@code --expect-delete} rows each. Prints one
 * {@code DEST} line per destination and one {@code RESULT} line (total rows/s; slowest, median and fastest
 * destination's rows/s, each its rows over the time from t0 to its last row). Rows are read in place
 * ({@link EntryView}); every row's {@code id} must parse as a long of at least 1, or the destination fails.
 * {@code --get-timeout-ms} (default -1: GETs return at once, the client pausing 1..50 ms after an empty one) has the
 * server hold each GET until a full batch or the timeout; DEST lines count the batches received.
 */
public final class FanoutConsumer {

    private FanoutConsumer() {
    }

    private static final class Dest implements Runnable {
        final String name;
        final int port;
        final String schema;
        final int tables;
        final long ei, eu, ed;
        final long deadlineNanos;
        final long t0;
        final long getTimeoutMs;
        final Map<String, long[]> perTable = new HashMap<>(); // insert, update, delete, other
        long rows, lastRowAt = -1, firstRowAt = -1, badIds, batches, entries;
        boolean timedOut;
        Throwable failure;

        Dest(String name, int port, String schema, int tables, long ei, long eu, long ed, long t0, long deadlineNanos,
             long getTimeoutMs) {
            this.name = name;
            this.getTimeoutMs = getTimeoutMs;
            this.port = port;
            this.schema = schema;
            this.tables = tables;
            this.ei = ei;
            this.eu = eu;
            this.ed = ed;
            this.t0 = t0;
            this.deadlineNanos = deadlineNanos;
        }

        long expected() {
            return tables * (ei + eu + ed);
        }

        boolean ok() {
            if (failure != null || timedOut || badIds > 0 || rows != expected() || perTable.size() != tables) {
                return false;
            }
            for (long[] c : perTable.values()) {
                if (c[0] != ei || c[1] != eu || c[2] != ed || c[3] != 0) {
                    return false;
                }
            }
            return true;
        }

        double rate() {
            return lastRowAt > 0 ? rows / ((lastRowAt - t0) / 1e9) : 0;
        }

        /**
         * GETs of 1000 (KB on a MEMSIZE server); with a GET timeout the server holds a GET until a full batch is
         * there or the timeout has passed (canal's getWithoutAck(batchSize, timeout, unit)), as a consumer of a
         * destination that gets a fraction of a busy master's changes would, instead of asking again and again
         * with short client-side pauses.
         */
        StreamSettings streamSettings() {
            return getTimeoutMs < 0 ? StreamSettings.of(1000)
                    : new StreamSettings(1000, getTimeoutMs, TimeUnit.MILLISECONDS, 1, Duration.ofMillis(50));
        }

        /** Counts a batch's rows per table and event type, reading every row's id. */
        private void count(EntryView view, Message message) {
            for (ByteString raw : message.rawEntries()) {
                EntryView e = view.wrap(raw);
                if (e.entryType() != CanalEntry.EntryType.ROWDATA || !e.schemaNameEquals(schema)) {
                    continue;
                }
                RowCursor rc = e.rowChange();
                if (rc.isDdl()) {
                    continue;
                }
                int n = rc.rowCount();
                long[] c = perTable.computeIfAbsent(e.tableName(), k -> new long[4]);
                CanalEntry.EventType type = rc.eventType();
                switch (type) {
                    case INSERT -> c[0] += n;
                    case UPDATE -> c[1] += n;
                    case DELETE -> c[2] += n;
                    default -> c[3] += n;
                }
                rows += n;
                while (rc.next()) {
                    RowImage row = type == CanalEntry.EventType.DELETE ? rc.before() : rc.after();
                    int id = row.find("id");
                    if (id < 0 || row.isNull(id) || row.longValue(id) < 1) {
                        badIds++;
                    }
                }
            }
        }

        @Override
        public void run() {
            ConnectorSettings settings = ConnectorSettings.of(name).withRollbackOnConnect(false).withLazyParse(true);
            EntryView view = new EntryView();
            try (SluiceConnector connector = new SluiceConnector(new InetSocketAddress("127.0.0.1", port), settings)) {
                connector.connect();
                connector.subscribe("");
                try (BatchStream stream = connector.stream(streamSettings())) {
                    while (rows < expected()) {
                        long left = deadlineNanos - System.nanoTime();
                        Message message = left > 0 ? stream.poll(left, TimeUnit.NANOSECONDS) : null;
                        if (message == null) {
                            timedOut = true;
                            break;
                        }
                        long before = rows;
                        batches++;
                        entries += message.rawEntries().size();
                        count(view, message);
                        stream.ack(message);
                        if (rows > before) {
                            lastRowAt = System.nanoTime();
                            if (firstRowAt < 0) {
                                firstRowAt = lastRowAt;
                            }
                        }
                    }
                }
            } catch (Throwable t) {
                failure = t;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = parseArgs(args);
        int port = Integer.parseInt(a.getOrDefault("port", "11111"));
        List<String> names = Arrays.asList(a.get("destinations").split(","));
        String schema = a.getOrDefault("schema", "fan");
        int tablesPer = Integer.parseInt(a.getOrDefault("tables-per-destination", "1"));
        long ei = Long.parseLong(a.get("expect-insert"));
        long eu = Long.parseLong(a.get("expect-update"));
        long ed = Long.parseLong(a.get("expect-delete"));
        String label = a.getOrDefault("label", "fanout");
        long getTimeoutMs = Long.parseLong(a.getOrDefault("get-timeout-ms", "-1"));
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(Long.parseLong(a.getOrDefault("deadline-s", "900")));
        List<Dest> dests = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (String name : names) {
            Dest d = new Dest(name, port, schema, tablesPer, ei, eu, ed, t0, deadline, getTimeoutMs);
            dests.add(d);
            Thread t = new Thread(d, "consume-" + name);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        long rows = 0, last = 0;
        boolean ok = true;
        List<Double> rates = new ArrayList<>();
        for (Dest d : dests) {
            rows += d.rows;
            last = Math.max(last, d.lastRowAt);
            ok &= d.ok();
            rates.add(d.rate());
            System.out.printf("DEST %s ok=%s rows=%d expected=%d batches=%d entries=%d rows_per_s=%.0f first_row_s=%.3f last_row_s=%.3f%s%n",
                    d.name, d.ok(), d.rows, d.expected(), d.batches, d.entries, d.rate(), d.firstRowAt > 0 ? (d.firstRowAt - t0) / 1e9 : Double.NaN,
                    d.lastRowAt > 0 ? (d.lastRowAt - t0) / 1e9 : Double.NaN,
                    d.failure != null ? " failure=" + d.failure : d.timedOut ? " timed_out=true"
                            : d.badIds > 0 ? " bad_ids=" + d.badIds : "");
        }
        rates.sort(Double::compare);
        double secs = (last - t0) / 1e9;
        System.out.printf("RESULT system=%s ok=%s destinations=%d rows=%d seconds=%.3f rows_per_s=%.0f "
                        + "dest_min_rows_per_s=%.0f dest_median_rows_per_s=%.0f dest_max_rows_per_s=%.0f%n",
                label, ok, dests.size(), rows, secs, rows / secs, rates.get(0), rates.get(rates.size() / 2),
                rates.get(rates.size() - 1));
        System.out.flush();
        System.exit(ok ? 0 : 1);
    }

    private static Map<String, String> parseArgs(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("bad arguments: " + Arrays.toString(args));
            }
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }
}
