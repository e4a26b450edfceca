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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The bench consumer on Sluice's own client: same arguments, same counting (RowData of ROWDATA entries of
 * schema.table, DDL skipped, insert/update/delete split checked) and the same {@code RESULT} line as the bench's
 * {@code CanalBenchConsumer} on the official client, so {@code run-all.sh} tabulates both alike. It reads through
 * {@link BatchStream} (the next GET is in flight while a batch is counted), the way an application would use it,
 * and reads rows in place ({@link EntryView}, {@link RowCursor}; the connector parses nothing itself): every row's
 * {@code id} is parsed as a long and must lie in 1..expect-insert (the workload's ids), or the run fails.
 * The clock starts right before subscribe.
 */
public final class SluiceBenchConsumer {

    private SluiceBenchConsumer() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = parseArgs(args);
        String host = a.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(a.getOrDefault("port", "11111"));
        String destination = a.getOrDefault("destination", "bench");
        String filter = a.getOrDefault("filter", "bench\\.t");
        String schema = a.getOrDefault("schema", "bench");
        String table = a.getOrDefault("table", "t");
        long expected = Long.parseLong(required(a, "expected"));
        long expectInsert = Long.parseLong(a.getOrDefault("expect-insert", "-1"));
        long expectUpdate = Long.parseLong(a.getOrDefault("expect-update", "-1"));
        long expectDelete = Long.parseLong(a.getOrDefault("expect-delete", "-1"));
        int batchSize = Integer.parseInt(a.getOrDefault("batch", "1000"));
        long deadlineS = Long.parseLong(a.getOrDefault("deadline-s", "900"));
        String label = a.getOrDefault("label", "sluice-client");

        ConnectorSettings settings = ConnectorSettings.of(destination)
                .withCredentials(a.getOrDefault("user", ""), a.getOrDefault("password", ""))
                // a fresh client has nothing to roll back; same choice as the official-client consumer
                .withRollbackOnConnect(false)
                // the rows are read in place from the raw entries: no protobuf parse on the fetch thread
                .withLazyParse(true);
        long rows = 0, inserts = 0, updates = 0, deletes = 0, others = 0;
        long entries = 0, rowEntries = 0, batches = 0, badIds = 0;
        long maxId = expectInsert > 0 ? expectInsert : Long.MAX_VALUE;
        EntryView view = new EntryView();
        long firstRowAt = -1, lastRowAt = -1, rowsInFirstBatch = 0;
        boolean timedOut = false;
        long tConnect0, tConnected, t0, tSubscribed;
        try (SluiceConnector connector = new SluiceConnector(new InetSocketAddress(host, port), settings)) {
            tConnect0 = System.nanoTime();
            connector.connect();
            tConnected = System.nanoTime();
            t0 = System.nanoTime();
            connector.subscribe(filter);
            tSubscribed = System.nanoTime();
            long deadline = t0 + TimeUnit.SECONDS.toNanos(deadlineS);
            try (BatchStream stream = connector.stream(StreamSettings.of(batchSize))) {
                while (rows < expected) {
                    long left = deadline - System.nanoTime();
                    Message message = left > 0 ? stream.poll(left, TimeUnit.NANOSECONDS) : null;
                    if (message == null) {
                        timedOut = true;
                        break;
                    }
                    batches++;
                    long before = rows;
                    for (ByteString raw : message.rawEntries()) {
                        entries++;
                        EntryView e = view.wrap(raw);
                        if (e.entryType() != CanalEntry.EntryType.ROWDATA || !e.isTable(schema, table)) {
                            continue;
                        }
                        RowCursor rc = e.rowChange();
                        if (rc.isDdl()) {
                            continue;
                        }
                        rowEntries++;
                        int n = rc.rowCount();
                        rows += n;
                        CanalEntry.EventType type = rc.eventType();
                        switch (type) {
                            case INSERT -> inserts += n;
                            case UPDATE -> updates += n;
                            case DELETE -> deletes += n;
                            default -> others += n;
                        }
                        while (rc.next()) {
                            RowImage row = type == CanalEntry.EventType.DELETE ? rc.before() : rc.after();
                            int id = row.find("id");
                            long v = id < 0 || row.isNull(id) ? -1 : row.longValue(id);
                            if (v < 1 || v > maxId) {
                                badIds++;
                            }
                        }
                    }
                    stream.ack(message);
                    if (rows > before) {
                        long now = System.nanoTime();
                        if (firstRowAt < 0) {
                            firstRowAt = now;
                            rowsInFirstBatch = rows - before;
                        }
                        lastRowAt = now;
                    }
                }
            }
        }
        double secs = (lastRowAt > 0 ? lastRowAt - t0 : System.nanoTime() - t0) / 1e9;
        double firstRowS = firstRowAt > 0 ? (firstRowAt - t0) / 1e9 : Double.NaN;
        double steadyS = lastRowAt > firstRowAt && firstRowAt > 0 ? (lastRowAt - firstRowAt) / 1e9 : Double.NaN;
        double steadyRate = steadyS > 0 ? (rows - rowsInFirstBatch) / steadyS : Double.NaN;
        boolean typesOk = (expectInsert < 0 || expectInsert == inserts)
                && (expectUpdate < 0 || expectUpdate == updates)
                && (expectDelete < 0 || expectDelete == deletes);
        boolean ok = !timedOut && rows == expected && typesOk && badIds == 0;
        if (badIds > 0) {
            System.err.printf("CHECK %d rows without an id in 1..%d%n", badIds, maxId);
        }
        System.out.printf(
                "RESULT system=%s ok=%s rows=%d expected=%d seconds=%.3f rows_per_s=%.0f first_row_s=%.3f "
                        + "steady_rows_per_s=%.0f inserts=%d updates=%d deletes=%d other=%d entries=%d row_entries=%d "
                        + "batches=%d empty_gets=%d connect_ms=%.1f subscribe_ms=%.1f batch=%d get_timeout_ms=%d "
                        + "tcp_nodelay=%s server=%s:%d destination=%s%n",
                label, ok, rows, expected, secs, rows / secs, firstRowS, steadyRate, inserts, updates, deletes,
                others, entries, rowEntries, batches, 0, (tConnected - tConnect0) / 1e6, (tSubscribed - t0) / 1e6,
                batchSize, -1, true, host, port, destination);
        System.out.flush();
        System.exit(ok ? 0 : 1);
    }

    private static String required(Map<String, String> a, String key) {
        String v = a.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + key);
        }
        return v;
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
