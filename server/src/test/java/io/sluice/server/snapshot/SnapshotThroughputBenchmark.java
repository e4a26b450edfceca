package io.sluice.server.snapshot;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.instance.Batch;
import io.sluice.server.instance.DestinationInstance;
import io.sluice.server.meta.ClientIdentity;
import io.sluice.server.meta.MemoryMetaStore;
import io.sluice.testkit.LocalMariaDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Initial-snapshot throughput on a 1M-row table of a private MariaDB: the rows are read in key chunks, rendered
 * by the parser's row decoder, serialized into the store and fetched and acked by one client through the
 * destination (what a canal client over the network waits on, minus the socket); then the same table re-read while
 * streaming (an incremental snapshot, each chunk spliced at its own position). Prints rows/s per chunk size.
 * Run by hand: {@code java -cp <test classpath> io.sluice.server.snapshot.SnapshotThroughputBenchmark [rows]}.
 */
public final class SnapshotThroughputBenchmark {

    private SnapshotThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        try (LocalMariaDb db = LocalMariaDb.launch("--innodb-buffer-pool-size=512M")) {
            long load = System.nanoTime();
            db.execute("CREATE DATABASE bench", "CREATE TABLE bench.orders (id INT PRIMARY KEY, customer VARCHAR(40),"
                    + " amount DECIMAL(12,2), status ENUM('new','paid','shipped'), created DATETIME(3), note TEXT)",
                    "INSERT INTO bench.orders SELECT seq, CONCAT('customer-', seq % 5000), seq / 100,"
                            + " 1 + seq % 3, '2024-01-01 00:00:00' + INTERVAL seq SECOND, REPEAT('n', seq % 64)"
                            + " FROM bench.seq_1_to_" + rows);
            System.out.printf("loaded %d rows (6 columns, ~%d bytes each on average) in %.1f s%n", rows, 80,
                    (System.nanoTime() - load) / 1e9);
            System.out.printf("%-12s %-10s %12s %10s %12s%n", "snapshot", "chunk", "rows", "seconds", "rows/s");
            for (int chunk : new int[] {1024, 4096, 16384}) {
                run(db, rows, chunk, false);
            }
            for (int chunk : new int[] {1024, 4096}) {
                run(db, rows, chunk, true);
            }
        }
    }

    /** @param incremental re-read while streaming (each chunk spliced at its own position) instead of initially */
    private static void run(LocalMariaDb db, int rows, int chunk, boolean incremental) throws Exception {
        Path conf = Files.createTempDirectory("sluice-snapshot-bench");
        List<SnapshotSource> sources = new ArrayList<>();
        DestinationInstance instance = new DestinationInstance(TestInstances.config(conf, db, "bench",
                "canal.instance.filter.regex = bench\\\\..*", "sluice.snapshot.mode = " + (incremental ? "never" : "initial"),
                "sluice.snapshot.chunk.size = " + chunk), new MemoryMetaStore("bench"), (cfg, source, sink, filter) -> {
                    SnapshotSource s = (SnapshotSource) TestInstances.snapshotSources(db).create(cfg, source, sink, filter);
                    sources.add(s);
                    return s;
                });
        ClientIdentity client = new ClientIdentity("bench", (short) 1001);
        instance.start();
        instance.subscribe(client, "");
        long started = System.nanoTime();
        if (incremental) {
            sources.get(0).request("bench", "orders");
        }
        long seen = 0;
        long ended;
        try {
            while (seen < rows) {
                Batch b = instance.getWithoutAck(client, 64, 1, TimeUnit.SECONDS);
                for (StoredEntry e : b.entries()) {
                    if (e.kind() == StoredEntry.Kind.ROW_DATA) {
                        CanalEntry.Entry entry = CanalEntry.Entry.parseFrom(e.bytes());
                        for (CanalEntry.Pair p : entry.getHeader().getPropsList()) {
                            if (p.getKey().equals("rowsCount")) {
                                seen += Long.parseLong(p.getValue());
                            }
                        }
                    }
                }
                instance.ack(client, b.id());
            }
            ended = System.nanoTime();
        } finally {
            instance.stop();
        }
        double seconds = (ended - started) / 1e9;
        System.out.printf("%-12s %-10d %12d %10.1f %12.0f%n", incremental ? "incremental" : "initial", chunk, seen,
                seconds, seen / seconds);
    }
}
