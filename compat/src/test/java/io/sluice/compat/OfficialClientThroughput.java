package io.sluice.compat;

import com.alibaba.otter.canal.client.impl.SimpleCanalConnector;
import com.alibaba.otter.canal.protocol.CanalEntry;
import com.alibaba.otter.canal.protocol.Message;
import java.util.List;

/**
 * Not a test: canal's official client as shipped (the bench consumer's loop: getWithoutAck(batch) then ack, counting
 * RowData of every ROWDATA entry) against Sluice's network server serving ready, bench-shaped entries from a child
 * JVM — the server side of the bench's "client-ceiling". Run from compat's test classpath with
 * {@code -Dsluice.server.target=server/target}: {@code java ... io.sluice.compat.OfficialClientThroughput [rows] [batch]}.
 */
public final class OfficialClientThroughput {

    private OfficialClientThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_600_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        if (args.length > 2) {
            // a server started separately (FixedEntriesServer --wide-rows N), to compare clients on one server
            String[] hostPort = args[2].split(":");
            java.net.InetSocketAddress address = new java.net.InetSocketAddress(hostPort[0],
                    Integer.parseInt(hostPort[1]));
            for (int run = 1; run <= 3; run++) {
                consume(address, "example-official-" + run + "-" + System.nanoTime(), run, rows, batch);
            }
            return;
        }
        try (ServerProcess server = ServerProcess.start("throughput-server",
                "io.sluice.server.net.testing.FixedEntriesServer", List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC"),
                "--wide-rows", Integer.toString(rows))) {
            for (int run = 1; run <= 3; run++) {
                consume(server.address(), "example-" + run, run, rows, batch);
            }
        }
    }

    private static void consume(java.net.InetSocketAddress address, String destination, int run, int rows, int batch)
            throws Exception {
        SimpleCanalConnector connector = new SimpleCanalConnector(address, "", "", destination);
        connector.connect();
        long start = System.nanoTime();
        connector.subscribe();
        long counted = 0;
        int batches = 0;
        while (counted < rows) {
            Message message = connector.getWithoutAck(batch);
            for (CanalEntry.Entry entry : message.getEntries()) {
                if (entry.getEntryType() == CanalEntry.EntryType.ROWDATA) {
                    counted += CanalEntry.RowChange.parseFrom(entry.getStoreValue()).getRowDatasCount();
                }
            }
            connector.ack(message.getId());
            batches++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("run %d: official client %,d rows in %d batches in %.2f s = %,.0f rows/s%n", run, counted,
                batches, seconds, counted / seconds);
        connector.disconnect();
    }
}
