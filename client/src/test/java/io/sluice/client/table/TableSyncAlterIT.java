package io.sluice.client.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import io.sluice.testkit.LocalMariaDb;
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

    /**
     * {@code alter=follow} with {@code create.tables}: the target tables do not exist; ADD COLUMN (existing rows
     * take the source's implicit default), DROP COLUMN, RENAME COLUMN and a MODIFY keeping the target type are
     * followed on PostgreSQL and on MariaDB; a column added to a table copied with a column list is added only if
     * the list names it (under its target name, existing rows taking the default); a MODIFY to
     * another target type stops the sync before it with the statement and what to do.
     */
    @Test
    void followAppliesColumnChangesToCreatedTablesAndStopsAtATypeChange(TestDatabase db) throws Exception {
        String reason = LocalPostgres.unavailableReason();
        assumeTrue(reason == null, reason);
        assumeTrue(LocalMariaDb.available(), "mariadbd is not installed");
        db.execute("FLUSH BINARY LOGS");
        String firstFile = db.masterStatus().file();
        db.execute("DROP DATABASE IF EXISTS tfollow", "CREATE DATABASE tfollow",
                "CREATE TABLE tfollow.t (id INT PRIMARY KEY, v VARCHAR(20), n INT)",
                "CREATE TABLE tfollow.sel (id INT PRIMARY KEY, v INT)",
                "INSERT INTO tfollow.t VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30)",
                "INSERT INTO tfollow.sel VALUES (1, 100)",
                "ALTER TABLE tfollow.t ADD COLUMN w INT NOT NULL",
                "ALTER TABLE tfollow.sel ADD COLUMN x INT NULL, ADD COLUMN y VARCHAR(5) DEFAULT 'q'",
                "INSERT INTO tfollow.t VALUES (4, 'd', 40, 4)", "INSERT INTO tfollow.sel VALUES (2, 200, 2, 'r')",
                "ALTER TABLE tfollow.t DROP COLUMN n",
                "ALTER TABLE tfollow.t RENAME COLUMN v TO name",
                "ALTER TABLE tfollow.t MODIFY name VARCHAR(20) NOT NULL DEFAULT ''",
                "UPDATE tfollow.t SET w = 9, name = 'A' WHERE id = 1", "DELETE FROM tfollow.t WHERE id = 2",
                "ALTER TABLE tfollow.t MODIFY w BIGINT NOT NULL",
                "INSERT INTO tfollow.t VALUES (5, 'e', 5)",
                "FLUSH BINARY LOGS");
        List<StoredEntry> entries = decode(db, firstFile);
        java.util.Map<String, ListDestination> destinations = java.util.Map.of(
                "pg", new ListDestination("pg", entries), "my", new ListDestination("my", entries));
        List<List<String>> expected = List.of(List.of("1", "A", "9"), List.of("3", "c", "0"), List.of("4", "d", "4"));
        try (LocalPostgres pg = LocalPostgres.launch();
             LocalMariaDb my = LocalMariaDb.launch();
             NetServer server = new NetServer(NetServerSettings.open("127.0.0.1", 0),
                     n -> Optional.ofNullable(destinations.get(n)))) {
            server.start();
            my.execute("CREATE DATABASE tdst");
            for (String target : List.of("pg", "my")) {
                Properties p = new Properties();
                p.setProperty("sluice.address", "127.0.0.1:" + server.localAddress().getPort());
                p.setProperty("sluice.destination", target);
                p.setProperty("sluice.batch.size", "1"); // the MODIFY that stops it is a batch of its own
                p.setProperty("target.url", target.equals("pg") ? pg.jdbcUrl() : "jdbc:mariadb://127.0.0.1:" + my.port() + "/tdst");
                p.setProperty("target.user", target.equals("pg") ? pg.user() : "root");
                p.setProperty("sync.tables", "tfollow.t,tfollow.sel");
                p.setProperty("sync.table.tfollow.sel.columns", "id,v:val,y:why"); // x is not copied
                p.setProperty("sync.alter", "follow");
                p.setProperty("sync.create.tables", "true");
                TableSync sync = new TableSync(TableSyncSettings.fromProperties(p)).start();
                await().atMost(Duration.ofSeconds(60)).until(() -> !sync.isRunning());
                sync.close();
                assertThat(sync.failure()).as(target).contains("tfollow.t").contains("MODIFY w BIGINT NOT NULL")
                        .contains("changes the type of column w").contains("sync.table.tfollow.t.alter=ignore");
                TableSyncIT.Connect connect = target.equals("pg") ? pg::connect
                        : () -> java.sql.DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + my.port() + "/tdst", "root", "");
                assertThat(TableSyncIT.rows(connect, "SELECT id, name, w FROM t ORDER BY id")).as(target).isEqualTo(expected);
                assertThat(TableSyncIT.rows(connect, "SELECT * FROM sel ORDER BY id")).as(target)
                        .containsExactly(List.of("1", "100", "q"), List.of("2", "200", "r"));
                assertThatThrownBy(() -> TableSyncIT.rows(connect, "SELECT n FROM t")).as(target)
                        .isInstanceOf(java.sql.SQLException.class);
            }
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
