package io.sluice.client.search;

import io.sluice.server.entry.StoredEntry;
import io.sluice.server.meta.ClientIdentity;
import io.sluice.server.net.NetServer;
import io.sluice.server.net.NetServerSettings;
import io.sluice.server.net.testing.ListDestination;
import io.sluice.server.net.testing.SampleEntries;
import io.sluice.testkit.LocalOpenSearch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Search sync throughput into a LocalOpenSearch node (OpenSearch 2.19.6, child JVM, 1 GB heap, G1; one
 * shard, no replica, the default 1 s refresh): entries served by Sluice's network server, pulled with Sluice's
 * client, each batch sent as _bulk requests and acked after the last one answered. Workloads: {@code narrow} =
 * SampleEntries' insert transactions (id + name, distinct keys; default 500 x 100 rows), {@code wide} = the bench
 * table's 9-column rows (~0.5 KB), 4 distinct entries repeated, so after the first four entries every row
 * rewrites one of 400 documents (default 500 entries x 100 rows).
 * Run: {@code java -cp <client test classpath> io.sluice.client.search.SearchSyncBenchmark [narrow|wide]
 * [entries rows [batch.size [update]]]}, update = partial (default) or index.
 */
public final class SearchSyncBenchmark {

    /** The node's JVM: OpenSearch's own default GC and a heap this machine can spare. */
    private static final List<String> NODE_JVM = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC");

    private SearchSyncBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "narrow";
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int rows = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        String batch = args.length > 3 ? args[3] : "1000";
        String update = args.length > 4 ? args[4] : "partial";
        boolean wide = mode.equals("wide");
        List<StoredEntry> entries = wide ? SampleEntries.wide(count, rows) : SampleEntries.transactions(count, rows);
        ListDestination destination = new ListDestination("bench", entries);
        ClientIdentity client = new ClientIdentity("bench", (short) 1001);
        String table = wide ? "bench.t" : SampleEntries.SCHEMA + "." + SampleEntries.TABLE;
        String index = "bench";
        try (LocalOpenSearch search = LocalOpenSearch.start(NODE_JVM);
             NetServer server = new NetServer(NetServerSettings.open("127.0.0.1", 0), n -> Optional.of(destination))) {
            server.start();
            HttpClient http = HttpClient.newHttpClient();
            http.send(HttpRequest.newBuilder(URI.create(search.url() + "/" + index))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(
                            "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Properties p = new Properties();
            p.setProperty("sluice.address", "127.0.0.1:" + server.localAddress().getPort());
            p.setProperty("sluice.destination", "bench");
            p.setProperty("sluice.batch.size", batch);
            p.setProperty("search.urls", search.url());
            p.setProperty("search.update", update);
            p.setProperty("sync.tables", table);
            p.setProperty("sync.table." + table + ".index", index);
            p.setProperty("sync.progress.seconds", "5");
            long start = System.nanoTime();
            try (SearchSync sync = new SearchSync(SearchSyncSettings.fromProperties(p)).start()) {
                while (!destination.isSubscribed(client) || destination.acked(client) < entries.size()) {
                    if (sync.failure() != null) {
                        throw new IllegalStateException(sync.failure());
                    }
                    Thread.sleep(20);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("RESULT search-sync %s into OpenSearch 2.19.6 (sluice.batch.size=%s,"
                                + " search.bulk.max.bytes=5242880, search.update=%s, 1 shard, 0 replicas): %d rows"
                                + " (%d entries, %d batches) in %.2f s = %.0f rows/s%n", mode, batch, update,
                        sync.appliedRows(), entries.size(), sync.ackedBatches(), seconds, sync.appliedRows() / seconds);
            }
        }
    }
}
