package io.sluice.client.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Redis sync end to end: a random workload on the private MariaDB, its binlog decoded by Sluice's parser, served
 * by Sluice's network server, pulled by Sluice's client, mirrored into a private redis-server — with the consumer
 * killed and restarted several times and Redis itself killed mid-stream. At the end every row of every mirrored
 * table must be exactly one hash in Redis, and nothing else.
 */
@ExtendWith(TestDatabaseExtension.class)
class RedisSyncIT {

    private static final ClientIdentity CLIENT = new ClientIdentity("rs", (short) 1001);

    @Test
    void redisMirrorsTheTablesThroughConsumerAndRedisCrashes(TestDatabase db) throws Exception {
        db.execute("FLUSH BINARY LOGS");
        String firstFile = db.masterStatus().file();
        db.execute("DROP DATABASE IF EXISTS rsync", "CREATE DATABASE rsync",
                "CREATE TABLE rsync.item (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, qty INT NULL,"
                        + " price DECIMAL(8,2) NULL, note TEXT NULL)",
                "CREATE TABLE rsync.pair (a INT, b VARCHAR(10), v VARCHAR(20) NULL, PRIMARY KEY (a, b))",
                "CREATE TABLE rsync.ignored (id INT PRIMARY KEY, v INT)");
        workload(db, new Random(20261125), 600);
        db.execute("FLUSH BINARY LOGS");
        List<StoredEntry> entries = decode(db, firstFile);
        assertThat(entries).hasSizeGreaterThan(600);

        ListDestination destination = new ListDestination("rs", List.of());
        try (NetServer server = new NetServer(NetServerSettings.open("127.0.0.1", 0), n -> Optional.of(destination));
             RedisServer redis = RedisServer.start()) {
            server.start();
            RedisSyncSettings settings = RedisSyncSettings.fromProperties(properties(server.localAddress().getPort(),
                    redis.port()));

            int chunk = entries.size() / 6 + 1;
            for (int part = 0; part < 6; part++) {
                int end = Math.min(entries.size(), (part + 1) * chunk);
                destination.append(entries.subList(part * chunk, end));
                RedisSync sync = new RedisSync(settings).start();
                if (part == 3) {
                    // Redis goes away mid-stream: the batch is retried, never acked, until Redis is back
                    await().atMost(Duration.ofSeconds(30)).until(() -> destination.isSubscribed(CLIENT));
                    redis.kill();
                    int acked = destination.acked(CLIENT);
                    await().atMost(Duration.ofSeconds(30)).until(() -> sync.redisFailures() > 0);
                    assertThat(destination.acked(CLIENT)).isEqualTo(acked);
                    redis.restart();
                }
                int target = Math.min(entries.size(), part * chunk + chunk / 2);
                await().atMost(Duration.ofSeconds(60)).until(() -> destination.isSubscribed(CLIENT)
                        && destination.acked(CLIENT) >= target);
                sync.close(); // the consumer stops mid-stream; what it had not acked comes again
            }
            try (RedisSync last = new RedisSync(settings).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> destination.acked(CLIENT) == entries.size());
            }

            Map<String, Map<String, String>> expected = expectedContent(db);
            assertThat(expected).hasSizeGreaterThan(100);
            assertThat(expected.keySet()).anyMatch(k -> k.startsWith("rsync:pair:"));
            assertThat(expected.values()).anyMatch(row -> !row.containsKey("qty")); // NULL columns are absent fields
            assertThat(redisContent(redis.port())).isEqualTo(expected);
        }
    }

    @Test
    void withZooKeeperOneCopyMirrorsAndAnotherTakesOverWhenItStops(TestDatabase db) throws Exception {
        db.execute("FLUSH BINARY LOGS");
        String firstFile = db.masterStatus().file();
        db.execute("DROP DATABASE IF EXISTS rsync", "CREATE DATABASE rsync",
                "CREATE TABLE rsync.item (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, qty INT NULL,"
                        + " price DECIMAL(8,2) NULL, note TEXT NULL)",
                "CREATE TABLE rsync.pair (a INT, b VARCHAR(10), v VARCHAR(20) NULL, PRIMARY KEY (a, b))",
                "CREATE TABLE rsync.ignored (id INT PRIMARY KEY, v INT)");
        workload(db, new Random(20261126), 400);
        db.execute("FLUSH BINARY LOGS");
        List<StoredEntry> entries = decode(db, firstFile);

        ListDestination destination = new ListDestination("rs", List.of());
        try (org.apache.curator.test.TestingServer zookeeper = new org.apache.curator.test.TestingServer(true);
             NetServer server = new NetServer(NetServerSettings.open("127.0.0.1", 0), n -> Optional.of(destination));
             RedisServer redis = RedisServer.start()) {
            server.start();
            Properties p = properties(server.localAddress().getPort(), redis.port());
            p.setProperty("sluice.zkServers", zookeeper.getConnectString());
            RedisSyncSettings settings = RedisSyncSettings.fromProperties(p);
            RedisSync one = new RedisSync(settings).start();
            RedisSync two = new RedisSync(settings).start();
            try {
                destination.append(entries.subList(0, entries.size() / 2));
                await().atMost(Duration.ofSeconds(30)).until(() -> one.isActive() || two.isActive());
                RedisSync active = one.isActive() ? one : two;
                RedisSync standby = active == one ? two : one;
                await().atMost(Duration.ofSeconds(60)).until(() -> destination.acked(CLIENT) >= entries.size() / 4);
                assertThat(standby.isActive()).isFalse();
                assertThat(standby.ackedBatches()).as("the standby pulled nothing").isZero();
                destination.append(entries.subList(entries.size() / 2, entries.size()));
                active.close(); // mid-stream: its running node goes, the standby takes over after the last ack
                await().atMost(Duration.ofSeconds(30)).until(standby::isActive);
                await().atMost(Duration.ofSeconds(60)).until(() -> destination.acked(CLIENT) == entries.size());
                assertThat(standby.ackedBatches()).isPositive();
            } finally {
                one.close();
                two.close();
            }
            assertThat(redisContent(redis.port())).isEqualTo(expectedContent(db));
        }
    }

    private static Properties properties(int serverPort, int redisPort) {
        Properties p = new Properties();
        p.setProperty("sluice.address", "127.0.0.1:" + serverPort);
        p.setProperty("sluice.destination", "rs");
        p.setProperty("sluice.batch.size", "40");
        p.setProperty("redis.host", "127.0.0.1");
        p.setProperty("redis.port", String.valueOf(redisPort));
        p.setProperty("redis.timeout.ms", "2000");
        p.setProperty("sync.tables", "rsync.item,rsync.pair");
        p.setProperty("sync.retry.backoff.ms", "100");
        p.setProperty("sync.retry.backoff.max.ms", "500");
        return p;
    }

    /** Inserts (single and multi-row), updates (some to NULL, some moving the key), deletes, a TRUNCATE, transactions. */
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
                            StringBuilder sql = new StringBuilder("INSERT INTO rsync.item VALUES ");
                            for (int m = 0, rows = 1 + r.nextInt(3); m < rows; m++) {
                                int id = nextId++;
                                items.add(id);
                                sql.append(m == 0 ? "" : ",").append("(").append(id).append(",'n").append(r.nextInt(999))
                                        .append(" ü'," ).append(r.nextBoolean() ? String.valueOf(r.nextInt(100)) : "NULL")
                                        .append(",").append(r.nextBoolean() ? r.nextInt(9999) + "." + r.nextInt(10) + "0" : "NULL")
                                        .append(",").append(r.nextInt(3) == 0 ? "NULL" : "'note " + r.nextInt(50) + "'").append(")");
                            }
                            s.execute(sql.toString());
                        }
                        case 2, 3 -> s.execute("UPDATE rsync.item SET qty = " + (r.nextBoolean() ? "NULL" : r.nextInt(100))
                                + ", note = " + (r.nextBoolean() ? "NULL" : "'upd " + r.nextInt(9) + "'")
                                + " WHERE id = " + items.get(r.nextInt(items.size())));
                        case 4 -> {
                            int old = items.remove(r.nextInt(items.size()));
                            int moved = nextId++;
                            items.add(moved);
                            s.execute("UPDATE rsync.item SET id = " + moved + " WHERE id = " + old);
                        }
                        case 5 -> s.execute("DELETE FROM rsync.item WHERE id = " + items.remove(r.nextInt(items.size())));
                        case 6 -> s.execute("UPDATE rsync.item SET price = 1.50 WHERE id % 7 = " + r.nextInt(7));
                        case 7 -> {
                            String key = r.nextInt(20) + ",'b" + r.nextInt(5) + "'";
                            s.execute("REPLACE INTO rsync.pair VALUES (" + key + "," + (r.nextBoolean() ? "NULL" : "'v" + r.nextInt(99) + "'") + ")");
                        }
                        case 8 -> s.execute("DELETE FROM rsync.pair WHERE a = " + r.nextInt(20));
                        default -> s.execute("INSERT INTO rsync.ignored VALUES (" + (nextId++) + ", 1)");
                    }
                }
                if (tx) {
                    c.commit();
                    c.setAutoCommit(true);
                }
                if (i == statements / 2) {
                    s.execute("TRUNCATE TABLE rsync.pair");
                }
            }
        }
    }

    /** The binlog files of the workload, decoded by Sluice's parser and encoded as the store holds them. */
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

    private static Map<String, Map<String, String>> expectedContent(TestDatabase db) {
        Map<String, Map<String, String>> expected = new TreeMap<>();
        for (Map<String, String> row : db.query("SELECT * FROM rsync.item")) {
            expected.put("rsync:item:" + row.get("id"), nonNull(row));
        }
        for (Map<String, String> row : db.query("SELECT * FROM rsync.pair")) {
            expected.put("rsync:pair:" + row.get("a") + ":" + row.get("b"), nonNull(row));
        }
        return expected;
    }

    private static Map<String, String> nonNull(Map<String, String> row) {
        Map<String, String> m = new LinkedHashMap<>();
        row.forEach((k, v) -> {
            if (v != null) {
                m.put(k, v);
            }
        });
        return m;
    }

    private static Map<String, Map<String, String>> redisContent(int port) {
        Map<String, Map<String, String>> content = new TreeMap<>();
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = j.scan(cursor, new ScanParams().count(500));
                for (String key : page.getResult()) {
                    content.put(key, j.hgetAll(key));
                }
                cursor = page.getCursor();
            } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        }
        return content;
    }
}
