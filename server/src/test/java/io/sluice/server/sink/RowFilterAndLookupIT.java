package io.sluice.server.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.SluiceServer;
import io.sluice.server.config.ConfigLoader;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.instance.Batch;
import io.sluice.server.instance.Destination;
import io.sluice.server.meta.ClientIdentity;
import io.sluice.testkit.FreePort;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Row-content filter and lookup enrichment configured in instance.properties, through the real parser and the
 * private MariaDB: only matching rows reach the client, transitions become DELETE/INSERT, rows are enriched
 * from a table the destination's filter excludes, and that table's own changes refresh the lookup cache.
 */
@ExtendWith(TestDatabaseExtension.class)
class RowFilterAndLookupIT {

    private static final String DEST = "rowlookup";
    private static final ClientIdentity CLIENT = new ClientIdentity(DEST, (short) 1001);

    @TempDir
    Path conf;

    /** One received row piece, with the resume point of its stored entry. */
    private record Piece(String text, StoredEntry stored) {
    }

    @Test
    void matchingRowsArriveEnrichedAndTheLookedUpTablesChangesRefreshTheCache(TestDatabase db) throws Exception {
        db.execute("CREATE DATABASE IF NOT EXISTS rl", "DROP TABLE IF EXISTS rl.orders", "DROP TABLE IF EXISTS rl.customers",
                "CREATE TABLE rl.orders (id INT PRIMARY KEY, customer_id INT, status VARCHAR(10), amount INT)",
                "CREATE TABLE rl.customers (id INT PRIMARY KEY, name VARCHAR(20))",
                "INSERT INTO rl.customers VALUES (1, 'Ann'), (2, 'Bob')");
        TestDatabase.BinlogCoordinates start = db.masterStatus();
        Files.createDirectories(conf.resolve(DEST));
        Files.writeString(conf.resolve(DEST).resolve("instance.properties"), String.join("\n",
                "canal.instance.master.address = " + db.address(),
                "canal.instance.master.journal.name = " + start.file(),
                "canal.instance.master.position = " + start.position(),
                "canal.instance.dbUsername = canal",
                "canal.instance.dbPassword = canal",
                "canal.instance.filter.regex = rl\\\\.orders",
                "sluice.filter.rows = rl.orders: status in ('paid','shipped') and amount > 100",
                "sluice.filter.rows.transitions = true",
                "sluice.transform.lookup.customer.table = rl.orders",
                "sluice.transform.lookup.customer.key = customer_id",
                "sluice.transform.lookup.customer.from = rl.customers",
                "sluice.transform.lookup.customer.columns = name",
                "sluice.transform.lookup.customer.cache.ttl.ms = 3600000",
                ""));
        Files.writeString(conf.resolve("canal.properties"), String.join("\n",
                "canal.port = " + FreePort.find(),
                "canal.metrics.pull.port = 0",
                "canal.destinations = " + DEST,
                "canal.instance.global.spring.xml = classpath:spring/memory-instance.xml",
                "canal.file.data.dir = " + conf.resolve("data"),
                ""));
        ConfigLoader loader = ConfigLoader.fromEnvironment();
        try (SluiceServer server = new SluiceServer(loader.loadServer(conf.resolve("canal.properties")), loader, null)) {
            server.start();
            Destination d = server.registry().find(DEST).orElseThrow();
            d.subscribe(CLIENT, "");

            db.execute("INSERT INTO rl.orders VALUES (1, 1, 'paid', 200), (2, 2, 'new', 500), (3, 2, 'paid', 50)",
                    "INSERT INTO rl.orders VALUES (4, 2, 'paid', 300)");
            assertThat(texts(receive(d, 2))).containsExactly(
                    "INSERT id=1 customer_name=Ann", "INSERT id=4 customer_name=Bob");

            // the looked-up table is excluded for clients, yet its change must reach the cache (TTL is an hour)
            db.execute("UPDATE rl.customers SET name = 'Bea' WHERE id = 2",
                    "UPDATE rl.orders SET status = 'paid' WHERE id = 2");
            assertThat(texts(receive(d, 1))).as("the UPDATE became an INSERT, enriched with the new name")
                    .containsExactly("INSERT id=2 customer_name=Bea");

            // one UPDATE event: order 1 stays in (kept UPDATE), order 4 leaves (DELETE), order 3 enters (INSERT)
            db.execute("UPDATE rl.orders SET amount = CASE id WHEN 1 THEN 250 WHEN 4 THEN 10 WHEN 3 THEN 150 END"
                    + " WHERE id IN (1, 3, 4)");
            List<Piece> split = receive(d, 3);
            assertThat(texts(split)).containsExactly("UPDATE id=1 customer_name=Ann", "DELETE id=4 customer_name=Bea",
                    "INSERT id=3 customer_name=Bea");
            StoredEntry last = split.get(2).stored();
            assertThat(split.get(0).stored().resume().position()).isEqualTo(last.resume().position());
            assertThat(split.get(0).stored().resume().skipEntries()).as("acking a piece must not skip the others")
                    .isEqualTo(last.resume().skipEntries() - 1);
            assertThat(split.get(1).stored().resume()).isEqualTo(split.get(0).stored().resume());
        }
    }

    private static List<String> texts(List<Piece> pieces) {
        return pieces.stream().map(Piece::text).toList();
    }

    /** Receives and acks until {@code rows} row images arrived; fails on any row of another table. */
    private static List<Piece> receive(Destination d, int rows) throws Exception {
        List<Piece> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (out.size() < rows) {
            assertThat(System.nanoTime()).as("%d rows within 30 s; so far %s", rows, out).isLessThan(deadline);
            Batch batch = d.getWithoutAck(CLIENT, 100, 200, TimeUnit.MILLISECONDS);
            for (StoredEntry e : batch.entries()) {
                CanalEntry.Entry entry = CanalEntry.Entry.parseFrom(e.bytes());
                if (entry.getEntryType() != CanalEntry.EntryType.ROWDATA) {
                    continue;
                }
                CanalEntry.RowChange change = CanalEntry.RowChange.parseFrom(entry.getStoreValue());
                if (change.getIsDdl() || change.getRowDatasCount() == 0) {
                    continue;
                }
                assertThat(entry.getHeader().getTableName()).isEqualTo("orders");
                for (CanalEntry.RowData row : change.getRowDatasList()) {
                    List<CanalEntry.Column> image = change.getEventType() == CanalEntry.EventType.DELETE
                            ? row.getBeforeColumnsList() : row.getAfterColumnsList();
                    out.add(new Piece(change.getEventType() + " id=" + value(image, "id") + " customer_name="
                            + value(image, "customer_name"), e));
                }
            }
            if (batch.id() != -1) {
                d.ack(CLIENT, batch.id());
            }
        }
        return out;
    }

    private static String value(List<CanalEntry.Column> image, String name) {
        return image.stream().filter(c -> c.getName().equals(name)).map(c -> c.getIsNull() ? "NULL" : c.getValue())
                .findFirst().orElse("(absent)");
    }
}
