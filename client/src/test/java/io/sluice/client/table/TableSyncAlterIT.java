package io.sluice.client.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.server.entry.EntryEncoder;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.meta.ClientIdentity;
import io.sluice.server.net.NetServer;
import io.sluice.server.net.NetServerSettings;
import io.sluice.server.net.testing.ListDestination;
import io.sluice.server.parser.BinlogFileParser;
import io.sluice.server.parser.schema.MemorySchemaHistoryStore;
import io.sluice.server.parser.schema.SchemaHistory;
import io.sluice.server.parser.value.ValueOptions;
import io.sluice.server.sink.TableFilter;
import io.sluice.testkit.LocalPostgres;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An ALTER TABLE of a synced source table: by default the sync stops before it, says which table and what to do,
 * and acks nothing after it; once the target is altered and the mapping says {@code alter=ignore}, it goes on and
 * the target ends equal to the source.
 */
@ExtendWith(TestDatabaseExtension.class)
@Timeout(300)
class TableSyncAlterIT {

    @Test
    void alterStopsTheSyncUntilTheMappingSaysToGoOn(TestDatabase db) throws Exception {
        String reason = LocalPostgres.unavailableReason();
        if (reason != null) {
            System.out.println("TableSyncAlterIT skipped: " + reason);
        }
        assumeTrue(reason == null, reason);
        db.execute("FLUSH BINARY LOGS");
        String firstFile = db.masterStatus().file();
        db.execute("DROP DATABASE IF EXISTS talter", "CREATE DATABASE talter",
                "CREATE TABLE talter.t (id INT PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO talter.t VALUES (1, 'a'), (2, 'b'), (3, 'c')",
                "ALTER TABLE talter.t ADD COLUMN w INT NULL",
                "INSERT INTO talter.t VALUES (4, 'd', 40)", "UPDATE talter.t SET w = 10 WHERE id = 1",
                "FLUSH BINARY LOGS");
        List<StoredEntry> entries = decode(db, firstFile);
        ListDestination destination = new ListDestination("alt", entries);
        ClientIdentity client = new ClientIdentity("alt", (short) 1001);
        try (LocalPostgres pg = LocalPostgres.launch();
             NetServer server = new NetServer(NetServerSettings.open("127.0.0.1", 0), n -> Optional.of(destination))) {
            server.start();
            try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id integer PRIMARY KEY, v varchar(20))");
            }
            Properties p = new Properties();
            p.setProperty("sluice.address", "127.0.0.1:" + server.localAddress().getPort());
            p.setProperty("sluice.destination", "alt");
            p.setProperty("sluice.batch.size", "1"); // the rows before the ALTER are acked on their own
            p.setProperty("target.url", pg.jdbcUrl());
            p.setProperty("target.user", pg.user());
            p.setProperty("sync.tables", "talter.t");

            TableSync stopping = new TableSync(TableSyncSettings.fromProperties(p)).start();
            await().atMost(Duration.ofSeconds(60)).until(() -> !stopping.isRunning());
            assertThat(stopping.failure()).contains("talter.t").contains("ADD COLUMN")
                    .contains("sync.table.talter.t.alter=ignore");
            assertThat(TableSyncIT.rows(pg::connect, "SELECT id, v FROM t ORDER BY id"))
                    .containsExactly(List.of("1", "a"), List.of("2", "b"), List.of("3", "c"));
            stopping.close();

            try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE t ADD COLUMN w integer");
            }
            p.setProperty("sync.table.talter.t.alter", "ignore");
            try (TableSync going = new TableSync(TableSyncSettings.fromProperties(p)).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> destination.isSubscribed(client)
                        && destination.acked(client) == entries.size());
                assertThat(going.failure()).isNull();
            }
            assertThat(TableSyncIT.rows(pg::connect, "SELECT id, v, w FROM t ORDER BY id"))
                    .isEqualTo(TableSyncIT.rows(db::connect, "SELECT id, v, w FROM talter.t ORDER BY id"))
                    .contains(List.of("1", "a", "10"));
        }
    }

    private static List<StoredEntry> decode(TestDatabase db, String firstFile) throws Exception {
        Path base = Path.of(db.query("SELECT @@log_bin_basename AS b").get(0).get("b"));
        String current = db.masterStatus().file();
        List<String> files = db.query("SHOW BINARY LOGS").stream().map(m -> m.get("Log_name"))
                .filter(f -> f.compareTo(firstFile) >= 0 && f.compareTo(current) < 0).sorted().toList();
        List<ParsedEntry> parsed = new ArrayList<>();
        BinlogFileParser parser = new BinlogFileParser(new ValueOptions(false, ZoneOffset.UTC, StandardCharsets.UTF_8),
                false, new SchemaHistory(new MemorySchemaHistoryStore()), TableFilter.ALL, parsed::addAll, files.get(0));
        for (String f : files) {
            parser.parse(base.resolveSibling(f));
        }
        return parsed.stream().map(EntryEncoder::encode).toList();
    }
}
