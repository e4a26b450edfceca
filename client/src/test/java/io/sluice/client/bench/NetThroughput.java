package io.sluice.client.bench;

import io.sluice.client.BatchStream;
import io.sluice.client.ConnectorSettings;
import io.sluice.client.Message;
import io.sluice.client.SluiceConnector;
import io.sluice.client.StreamSettings;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.net.NetServer;
import io.sluice.server.net.NetServerSettings;
import io.sluice.server.net.testing.ListDestination;
import io.sluice.server.net.testing.SampleEntries;
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
        if (args.length > 2) {
            // a server in another process (e.g. FixedEntriesServer --wide-rows N), destinations example-<mode>-<i>
            String[] hostPort = args[2].split(":");
            java.net.InetSocketAddress address = new java.net.InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
            int run = 0;
            for (String mode : List.of("stream", "blocking", "stream", "blocking")) {
                consume(address, "example-" + mode + "-" + run++ + "-" + System.nanoTime(), mode, batch, rows);
            }
            return;
        }
        int entries = rows / ROWS_PER_ENTRY;
        List<StoredEntry> all = SampleEntries.wide(entries, ROWS_PER_ENTRY);
        System.out.printf("%d rows in %d entries of %d bytes, batches of %d entries%n", rows, entries,
                all.get(0).size(), batch);
        for (String mode : List.of("stream", "blocking", "stream", "blocking")) {
            ListDestination destination = new ListDestination("bench", all);
            try (NetServer server = new NetServer(NetServerSettings.open("127.0.0.1", 0),
                    name -> Optional.of(destination))) {
                server.start();
                consume(server.localAddress(), "bench", mode, batch, rows);
            }
        }
    }

    private static void consume(java.net.InetSocketAddress address, String destination, String mode, int batch,
                                long rows) throws Exception {
        try (SluiceConnector connector = new SluiceConnector(address, ConnectorSettings.of(destination))) {
            connector.connect();
            long start = System.nanoTime();
            connector.subscribe();
            long counted = mode.equals("stream") ? stream(connector, batch, rows) : blocking(connector, batch, rows);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%-8s %,d rows in %.2f s = %,.0f rows/s%n", mode, counted, seconds, counted / seconds);
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
}
