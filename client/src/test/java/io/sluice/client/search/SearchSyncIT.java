package io.sluice.client.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.sluice.testkit.FreePort;
import io.sluice.testkit.LocalMariaDb;
import io.sluice.testkit.LocalOpenSearch;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Search sync end to end against a real OpenSearch 2.19 node (Maven Central's jars, child JVM): a random workload
 * on the private source MariaDB (inserts, updates, primary-key changes, deletes, TRUNCATE, an ALTER TABLE ADD
 * COLUMN, transactions), its binlog decoded by Sluice's parser, served by Sluice's network server and indexed by
 * the search sync — the consumer stopped and restarted mid-stream several times, the Sluice server restarted,
 * OpenSearch stopped and later killed mid-stream. At the end every index holds one document per source row, its
 * {@code _source} equal to the row field for field; replaying the whole stream leaves it so.
 */
@ExtendWith(TestDatabaseExtension.class)
@Timeout(900)
class SearchSyncIT {

    private static final String ITEM_SOURCE = "SELECT id, name, qty, price, note, CAST(created AS CHAR), CAST(day AS CHAR),"
            + " flag, CAST(big AS CHAR), ratio, HEX(data) FROM ssync.item";
    private static final List<String> ITEM_FIELDS = List.of("id", "title", "qty", "price", "note", "created", "day",
            "flag", "big", "ratio", "data");
    private static final String PAIR_SOURCE = "SELECT a, b, v, w FROM ssync.pair";
    private static final List<String> PAIR_FIELDS = List.of("a", "b", "v", "w");
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static LocalOpenSearch search;

    @BeforeAll
    static void startOpenSearch() throws Exception {
        assumeTrue(LocalMariaDb.available(), "mariadbd is not installed");
        search = LocalOpenSearch.start();
    }

    @AfterAll
    static void stopOpenSearch() {
        if (search != null) {
            search.close();
        }
    }

    @Test
    void indexesEqualTheSourceThroughConsumerSluiceAndClusterRestarts(TestDatabase db) throws Exception {
        List<StoredEntry> entries = sourceWorkload(db, new Random(20261207), 700);
        // what a user does for BIGINT UNSIGNED: dynamic mapping would make the field a long, which refuses 2^63 and up
        http("PUT", "/items", "{\"mappings\":{\"properties\":{\"big\":{\"type\":\"unsigned_long\"}}}}");

        Map<String, ListDestination> destinations = new ConcurrentHashMap<>();
        for (String name : List.of("search", "replay")) {
            destinations.put(name, new ListDestination(name, List.of()));
        }
        ListDestination destination = destinations.get("search");
        ClientIdentity client = new ClientIdentity("search", (short) 1001);
        NetServer[] restarted = new NetServer[1];
        try (NetServer server = new NetServer(NetServerSettings.open("127.0.0.1", 0),
                n -> Optional.ofNullable(destinations.get(n)))) {
            server.start();
            int port = server.localAddress().getPort();
            SearchSyncSettings settings = SearchSyncSettings.fromProperties(properties(port, "search"));

            int parts = 6;
            int chunk = entries.size() / parts + 1;
            long retries = 0;
            for (int part = 0; part < parts; part++) {
                int end = Math.min(entries.size(), (part + 1) * chunk);
                destination.append(entries.subList(part * chunk, end));
                SearchSync sync = new SearchSync(settings).start();
                if (part == 1) {
                    // Sluice goes away mid-stream and comes back on the same port, its acks kept
                    await().atMost(Duration.ofSeconds(30)).until(() -> destination.isSubscribed(client));
                    server.close();
                    restarted[0] = new NetServer(NetServerSettings.open("127.0.0.1", port),
                            n -> Optional.ofNullable(destinations.get(n)));
                    restarted[0].start();
                }
                if (part == 2 || part == 4) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> destination.isSubscribed(client));
                    if (part == 2) {
                        search.stop();
                    } else {
                        search.kill();
                    }
                    int acked = destination.acked(client);
                    await().atMost(Duration.ofSeconds(60)).until(() -> sync.retries() > 0);
                    assertThat(destination.acked(client)).as("nothing acked while OpenSearch is away").isEqualTo(acked);
                    retries += sync.retries();
                    search.restart();
                }
                int target = Math.min(entries.size(), part * chunk + chunk / 2);
                await().atMost(Duration.ofSeconds(180)).until(() -> acked(destination, client) >= target);
                assertThat(sync.failure()).isNull();
                sync.close(); // mid-stream: what was not acked comes again to the next run
            }
            assertThat(retries).isPositive();
            Properties last = properties(port, "search");
            last.setProperty("sync.metrics.port", String.valueOf(FreePort.find()));
            try (SearchSync sync = new SearchSync(SearchSyncSettings.fromProperties(last)).start()) {
                await().atMost(Duration.ofSeconds(180)).until(() -> acked(destination, client) == entries.size());
                String metrics = get("http://127.0.0.1:" + sync.metricsPort() + "/metrics");
                assertThat(metrics).containsPattern("sluice_sync_rows_applied_total\\{[^}]*sync=\"search\"[^}]*} [1-9]")
                        .contains("sluice_sync_batches_acked_total").contains("sluice_sync_retries_total")
                        .contains("sluice_sync_lag_milliseconds");
            }

            Map<String, List<String>> items = sourceRows(db, ITEM_SOURCE, 1);
            Map<String, List<String>> pairs = sourceRows(db, PAIR_SOURCE, 2);
            assertThat(items).hasSizeGreaterThan(100);
            assertThat(pairs).isNotEmpty();
            assertThat(items.values()).anyMatch(r -> r.get(10) != null).anyMatch(r -> r.get(2) == null)
                    .anyMatch(r -> r.get(8) != null);
            assertThat(pairs.values()).as("the column added by ALTER TABLE is indexed").anyMatch(r -> r.get(3) != null);
            assertThat(documents("items", ITEM_FIELDS, 10)).isEqualTo(items);
            assertThat(documents("ssync_pair", PAIR_FIELDS, -1)).isEqualTo(pairs);

            // idempotent on replay: the whole stream again over the finished indexes changes nothing in the end, also
            // when each batch goes as several bulk requests
            destinations.get("replay").append(entries);
            ClientIdentity replayClient = new ClientIdentity("replay", (short) 1001);
            Properties replayProperties = properties(port, "replay");
            replayProperties.setProperty("search.bulk.max.bytes", "4096"); // each batch as several small bulk requests
            try (SearchSync replay = new SearchSync(SearchSyncSettings.fromProperties(replayProperties)).start()) {
                await().atMost(Duration.ofSeconds(180)).until(() -> acked(destinations.get("replay"), replayClient)
                        == entries.size());
            }
            assertThat(documents("items", ITEM_FIELDS, 10)).isEqualTo(items);
            assertThat(documents("ssync_pair", PAIR_FIELDS, -1)).isEqualTo(pairs);
        } finally {
            if (restarted[0] != null) {
                restarted[0].close();
            }
        }
    }

    @Test
    void aDocumentTheClusterRefusesStopsTheSyncNamingItAndNothingIsAcked(TestDatabase db) throws Exception {
        db.execute("FLUSH BINARY LOGS");
        String firstFile = db.masterStatus().file();
        db.execute("DROP DATABASE IF EXISTS snum", "CREATE DATABASE snum",
                "CREATE TABLE snum.num (id INT PRIMARY KEY, big BIGINT UNSIGNED NULL)",
                "INSERT INTO snum.num VALUES (1, 5)",
                "INSERT INTO snum.num VALUES (2, 18446744073709551615)",
                "INSERT INTO snum.num VALUES (3, 7)");
        db.execute("FLUSH BINARY LOGS");
        List<StoredEntry> entries = decode(db, firstFile);
        ListDestination destination = new ListDestination("num", entries);
        ClientIdentity client = new ClientIdentity("num", (short) 1001);
        try (NetServer server = new NetServer(NetServerSettings.open("127.0.0.1", 0), n -> Optional.of(destination))) {
            server.start();
            Properties p = properties(server.localAddress().getPort(), "num");
            p.setProperty("sync.tables", "snum.num");
            SearchSyncSettings settings = SearchSyncSettings.fromProperties(p);
            try (SearchSync sync = new SearchSync(settings).start()) {
                // the first document makes big a long (dynamic mapping); the second does not fit it
                await().atMost(Duration.ofSeconds(60)).until(() -> !sync.isRunning());
                assertThat(sync.failure()).contains("index snum_num document 2").contains("table snum.num key id=2")
                        .contains("mapper_parsing_exception");
                assertThat(destination.acked(client)).as("the batch holding the refused document").isZero();
            }
            // the fix a user makes: a mapping that takes the value, then a restart
            http("DELETE", "/snum_num", null);
            http("PUT", "/snum_num", "{\"mappings\":{\"properties\":{\"big\":{\"type\":\"unsigned_long\"}}}}");
            try (SearchSync sync = new SearchSync(settings).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> acked(destination, client) == entries.size());
            }
            assertThat(documents("snum_num", List.of("id", "big"), -1)).isEqualTo(Map.of(
                    "1", List.of("1", "5"), "2", List.of("2", "18446744073709551615"), "3", List.of("3", "7")));
        }
    }

    @Test
    void withZooKeeperOneCopyIndexesAndAnotherTakesOverWhenItStops(TestDatabase db) throws Exception {
        db.execute("FLUSH BINARY LOGS");
        String firstFile = db.masterStatus().file();
        db.execute("DROP DATABASE IF EXISTS sha", "CREATE DATABASE sha", "CREATE TABLE sha.t (id INT PRIMARY KEY, v INT)");
        for (int i = 1; i <= 300; i++) {
            db.execute("INSERT INTO sha.t VALUES (" + i + "," + i + ")");
        }
        db.execute("UPDATE sha.t SET v = v * 2 WHERE id % 3 = 0", "DELETE FROM sha.t WHERE id % 5 = 0");
        db.execute("FLUSH BINARY LOGS");
        List<StoredEntry> entries = decode(db, firstFile);
        ListDestination destination = new ListDestination("ha", List.of());
        ClientIdentity client = new ClientIdentity("ha", (short) 1001);
        try (org.apache.curator.test.TestingServer zookeeper = new org.apache.curator.test.TestingServer(true);
             NetServer server = new NetServer(NetServerSettings.open("127.0.0.1", 0), n -> Optional.of(destination))) {
            server.start();
            Properties p = properties(server.localAddress().getPort(), "ha");
            p.setProperty("sync.tables", "sha.t");
            p.setProperty("sluice.batch.size", "20");
            p.setProperty("sluice.zkServers", zookeeper.getConnectString());
            SearchSyncSettings settings = SearchSyncSettings.fromProperties(p);
            SearchSync one = new SearchSync(settings).start();
            SearchSync two = new SearchSync(settings).start();
            try {
                destination.append(entries.subList(0, entries.size() / 2));
                await().atMost(Duration.ofSeconds(30)).until(() -> one.isActive() || two.isActive());
                SearchSync active = one.isActive() ? one : two;
                SearchSync standby = active == one ? two : one;
                await().atMost(Duration.ofSeconds(60)).until(() -> acked(destination, client) >= entries.size() / 4);
                assertThat(standby.isActive()).isFalse();
                assertThat(standby.ackedBatches()).as("the standby indexed nothing").isZero();
                destination.append(entries.subList(entries.size() / 2, entries.size()));
                active.close(); // mid-stream: the standby takes over after the last ack
                await().atMost(Duration.ofSeconds(30)).until(standby::isActive);
                await().atMost(Duration.ofSeconds(60)).until(() -> acked(destination, client) == entries.size());
                assertThat(standby.ackedBatches()).isPositive();
            } finally {
                one.close();
                two.close();
            }
            assertThat(documents("sha_t", List.of("id", "v"), -1)).isEqualTo(sourceRows(db, "SELECT id, v FROM sha.t", 1))
                    .hasSize(240);
        }
    }

    private static Properties properties(int serverPort, String destination) {
        Properties p = new Properties();
        p.setProperty("sluice.address", "127.0.0.1:" + serverPort);
        p.setProperty("sluice.destination", destination);
        p.setProperty("sluice.batch.size", "50");
        p.setProperty("search.urls", search.url());
        p.setProperty("search.timeout.ms", "10000");
        p.setProperty("sync.tables", "ssync.item,ssync.pair");
        p.setProperty("sync.table.ssync.item.index", "items");
        p.setProperty("sync.table.ssync.item.columns", "id,name:title,qty,price,note,created,day,flag,big,ratio,data");
        p.setProperty("sync.retry.backoff.ms", "100");
        p.setProperty("sync.retry.backoff.max.ms", "1000");
        p.setProperty("sync.progress.seconds", "5");
        return p;
    }

    /** Entries acked by the client, or -1 while it is not subscribed (between two runs of the consumer). */
    private static int acked(ListDestination destination, ClientIdentity client) {
        return destination.isSubscribed(client) ? destination.acked(client) : -1;
    }

    /** Creates the source tables, runs the workload and returns its binlog as the store holds it. */
    private static List<StoredEntry> sourceWorkload(TestDatabase db, Random r, int statements) throws Exception {
        db.execute("FLUSH BINARY LOGS");
        String firstFile = db.masterStatus().file();
        db.execute("DROP DATABASE IF EXISTS ssync", "CREATE DATABASE ssync",
                "CREATE TABLE ssync.item (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, qty INT NULL,"
                        + " price DECIMAL(8,2) NULL, note TEXT NULL, secret VARCHAR(10) NULL, created DATETIME(3) NULL,"
                        + " day DATE NULL, flag TINYINT NULL, big BIGINT UNSIGNED NULL, ratio DOUBLE NULL,"
                        + " data VARBINARY(16) NULL)",
                "CREATE TABLE ssync.pair (a INT, b VARCHAR(10), v VARCHAR(20) NULL, PRIMARY KEY (a, b))",
                "CREATE TABLE ssync.ignored (id INT PRIMARY KEY, v INT)");
        workload(db, r, statements);
        db.execute("FLUSH BINARY LOGS");
        return decode(db, firstFile);
    }

    private static void workload(TestDatabase db, Random r, int statements) throws Exception {
        List<Integer> items = new ArrayList<>();
        int nextId = 1;
        boolean altered = false;
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
                            StringBuilder sql = new StringBuilder("INSERT INTO ssync.item VALUES ");
                            for (int m = 0, rows = 1 + r.nextInt(3); m < rows; m++) {
                                int id = nextId++;
                                items.add(id);
                                sql.append(m == 0 ? "" : ",").append("(").append(id).append(",'n").append(r.nextInt(999))
                                        .append(" ü q''s \"x\"',").append(r.nextBoolean() ? String.valueOf(r.nextInt(100)) : "NULL")
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
                        case 2, 3 -> s.execute("UPDATE ssync.item SET qty = " + (r.nextBoolean() ? "NULL" : r.nextInt(100))
                                + ", note = " + (r.nextBoolean() ? "NULL" : "'upd " + r.nextInt(9) + "'")
                                + ", secret = 'x', data = " + (r.nextBoolean() ? "NULL" : "x'" + Integer.toHexString(0x10 + r.nextInt(0xef)) + "'")
                                + " WHERE id = " + items.get(r.nextInt(items.size())));
                        case 4 -> {
                            int old = items.remove(r.nextInt(items.size()));
                            int moved = nextId++;
                            items.add(moved);
                            s.execute("UPDATE ssync.item SET id = " + moved + " WHERE id = " + old);
                        }
                        case 5 -> s.execute("DELETE FROM ssync.item WHERE id = " + items.remove(r.nextInt(items.size())));
                        case 6 -> s.execute("UPDATE ssync.item SET price = 1.50, created = NOW(3) WHERE id % 7 = " + r.nextInt(7));
                        case 7 -> {
                            String key = r.nextInt(20) + ",'b" + r.nextInt(5) + "'";
                            String v = r.nextBoolean() ? "NULL" : "'v" + r.nextInt(99) + "'";
                            s.execute(altered
                                    ? "REPLACE INTO ssync.pair (a, b, v, w) VALUES (" + key + "," + v + "," + r.nextInt(50) + ")"
                                    : "REPLACE INTO ssync.pair (a, b, v) VALUES (" + key + "," + v + ")");
                        }
                        case 8 -> s.execute("DELETE FROM ssync.pair WHERE a = " + r.nextInt(20));
                        default -> s.execute("INSERT INTO ssync.ignored VALUES (" + (nextId++) + ", 1)");
                    }
                }
                if (tx) {
                    c.commit();
                    c.setAutoCommit(true);
                }
                if (i == statements / 2) {
                    s.execute("TRUNCATE TABLE ssync.pair");
                }
                if (i == statements / 3) {
                    s.execute("TRUNCATE TABLE ssync.item");
                    items.clear();
                }
                if (i == statements * 2 / 3) {
                    s.execute("ALTER TABLE ssync.pair ADD COLUMN w INT NULL");
                    altered = true;
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

    /** Source rows by document id ({@code keyColumns} first columns joined by "_"), values as normalized text. */
    private static Map<String, List<String>> sourceRows(TestDatabase db, String sql, int keyColumns) throws Exception {
        Map<String, List<String>> rows = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(normalize(rs.getString(i)));
                }
                rows.put(String.join("_", row.subList(0, keyColumns)), row);
            }
        }
        return rows;
    }

    /** Every document of the index by id, its fields in {@code fields} order; a missing field counts as null. */
    private static Map<String, List<String>> documents(String index, List<String> fields, int binaryField)
            throws Exception {
        http("POST", "/" + index + "/_refresh", null);
        JsonNode hits = JSON.readTree(http("POST", "/" + index + "/_search?size=10000",
                "{\"query\":{\"match_all\":{}}}")).path("hits").path("hits");
        Map<String, List<String>> docs = new TreeMap<>();
        for (JsonNode hit : hits) {
            JsonNode source = hit.path("_source");
            assertThat(source.size()).as("document %s has only the selected fields", hit.path("_id").asText())
                    .isLessThanOrEqualTo(fields.size());
            List<String> row = new ArrayList<>();
            for (int i = 0; i < fields.size(); i++) {
                JsonNode v = source.get(fields.get(i));
                if (v == null || v.isNull()) {
                    row.add(null);
                } else if (i == binaryField) {
                    row.add(HexFormat.of().withUpperCase().formatHex(Base64.getDecoder().decode(v.asText())));
                } else if (v.isNumber()) {
                    row.add(v.decimalValue().stripTrailingZeros().toPlainString());
                } else {
                    row.add(v.asText());
                }
            }
            docs.put(hit.path("_id").asText(), row);
        }
        return docs;
    }

    /** Numbers by value (1.50 and 1.5 alike), the rest as it is. */
    private static String normalize(String v) {
        if (v == null) {
            return null;
        }
        if (v.matches("-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
            return new BigDecimal(v).stripTrailingZeros().toPlainString();
        }
        return v;
    }

    private static String http(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(search.url() + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isLessThan(300);
        return response.body();
    }

    private static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
