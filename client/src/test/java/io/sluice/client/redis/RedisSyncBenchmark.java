package io.sluice.client.redis;

import io.sluice.server.entry.StoredEntry;
import io.sluice.server.meta.ClientIdentity;
import io.sluice.server.net.NetServer;
import io.sluice.server.net.NetServerSettings;
import io.sluice.server.net.testing.ListDestination;
import io.sluice.server.net.testing.SampleEntries;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Redis sync throughput: entries served by Sluice's network server, pulled with Sluice's client, written to a
 * private redis-server (append-only with fsync on every write, the strictest durability setting). Workload:
 * SampleEntries' insert transactions (id + name columns), default 2000 transactions of 100 rows. Run: {@code java -cp <client test classpath> io.sluice.client.redis.RedisSyncBenchmark [transactions rows]}.
 */
public final class RedisSyncBenchmark {

    private RedisSyncBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int transactions = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rowsPerTx = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        List<StoredEntry> entries = SampleEntries.transactions(transactions, rowsPerTx);
        ListDestination destination = new ListDestination("bench", entries);
        ClientIdentity client = new ClientIdentity("bench", (short) 1001);
        try (NetServer server = new NetServer(NetServerSettings.open("127.0.0.1", 0), n -> Optional.of(destination));
             RedisServer redis = RedisServer.start()) {
            server.start();
            Properties p = new Properties();
            p.setProperty("sluice.address", "127.0.0.1:" + server.localAddress().getPort());
            p.setProperty("sluice.destination", "bench");
            p.setProperty("sluice.batch.size", "1000");
            p.setProperty("redis.port", String.valueOf(redis.port()));
            p.setProperty("sync.tables", SampleEntries.SCHEMA + "." + SampleEntries.TABLE);
            long start = System.nanoTime();
            try (RedisSync sync = new RedisSync(RedisSyncSettings.fromProperties(p)).start()) {
                while (!destination.isSubscribed(client) || destination.acked(client) < entries.size()) {
                    Thread.sleep(20);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("RESULT redis-sync: %d row changes (%d entries, %d batches) in %.2f s = %.0f rows/s%n",
                        sync.appliedChanges(), entries.size(), sync.ackedBatches(), seconds, sync.appliedChanges() / seconds);
            }
        }
    }
}
