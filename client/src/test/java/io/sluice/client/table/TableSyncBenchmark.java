package io.sluice.client.table;

import io.sluice.server.entry.StoredEntry;
import io.sluice.server.meta.ClientIdentity;
import io.sluice.server.net.NetServer;
import io.sluice.server.net.NetServerSettings;
import io.sluice.server.net.testing.ListDestination;
import io.sluice.server.net.testing.SampleEntries;
import io.sluice.testkit.LocalPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Table sync throughput into a private PostgreSQL (fsync off, as the test harness runs it): entries served by
 * Sluice's network server, pulled with Sluice's client, each batch one target transaction. Workloads:
 * {@code narrow} = SampleEntries' insert transactions (id + name, distinct keys; default 2000 x 100 rows),
 * {@code wide} = the bench table's 9-column rows (~0.5 KB), 4 distinct entries repeated, so after the first
 * four entries every row is an upsert that updates (default 2000 entries x 100 rows).
 * Run: {@code java -cp <client test classpath> io.sluice.client.table.TableSyncBenchmark [narrow|wide] [entries rows [url options]]}.
 */
public final class TableSyncBenchmark {

    private TableSyncBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "narrow";
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int rows = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        boolean wide = mode.equals("wide");
        List<StoredEntry> entries = wide ? SampleEntries.wide(count, rows) : SampleEntries.transactions(count, rows);
        ListDestination destination = new ListDestination("bench", entries);
        ClientIdentity client = new ClientIdentity("bench", (short) 1001);
        try (LocalPostgres pg = LocalPostgres.launch();
             NetServer server = new NetServer(NetServerSettings.open("127.0.0.1", 0), n -> Optional.of(destination))) {
            server.start();
            try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                s.execute(wide
                        ? "CREATE TABLE t (id bigint PRIMARY KEY, c_int integer, c_name varchar(64), c_desc varchar(255),"
                                + " c_amount numeric(12,2), c_dt timestamp(3), c_ts timestamp, c_double double precision,"
                                + " c_flag smallint)"
                        : "CREATE TABLE t (id integer PRIMARY KEY, name varchar(32))");
            }
            Properties p = new Properties();
            p.setProperty("sluice.address", "127.0.0.1:" + server.localAddress().getPort());
            p.setProperty("sluice.destination", "bench");
            p.setProperty("sluice.batch.size", "1000");
            p.setProperty("target.url", pg.jdbcUrl() + (args.length > 3 ? "?" + args[3] : "")); // e.g. reWriteBatchedInserts=false
            p.setProperty("target.user", pg.user());
            p.setProperty("sync.tables", wide ? "bench.t" : SampleEntries.SCHEMA + "." + SampleEntries.TABLE);
            long start = System.nanoTime();
            try (TableSync sync = new TableSync(TableSyncSettings.fromProperties(p)).start()) {
                while (!destination.isSubscribed(client) || destination.acked(client) < entries.size()) {
                    Thread.sleep(20);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("RESULT table-sync %s into PostgreSQL: %d rows (%d entries, %d batches) in %.2f s"
                        + " = %.0f rows/s%n", mode, sync.appliedRows(), entries.size(), sync.ackedBatches(), seconds,
                        sync.appliedRows() / seconds);
            }
        }
    }
}
