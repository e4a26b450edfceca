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
import io.sluice.testkit.LocalMariaDb;
import io.sluice.testkit.LocalPostgres;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Table sync end to end: a random workload on the private source MariaDB (inserts, updates, primary-key changes,
 * deletes, TRUNCATE, transactions), its binlog decoded by Sluice's parser, served by Sluice's network server and
 * copied by two consumers at once into a private PostgreSQL and a second private MariaDB — each consumer stopped
 * and restarted mid-stream several times, the Sluice server restarted, PostgreSQL stopped and MariaDB killed
 * mid-stream. At the end every target
 * table equals its source row for row and field for field; replaying the whole stream leaves it so.
 */
@ExtendWith(TestDatabaseExtension.class)
@Timeout(600)
class TableSyncIT {

    private static final String ITEM_SOURCE = "SELECT id, name AS title, qty, price, note, created, day, flag, big, ratio,"
            + " data FROM tsync.item ORDER BY id";
    private static final String ITEM_TARGET = "SELECT id, title, qty, price, note, created, day, flag, big, ratio,"
            + " data FROM items ORDER BY id";
    private static final String PAIR = "SELECT a, b, v FROM pair ORDER BY a, b";

    @Test
    void targetsEqualTheSourceThroughConsumerAndTargetCrashes(TestDatabase db) throws Exception {
        String reason = LocalPostgres.unavailableReason();
        if (reason != null) {
            System.out.println("TableSyncIT skipped: " + reason);
        }
        assumeTrue(reason == null, reason);
        assumeTrue(LocalMariaDb.available(), "mariadbd is not installed");
        List<StoredEntry> entries = sourceWorkload(db, new Random(20261207), 700);

        Map<String, ListDestination> destinations = new ConcurrentHashMap<>();
        for (String name : List.of("pg", "my", "replay")) {
            destinations.put(name, new ListDestination(name, List.of()));
        }
        NetServer[] restarted = new NetServer[1];
        try (LocalPostgres pg = LocalPostgres.launch();
             LocalMariaDb my = LocalMariaDb.launch();
             NetServer server = new NetServer(NetServerSettings.open("127.0.0.1", 0),
                     n -> Optional.ofNullable(destinations.get(n)))) {
            server.start();
            try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE items (id integer PRIMARY KEY, title varchar(40) NOT NULL, qty integer,"
                        + " price numeric(8,2), note text, created timestamp(3), day date, flag smallint, big numeric(20),"
                        + " ratio double precision, data bytea)");
                s.execute("CREATE TABLE pair (a integer, b varchar(10), v varchar(20), PRIMARY KEY (a, b))");
            }
            my.execute("CREATE DATABASE tdst",
                    "CREATE TABLE tdst.items (id INT PRIMARY KEY, title VARCHAR(40) NOT NULL, qty INT NULL,"
                            + " price DECIMAL(8,2) NULL, note TEXT NULL, created DATETIME(3) NULL, day DATE NULL,"
                            + " flag TINYINT NULL, big BIGINT UNSIGNED NULL, ratio DOUBLE NULL, data VARBINARY(16) NULL)",
                    "CREATE TABLE tdst.pair (a INT, b VARCHAR(10), v VARCHAR(20) NULL, PRIMARY KEY (a, b))");
            int port = server.localAddress().getPort();
            TableSyncSettings toPg = TableSyncSettings.fromProperties(properties(port, "pg", pg.jdbcUrl(), "postgres"));
            TableSyncSettings toMy = TableSyncSettings.fromProperties(properties(port, "my",
                    "jdbc:mariadb://127.0.0.1:" + my.port() + "/tdst", "root"));
            ClientIdentity pgClient = new ClientIdentity("pg", (short) 1001);
            ClientIdentity myClient = new ClientIdentity("my", (short) 1001);

            int parts = 6;
            int chunk = entries.size() / parts + 1;
            for (int part = 0; part < parts; part++) {
                int end = Math.min(entries.size(), (part + 1) * chunk);
                destinations.get("pg").append(entries.subList(part * chunk, end));
                destinations.get("my").append(entries.subList(part * chunk, end));
                TableSync pgSync = new TableSync(toPg).start();
                TableSync mySync = new TableSync(toMy).start();
                if (part == 2) {
                    targetOutage(destinations.get("pg"), pgClient, pgSync, pg::stop, pg::start);
                }
                if (part == 1) {
                    // the Sluice server goes away mid-stream and comes back on the same port (the acks are kept, as
                    // a real server keeps them in its meta store): the consumers reconnect and go on
                    await().atMost(Duration.ofSeconds(30)).until(() -> destinations.get("pg").isSubscribed(pgClient)
                            && destinations.get("my").isSubscribed(myClient));
                    server.close();
                    restarted[0] = new NetServer(NetServerSettings.open("127.0.0.1", port),
                            n -> Optional.ofNullable(destinations.get(n)));
                    restarted[0].start();
                }
                if (part == 4) {
                    targetOutage(destinations.get("my"), myClient, mySync, my::kill, my::start);
                }
                int target = Math.min(entries.size(), part * chunk + chunk / 2);
                await().atMost(Duration.ofSeconds(120)).until(() -> acked(destinations.get("pg"), pgClient) >= target
                        && acked(destinations.get("my"), myClient) >= target);
                pgSync.close(); // mid-stream: what was not acked comes again to the next run
                mySync.close();
            }
            try (TableSync pgSync = new TableSync(toPg).start(); TableSync mySync = new TableSync(toMy).start()) {
                await().atMost(Duration.ofSeconds(120)).until(() -> acked(destinations.get("pg"), pgClient) == entries.size()
                        && acked(destinations.get("my"), myClient) == entries.size());
            }

            List<List<String>> items = rows(db::connect, ITEM_SOURCE);
            List<List<String>> pairs = rows(db::connect, "SELECT a, b, v FROM tsync.pair ORDER BY a, b");
            assertThat(items).hasSizeGreaterThan(100);
            assertThat(pairs).isNotEmpty();
            assertThat(items).anyMatch(r -> r.get(10) != null).anyMatch(r -> r.get(2) == null);
            Supplier<Connection> myConnect = () -> connect("jdbc:mariadb://127.0.0.1:" + my.port() + "/tdst", "root");
            assertThat(rows(pg::connect, ITEM_TARGET)).isEqualTo(items);
            assertThat(rows(pg::connect, PAIR)).isEqualTo(pairs);
            assertThat(rows(myConnect::get, ITEM_TARGET)).isEqualTo(items);
            assertThat(rows(myConnect::get, PAIR)).isEqualTo(pairs);

            // idempotent on replay: the whole stream again over the finished table changes nothing in the end
            destinations.get("replay").append(entries);
            ClientIdentity replayClient = new ClientIdentity("replay", (short) 1001);
            try (TableSync replay = new TableSync(TableSyncSettings.fromProperties(properties(port, "replay",
                    pg.jdbcUrl(), "postgres"))).start()) {
                await().atMost(Duration.ofSeconds(120)).until(() -> acked(destinations.get("replay"), replayClient)
                        == entries.size());
            }
            assertThat(rows(pg::connect, ITEM_TARGET)).isEqualTo(items);
            assertThat(rows(pg::connect, PAIR)).isEqualTo(pairs);
        } finally {
            if (restarted[0] != null) {
                restarted[0].close();
            }
        }
    }

    @Test
    void withZooKeeperOneCopyAppliesAndAnotherTakesOverWhenItStops(TestDatabase db) throws Exception {
        String reason = LocalPostgres.unavailableReason();
        assumeTrue(reason == null, reason);
        List<StoredEntry> entries = sourceWorkload(db, new Random(20261208), 300);
        ListDestination destination = new ListDestination("pg", List.of());
        ClientIdentity client = new ClientIdentity("pg", (short) 1001);
        try (org.apache.curator.test.TestingServer zookeeper = new org.apache.curator.test.TestingServer(true);
             LocalPostgres pg = LocalPostgres.launch();
             NetServer server = new NetServer(NetServerSettings.open("127.0.0.1", 0), n -> Optional.of(destination))) {
            server.start();
            try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE items (id integer PRIMARY KEY, title varchar(40) NOT NULL, qty integer,"
                        + " price numeric(8,2), note text, created timestamp(3), day date, flag smallint, big numeric(20),"
                        + " ratio double precision, data bytea)");
                s.execute("CREATE TABLE pair (a integer, b varchar(10), v varchar(20), PRIMARY KEY (a, b))");
            }
            Properties p = properties(server.localAddress().getPort(), "pg", pg.jdbcUrl(), "postgres");
            p.setProperty("sluice.zkServers", zookeeper.getConnectString());
            TableSyncSettings settings = TableSyncSettings.fromProperties(p);
            TableSync one = new TableSync(settings).start();
            TableSync two = new TableSync(settings).start();
            try {
                destination.append(entries.subList(0, entries.size() / 2));
                await().atMost(Duration.ofSeconds(30)).until(() -> one.isActive() || two.isActive());
                TableSync active = one.isActive() ? one : two;
                TableSync standby = active == one ? two : one;
                await().atMost(Duration.ofSeconds(60)).until(() -> acked(destination, client) >= entries.size() / 4);
                assertThat(standby.isActive()).isFalse();
                assertThat(standby.ackedBatches()).as("the standby applied nothing").isZero();
                destination.append(entries.subList(entries.size() / 2, entries.size()));
                active.close(); // mid-stream: the standby takes over after the last ack
                await().atMost(Duration.ofSeconds(30)).until(standby::isActive);
                await().atMost(Duration.ofSeconds(60)).until(() -> acked(destination, client) == entries.size());
                assertThat(standby.ackedBatches()).isPositive();
            } finally {
                one.close();
                two.close();
            }
            assertThat(rows(pg::connect, ITEM_TARGET)).isEqualTo(rows(db::connect, ITEM_SOURCE)).isNotEmpty();
            assertThat(rows(pg::connect, PAIR)).isEqualTo(rows(db::connect, "SELECT a, b, v FROM tsync.pair ORDER BY a, b"));
        }
    }

    /** The target goes away mid-stream: the batch is rolled back and retried, nothing acked, until it is back. */
    private static void targetOutage(ListDestination destination, ClientIdentity client, TableSync sync, Runnable down,
                                     Runnable up) {
        await().atMost(Duration.ofSeconds(30)).until(() -> destination.isSubscribed(client));
        down.run();
        int acked = destination.acked(client);
        await().atMost(Duration.ofSeconds(60)).until(() -> sync.targetFailures() > 0);
        assertThat(destination.acked(client)).isEqualTo(acked);
        up.run();
    }

    /** Entries acked by the client, or -1 while it is not subscribed (between two runs of the consumer). */
    private static int acked(ListDestination destination, ClientIdentity client) {
        return destination.isSubscribed(client) ? destination.acked(client) : -1;
    }

    static Properties properties(int serverPort, String destination, String url, String user) {
        Properties p = new Properties();
        p.setProperty("sluice.address", "127.0.0.1:" + serverPort);
        p.setProperty("sluice.destination", destination);
        p.setProperty("sluice.batch.size", "50");
        p.setProperty("target.url", url);
        p.setProperty("target.user", user);
        p.setProperty("sync.tables", "tsync.item,tsync.pair");
        p.setProperty("sync.table.tsync.item.target", "items");
        p.setProperty("sync.table.tsync.item.columns", "id,name:title,qty,price,note,created,day,flag,big,ratio,data");
        p.setProperty("sync.retry.backoff.ms", "100");
        p.setProperty("sync.retry.backoff.max.ms", "500");
        p.setProperty("sync.progress.seconds", "5");
        return p;
    }

    /** Creates the source tables, runs the workload and returns its binlog as the store holds it. */
    static List<StoredEntry> sourceWorkload(TestDatabase db, Random r, int statements) throws Exception {
        db.execute("FLUSH BINARY LOGS");
        String firstFile = db.masterStatus().file();
        db.execute("DROP DATABASE IF EXISTS tsync", "CREATE DATABASE tsync",
                "CREATE TABLE tsync.item (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, qty INT NULL,"
                        + " price DECIMAL(8,2) NULL, note TEXT NULL, secret VARCHAR(10) NULL, created DATETIME(3) NULL,"
                        + " day DATE NULL, flag TINYINT NULL, big BIGINT UNSIGNED NULL, ratio DOUBLE NULL,"
                        + " data VARBINARY(16) NULL)",
                "CREATE TABLE tsync.pair (a INT, b VARCHAR(10), v VARCHAR(20) NULL, PRIMARY KEY (a, b))",
                "CREATE TABLE tsync.ignored (id INT PRIMARY KEY, v INT)");
        workload(db, r, statements);
        db.execute("FLUSH BINARY LOGS");
        return decode(db, firstFile);
    }

    private static void workload(TestDatabase db, Random r, int statements) throws Exception {
        List<Integer> items = new ArrayList<>();
        int nextId = 1;
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (int i = 0; i < statements; i++) {
                boolean tx = r.nextInt(5) == 0;
                if (tx) {
                    c.setAutoCommit(false);
                }
                for (int k = 0, n = tx ? 2 + r.nextInt(4) : 1; k < n; k++) {
                    int op = items.size() < 5 ? 0 : r.nextInt(10);
                    switch (op) {
                        case 0, 1 -> {
                            StringBuilder sql = new StringBuilder("INSERT INTO tsync.item VALUES ");
                            for (int m = 0, rows = 1 + r.nextInt(3); m < rows; m++) {
                                int id = nextId++;
                                items.add(id);
                                sql.append(m == 0 ? "" : ",").append("(").append(id).append(",'n").append(r.nextInt(999))
                                        .append(" ü q''s',").append(r.nextBoolean() ? String.valueOf(r.nextInt(100)) : "NULL")
                                        .append(",").append(r.nextBoolean() ? r.nextInt(9999) + "." + r.nextInt(10) + "5" : "NULL")
                                        .append(",").append(r.nextInt(3) == 0 ? "NULL" : "'note " + r.nextInt(50) + "'")
                                        .append(",'s").append(r.nextInt(9)).append("'")
                                        .append(",").append(r.nextBoolean() ? "'2026-0" + (1 + r.nextInt(9)) + "-1" + r.nextInt(10)
                                                + " 1" + r.nextInt(10) + ":0" + r.nextInt(10) + ":3" + r.nextInt(10) + "." + r.nextInt(1000) + "'" : "NULL")
                                        .append(",").append(r.nextBoolean() ? "'1999-12-3" + r.nextInt(2) + "'" : "NULL")
                                        .append(",").append(r.nextInt(256) - 128)
                                        .append(",").append(r.nextBoolean() ? "18446744073709551" + r.nextInt(615) : "NULL")
                                        .append(",").append(r.nextBoolean() ? String.valueOf((r.nextInt(20000) - 10000) / 8.0) : "NULL")
                                        .append(",").append(r.nextBoolean() ? "x'00" + String.format("%04x", r.nextInt(0x10000)) + "ff'" : "NULL")
                                        .append(")");
                            }
                            s.execute(sql.toString());
                        }
                        case 2, 3 -> s.execute("UPDATE tsync.item SET qty = " + (r.nextBoolean() ? "NULL" : r.nextInt(100))
                                + ", note = " + (r.nextBoolean() ? "NULL" : "'upd " + r.nextInt(9) + "'")
                                + ", secret = 'x', data = " + (r.nextBoolean() ? "NULL" : "x'" + Integer.toHexString(0x10 + r.nextInt(0xef)) + "'")
                                + " WHERE id = " + items.get(r.nextInt(items.size())));
                        case 4 -> {
                            int old = items.remove(r.nextInt(items.size()));
                            int moved = nextId++;
                            items.add(moved);
                            s.execute("UPDATE tsync.item SET id = " + moved + " WHERE id = " + old);
                        }
                        case 5 -> s.execute("DELETE FROM tsync.item WHERE id = " + items.remove(r.nextInt(items.size())));
                        case 6 -> s.execute("UPDATE tsync.item SET price = 1.50, created = NOW(3) WHERE id % 7 = " + r.nextInt(7));
                        case 7 -> {
                            String key = r.nextInt(20) + ",'b" + r.nextInt(5) + "'";
                            s.execute("REPLACE INTO tsync.pair VALUES (" + key + "," + (r.nextBoolean() ? "NULL" : "'v" + r.nextInt(99) + "'") + ")");
                        }
                        case 8 -> s.execute("DELETE FROM tsync.pair WHERE a = " + r.nextInt(20));
                        default -> s.execute("INSERT INTO tsync.ignored VALUES (" + (nextId++) + ", 1)");
                    }
                }
                if (tx) {
                    c.commit();
                    c.setAutoCommit(true);
                }
                if (i == statements / 2) {
                    s.execute("TRUNCATE TABLE tsync.pair");
                }
                if (i == statements / 3) {
                    s.execute("TRUNCATE TABLE tsync.item");
                    items.clear();
                }
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

    interface Connect {
        Connection get() throws SQLException;
    }

    private static Connection connect(String url, String user) {
        try {
            return DriverManager.getConnection(url, user, "");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every row as normalized text, so PostgreSQL and MariaDB values compare: numbers by value, bytes as hex. */
    static List<List<String>> rows(Connect connect, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = connect.get(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(normalize(rs.getObject(i)));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static String normalize(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof byte[] b) {
            return HexFormat.of().formatHex(b);
        }
        if (v instanceof Number n) {
            return new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
        }
        if (v instanceof Boolean b) {
            return b ? "1" : "0";
        }
        if (v instanceof java.sql.Timestamp t) {
            return t.toLocalDateTime().toString();
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate().toString();
        }
        if (v instanceof LocalDateTime || v instanceof LocalDate) {
            return v.toString();
        }
        return v.toString();
    }
}
