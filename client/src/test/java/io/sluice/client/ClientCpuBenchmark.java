package io.sluice.client;

import com.google.protobuf.ByteString;
import io.sluice.client.rows.EntryView;
import io.sluice.client.rows.RowCursor;
import io.sluice.client.rows.RowImage;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.packet.CanalPacket;
import io.sluice.server.entry.EntryEncoder;
import io.sluice.server.parser.BinlogFileParser;
import io.sluice.server.parser.schema.MemorySchemaHistoryStore;
import io.sluice.server.parser.schema.SchemaHistory;
import io.sluice.server.parser.value.ValueOptions;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.sink.TableFilter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * CPU time and allocation of a consumer thread per row change, on GET replies held in memory: what Sluice's client
 * spends turning a received frame into rows the application reads, with protobuf-java objects
 * ({@link Message#entries()} + {@link Entries#rowChange}) or with the in-place views ({@link EntryView},
 * {@link RowCursor}). Measured with the thread's own CPU clock and allocation counter, not a wall clock (a shared
 * machine). A tool, not a test: run it on the client module's test classpath.
 *
 * <pre>
 * java -cp ... io.sluice.client.ClientCpuBenchmark [--rounds N] [--max-rows R] [--batch E] [--schema S --table T]
 *     [--modes view-id,...] BINLOG
 * </pre>
 *
 * The binlog (e.g. one of the bench table, bench/README.md) is decoded once by the server's parser into entries,
 * which are cut into MESSAGES frames of {@code --batch} entries (1000, the bench's batch size) exactly as the server
 * sends them; the clock then runs over frame decoding and reading. Every mode checks each row's {@code id} column
 * (parsed as a long and summed), so that reading is real; the modes:
 * <ul>
 *   <li>{@code protobuf-count}: parse entries and row changes, count rows (the bench consumer before the views);</li>
 *   <li>{@code protobuf-id}: the same, and each row's id as a long (Column objects, getValue, Long.parseLong);</li>
 *   <li>{@code view-id}: the views, each row's id by {@link RowImage#longValue};</li>
 *   <li>{@code protobuf-all} / {@code view-all}: every column's name and value as Strings.</li>
 * </ul>
 */
public final class ClientCpuBenchmark {

    /** The bench table (shared bench's WorkloadGen schema). */
    private static final String BENCH_TABLE = "CREATE TABLE t (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, "
            + "c_int INT NOT NULL, c_name VARCHAR(64) NOT NULL, c_desc VARCHAR(255) NOT NULL, "
            + "c_amount DECIMAL(12,2) NOT NULL, c_dt DATETIME(3) NOT NULL, c_ts TIMESTAMP NULL DEFAULT NULL, "
            + "c_double DOUBLE NOT NULL, c_flag TINYINT NOT NULL, c_text TEXT NOT NULL) DEFAULT CHARSET=utf8mb4";

    private ClientCpuBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 6;
        long maxRows = 400_000;
        int batch = 1000;
        String schema = "bench";
        String table = "t";
        Path file = null;
        List<String> modes = List.of("protobuf-count", "protobuf-id", "view-id", "protobuf-all", "view-all");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--max-rows" -> maxRows = Long.parseLong(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--schema" -> schema = args[++i];
                case "--table" -> table = args[++i];
                case "--modes" -> modes = List.of(args[++i].split(","));
                default -> file = Path.of(args[i]);
            }
        }
        if (file == null) {
            System.err.println("usage: ClientCpuBenchmark [--rounds N] [--max-rows R] [--batch E] BINLOG");
            System.exit(2);
        }
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.ERROR);
        List<byte[]> frames = frames(file, maxRows, batch);
        long frameBytes = frames.stream().mapToLong(f -> f.length).sum();
        System.out.printf(Locale.ROOT, "%s: %d frames of %d entries, %,d bytes; %d rounds per mode (first is warm-up)%n",
                file, frames.size(), batch, frameBytes, rounds);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        for (String mode : modes) {
            Reader reader = new Reader(schema, table);
            List<Double> cpu = new ArrayList<>();
            List<Double> alloc = new ArrayList<>();
            long rows = 0, check = 0;
            for (int round = 0; round < rounds; round++) {
                reader.rows = 0;
                reader.check = 0;
                long cpu0 = threads.getCurrentThreadCpuTime();
                long alloc0 = threads.getThreadAllocatedBytes(self);
                for (byte[] frame : frames) {
                    reader.read(mode, frame);
                }
                double cpuPerRow = (threads.getCurrentThreadCpuTime() - cpu0) / (double) reader.rows;
                double allocPerRow = (threads.getThreadAllocatedBytes(self) - alloc0) / (double) reader.rows;
                if (round > 0 || rounds == 1) {
                    cpu.add(cpuPerRow);
                    alloc.add(allocPerRow);
                }
                rows = reader.rows;
                check = reader.check;
            }
            System.out.printf(Locale.ROOT, "%-15s %,d row changes: median %.0f CPU-ns/row (%,.0f rows per CPU-s), "
                            + "%.0f B/row allocated; check %d%n", mode, rows, median(cpu), 1e9 / median(cpu),
                    median(alloc), check);
        }
    }

    /** The binlog's entries cut into MESSAGES frames (the bytes after the 4-byte length), as the server sends. */
    private static List<byte[]> frames(Path file, long maxRows, int batch) throws Exception {
        List<byte[]> frames = new ArrayList<>();
        List<ByteString> pending = new ArrayList<>();
        long[] rows = {0};
        long[] batchId = {1};
        class Cut extends RuntimeException {
            Cut() {
                super(null, null, false, false);
            }
        }
        SchemaHistory history = new SchemaHistory(new MemorySchemaHistoryStore());
        // the bench's binlog starts after its CREATE TABLE; the server would read the structure from the master
        history.seedTable(BinlogPosition.of(file.getFileName().toString(), 4), "bench", "t", BENCH_TABLE);
        BinlogFileParser parser = new BinlogFileParser(new ValueOptions(false, ZoneOffset.UTC, StandardCharsets.UTF_8),
                true, history, TableFilter.ALL, entries -> {
                    for (var e : entries) {
                        pending.add(ByteString.copyFrom(EntryEncoder.toBytes(e)));
                        if (e.isRowChange()) {
                            rows[0] += e.rowDataCount();
                        }
                        if (pending.size() == batch) {
                            frames.add(frame(batchId[0]++, pending));
                            pending.clear();
                        }
                    }
                    if (rows[0] >= maxRows) {
                        throw new Cut();
                    }
                }, file.getFileName().toString());
        try {
            parser.parse(file);
        } catch (Cut enough) {
            // the rows wanted are in
        }
        if (!pending.isEmpty()) {
            frames.add(frame(batchId[0], pending));
        }
        return frames;
    }

    private static byte[] frame(long id, List<ByteString> entries) {
        CanalPacket.Messages body = CanalPacket.Messages.newBuilder().setBatchId(id).addAllMessages(entries).build();
        return CanalPacket.Packet.newBuilder().setVersion(1).setType(CanalPacket.PacketType.MESSAGES)
                .setBody(body.toByteString()).build().toByteArray();
    }

    private static final class Reader {
        final String schema;
        final String table;
        final EntryView view = new EntryView();
        long rows;
        long check;

        Reader(String schema, String table) {
            this.schema = schema;
            this.table = table;
        }

        void read(String mode, byte[] frame) throws Exception {
            ServerPacket.Batch batch = ServerPacket.decode(frame).messages();
            Message message = new Message(batch.id(), batch.entries(), 0);
            switch (mode) {
                case "protobuf-count", "protobuf-id", "protobuf-all" -> protobuf(mode, message);
                default -> view(mode.equals("view-all"), message);
            }
        }

        private void protobuf(String mode, Message message) throws Exception {
            for (CanalEntry.Entry e : message.entries()) {
                if (e.getEntryType() != CanalEntry.EntryType.ROWDATA || !schema.equals(e.getHeader().getSchemaName())
                        || !table.equals(e.getHeader().getTableName())) {
                    continue;
                }
                CanalEntry.RowChange rc = Entries.rowChange(e);
                if (rc.getIsDdl()) {
                    continue;
                }
                rows += rc.getRowDatasCount();
                if (mode.equals("protobuf-count")) {
                    continue;
                }
                boolean delete = rc.getEventType() == CanalEntry.EventType.DELETE;
                for (CanalEntry.RowData row : rc.getRowDatasList()) {
                    boolean found = false;
                    for (CanalEntry.Column c : delete ? row.getBeforeColumnsList() : row.getAfterColumnsList()) {
                        if (mode.equals("protobuf-all")) {
                            check += c.getName().length() + c.getValue().length();
                            found = true;
                        } else if (c.getName().equals("id")) {
                            check += Long.parseLong(c.getValue());
                            found = true;
                            break;
                        }
                    }
                    if (!found) {
                        throw new IllegalStateException("no id column in " + schema + "." + table);
                    }
                }
            }
        }

        private void view(boolean all, Message message) {
            for (ByteString raw : message.rawEntries()) {
                EntryView e = view.wrap(raw);
                if (e.entryType() != CanalEntry.EntryType.ROWDATA || !e.isTable(schema, table)) {
                    continue;
                }
                RowCursor rc = e.rowChange();
                if (rc.isDdl()) {
                    continue;
                }
                rows += rc.rowCount();
                boolean delete = rc.eventType() == CanalEntry.EventType.DELETE;
                while (rc.next()) {
                    RowImage row = delete ? rc.before() : rc.after();
                    if (all) {
                        for (int i = 0; i < row.size(); i++) {
                            check += row.name(i).length() + row.value(i).length();
                        }
                    } else {
                        int id = row.find("id");
                        if (id < 0) {
                            throw new IllegalStateException("no id column in " + e.schemaName() + "." + e.tableName());
                        }
                        check += row.longValue(id);
                    }
                }
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        return sorted.get(sorted.size() / 2);
    }
}
