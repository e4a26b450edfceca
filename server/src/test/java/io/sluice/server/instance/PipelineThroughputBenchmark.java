package io.sluice.server.instance;

import static io.sluice.protocol.entry.CanalEntry.EventType.INSERT;

import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.ConfigNotices;
import io.sluice.server.config.InstanceConfig;
import io.sluice.server.config.ServerConfig;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.entry.TestEntries;
import io.sluice.server.meta.ClientIdentity;
import io.sluice.server.meta.MemoryMetaStore;
import io.sluice.server.parser.ChangeSource;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.sink.EntrySink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A destination end to end below the network: a source thread putting decoded transactions (BEGIN, rows
 * of 8 columns, END) into the sink, which filters and serializes them into the store; one client getting
 * batches and acking them through {@link DestinationInstance}. Prints entries/s and bytes/s and the largest
 * store fill seen. Run by hand:
 * {@code java -cp <test classpath> io.sluice.server.instance.PipelineThroughputBenchmark [seconds]}.
 */
public final class PipelineThroughputBenchmark {

    private PipelineThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        System.out.printf("%-9s %5s %6s %14s %10s %13s%n", "mode", "rows", "fetch", "entries/s", "MB/s", "max held MB");
        run("ITEMSIZE", 1, 1000, seconds);
        run("ITEMSIZE", 10, 1000, seconds);
        run("MEMSIZE", 10, 256, seconds);
    }

    private static void run(String mode, int rowsPerTx, int fetch, int seconds) throws Exception {
        Path conf = Files.createTempDirectory("sluice-bench");
        Files.writeString(conf.resolve("canal.properties"), "canal.instance.memory.batch.mode=" + mode + "\n"
                + "canal.instance.filter.regex=shop\\\\..*\n");
        ConfigLoader loader = new ConfigLoader(new Properties(), Map.of(), new ConfigNotices());
        ServerConfig server = loader.loadServer(conf.resolve("canal.properties"));
        InstanceConfig config = loader.loadInstance(server, "bench");

        TestEntries t = new TestEntries();
        List<List<ParsedEntry>> transactions = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            int n = i;
            transactions.add(t.transaction(x -> {
                List<ParsedEntry> rows = new ArrayList<>();
                for (int r = 0; r < rowsPerTx; r++) {
                    rows.add(x.row("shop", "orders", INSERT, "id=" + (n * 100 + r), "customer=c-" + n,
                            "amount=123.45", "currency=EUR", "status=paid", "created=2024-01-02 03:04:05.123456",
                            "note=NULL", "tags=a,b,c"));
                }
                return rows;
            }));
        }
        DestinationInstance instance = new DestinationInstance(config, new MemoryMetaStore("bench"),
                (cfg, source, sink, filter) -> new Pump(sink, transactions));
        ClientIdentity client = new ClientIdentity("bench", (short) 1001);
        instance.start();
        instance.subscribe(client, "");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long entries = 0;
        long bytes = 0;
        long maxHeld = 0;
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
            Batch b = instance.getWithoutAck(client, fetch, 100, TimeUnit.MILLISECONDS);
            for (StoredEntry e : b.entries()) {
                bytes += e.size();
            }
            entries += b.entries().size();
            maxHeld = Math.max(maxHeld, instance.store().orElseThrow().heldBytes());
            instance.ack(client, b.id());
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        instance.stop();
        System.out.printf("%-9s %5d %6d %,14.0f %10.1f %13.1f%n", mode, rowsPerTx, fetch, entries / elapsed,
                bytes / elapsed / 1e6, maxHeld / 1e6);
    }

    /**
     * Puts the same decoded transactions over and over, one put per transaction, as fast as the sink takes
     * them, each time at new binlog positions (as a parser would: positions only grow, and entries at or
     * before a client's ack would be skipped as replays).
     */
    private static final class Pump implements ChangeSource {
        private final EntrySink sink;
        private final List<List<ParsedEntry>> transactions;
        private volatile Thread thread;

        Pump(EntrySink sink, List<List<ParsedEntry>> transactions) {
            this.sink = sink;
            this.transactions = transactions;
        }

        @Override
        public void start(ResumePoint resume) {
            thread = new Thread(() -> {
                int i = 0;
                long offset = 4;
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        List<ParsedEntry> template = transactions.get(i++ & 255);
                        List<ParsedEntry> tx = new ArrayList<>(template.size());
                        BinlogPosition boundary = BinlogPosition.of("mysql-bin.000001", offset);
                        for (int k = 0; k < template.size(); k++) {
                            ParsedEntry e = template.get(k);
                            BinlogPosition p = BinlogPosition.of("mysql-bin.000001", offset);
                            offset += 100;
                            ResumePoint r = k == template.size() - 1
                                    ? ResumePoint.at(BinlogPosition.of("mysql-bin.000001", offset))
                                    : new ResumePoint(boundary, k + 1);
                            tx.add(new ParsedEntry(e.header(), e.entryType(), e.payload(), p, r, e.kind()));
                        }
                        sink.put(tx);
                    }
                } catch (InterruptedException | RuntimeException e) {
                    // stopped
                }
            }, "bench-source");
            thread.start();
        }

        @Override
        public void stop() {
            thread.interrupt();
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public boolean isRunning() {
            return thread.isAlive();
        }
    }
}
