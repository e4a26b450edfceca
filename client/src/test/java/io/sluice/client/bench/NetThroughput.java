package io.sluice.client.bench;

import io.sluice.client.BatchStream;
import io.sluice.client.ConnectorSettings;
import io.sluice.client.Message;
import io.sluice.client.SluiceConnector;
import io.sluice.client.StreamSettings;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.EntryEncoder;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.net.NetServer;
import io.sluice.server.net.NetServerSettings;
import io.sluice.server.net.testing.ListDestination;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Network-and-client throughput, not a test: the server hands out ready entries (near-zero server cost, like the
 * bench's replay server) and Sluice's client consumes them, parsing every Entry and RowChange and counting rows as
 * the bench consumer does. Rows look like the bench table's (9 columns, ~0.5 KB). Run from the client module's
 * test classpath: {@code java -cp ... io.sluice.client.bench.NetThroughput [rows] [batch]}.
 */
public final class NetThroughput {

    private static final int ROWS_PER_ENTRY = 20;

    private NetThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_600_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        List<StoredEntry> distinct = List.of(entry(0), entry(1), entry(2), entry(3));
        int entries = rows / ROWS_PER_ENTRY;
        List<StoredEntry> all = new ArrayList<>(entries);
        for (int i = 0; i < entries; i++) {
            all.add(distinct.get(i % distinct.size()));
        }
        System.out.printf("%d rows in %d entries of %d bytes, batches of %d entries%n", rows, entries,
                distinct.get(0).size(), batch);
        for (String mode : List.of("stream", "blocking", "stream", "blocking")) {
            ListDestination destination = new ListDestination("bench", all);
            try (NetServer server = new NetServer(NetServerSettings.open("127.0.0.1", 0),
                    name -> Optional.of(destination))) {
                server.start();
                try (SluiceConnector connector = new SluiceConnector(server.localAddress(),
                        ConnectorSettings.of("bench"))) {
                    connector.connect();
                    long start = System.nanoTime();
                    connector.subscribe();
                    long counted = mode.equals("stream") ? stream(connector, batch, rows) : blocking(connector, batch, rows);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    System.out.printf("%-8s %,d rows in %.2f s = %,.0f rows/s%n", mode, counted, seconds,
                            counted / seconds);
                }
            }
        }
    }

    private static long stream(SluiceConnector connector, int batch, long rows) throws Exception {
        long counted = 0;
        try (BatchStream stream = connector.stream(StreamSettings.of(batch))) {
            while (counted < rows) {
                Message message = stream.next();
                counted += count(message);
                stream.ack(message);
            }
        }
        return counted;
    }

    private static long blocking(SluiceConnector connector, int batch, long rows) throws Exception {
        long counted = 0;
        while (counted < rows) {
            Message message = connector.getWithoutAck(batch);
            counted += count(message);
            connector.ack(message);
        }
        return counted;
    }

    private static long count(Message message) throws Exception {
        long rows = 0;
        for (CanalEntry.Entry entry : message.entries()) {
            if (entry.getEntryType() == CanalEntry.EntryType.ROWDATA) {
                rows += CanalEntry.RowChange.parseFrom(entry.getStoreValue()).getRowDatasCount();
            }
        }
        return rows;
    }

    private static StoredEntry entry(int seed) {
        CanalEntry.RowChange.Builder change = CanalEntry.RowChange.newBuilder().setTableId(70)
                .setEventType(CanalEntry.EventType.INSERT);
        for (int r = 0; r < ROWS_PER_ENTRY; r++) {
            long id = seed * 1000L + r;
            CanalEntry.RowData.Builder row = CanalEntry.RowData.newBuilder();
            String[][] columns = {
                {"id", "-5", "bigint(20)", Long.toString(id)},
                {"c_int", "4", "int(11)", Long.toString(id * 7919 % 1_000_000)},
                {"c_name", "12", "varchar(64)", "name-" + Long.toHexString(id * 0x9E3779B97F4A7C15L)},
                {"c_desc", "12", "varchar(255)", ("description " + id + " ").repeat(8)},
                {"c_amount", "3", "decimal(12,2)", (id % 100000) + ".25"},
                {"c_dt", "93", "datetime(3)", "2024-05-01 12:34:56.789"},
                {"c_ts", "93", "timestamp", "2024-05-01 12:34:56"},
                {"c_double", "8", "double", Double.toString(id / 3.0)},
                {"c_flag", "-6", "tinyint(4)", Long.toString(id % 2)},
            };
            for (int c = 0; c < columns.length; c++) {
                row.addAfterColumns(CanalEntry.Column.newBuilder().setIndex(c).setSqlType(Integer.parseInt(columns[c][1]))
                        .setName(columns[c][0]).setIsKey(c == 0).setUpdated(true).setIsNull(false)
                        .setValue(columns[c][3]).setMysqlType(columns[c][2]));
            }
            change.addRowDatas(row);
        }
        CanalEntry.Header header = CanalEntry.Header.newBuilder().setVersion(1).setLogfileName("mysql-bin.000002")
                .setLogfileOffset(385 + seed * 10_000L).setServerId(1).setServerenCode("UTF-8")
                .setExecuteTime(1_700_000_000_000L).setSourceType(CanalEntry.Type.MYSQL).setSchemaName("bench")
                .setTableName("t").setEventLength(9000).setEventType(CanalEntry.EventType.INSERT).build();
        BinlogPosition position = BinlogPosition.of("mysql-bin.000002", 385 + seed * 10_000L);
        return EntryEncoder.encode(new ParsedEntry(header, CanalEntry.EntryType.ROWDATA, change.build(), position,
                ResumePoint.at(position), StoredEntry.Kind.ROW_DATA));
    }
}
