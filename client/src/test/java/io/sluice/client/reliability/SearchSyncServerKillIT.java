package io.sluice.client.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.client.search.SearchSync;
import io.sluice.client.search.SearchSyncSettings;
import io.sluice.testkit.LocalOpenSearch;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search sync behind a real Sluice server process reading the private MariaDB's binlog: the server is killed
 * (SIGKILL) twice while a writer keeps inserting, updating, re-keying and deleting rows, once staying down while
 * the writer goes on. The sync reconnects each time; at the end the index holds exactly the table's rows.
 */
@ExtendWith(TestDatabaseExtension.class)
@Timeout(600)
class SearchSyncServerKillIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path home;

    @Test
    void theIndexEqualsTheTableAfterTheSluiceServerIsKilledMidStream(TestDatabase db) throws Exception {
        db.execute("CREATE DATABASE IF NOT EXISTS rel", "DROP TABLE IF EXISTS rel.search_kill",
                "CREATE TABLE rel.search_kill (id INT PRIMARY KEY, v INT NOT NULL, s VARCHAR(20) NULL)");
        try (LocalOpenSearch search = LocalOpenSearch.start();
             SluiceProcess server = SluiceProcess.configure(home, db, "rel\\.search_kill", 1000, List.of("-Xmx256m"),
                     Map.of())) {
            server.start();
            Properties p = new Properties();
            p.setProperty("sluice.address", "127.0.0.1:" + server.address().getPort());
            p.setProperty("sluice.destination", SluiceProcess.DESTINATION);
            p.setProperty("sluice.batch.size", "100");
            p.setProperty("search.urls", search.url());
            p.setProperty("sync.tables", "rel.search_kill");
            p.setProperty("sync.retry.backoff.ms", "100");
            p.setProperty("sync.retry.backoff.max.ms", "1000");
            try (SearchSync sync = new SearchSync(SearchSyncSettings.fromProperties(p)).start()) {
                Random r = new Random(24);
                List<Integer> ids = new ArrayList<>();
                int next = 1;
                try (Connection c = db.connect(); Statement s = c.createStatement()) {
                    for (int i = 0; i < 600; i++) {
                        int op = ids.size() < 5 ? 0 : r.nextInt(6);
                        switch (op) {
                            case 0, 1 -> {
                                ids.add(next);
                                s.execute("INSERT INTO rel.search_kill VALUES (" + next++ + "," + r.nextInt(1000) + ","
                                        + (r.nextBoolean() ? "NULL" : "'s" + r.nextInt(99) + "'") + ")");
                            }
                            case 2, 3 -> s.execute("UPDATE rel.search_kill SET v = v + 1, s = 'u" + r.nextInt(9)
                                    + "' WHERE id = " + ids.get(r.nextInt(ids.size())));
                            case 4 -> {
                                int old = ids.remove(r.nextInt(ids.size()));
                                ids.add(next);
                                s.execute("UPDATE rel.search_kill SET id = " + next++ + " WHERE id = " + old);
                            }
                            default -> s.execute("DELETE FROM rel.search_kill WHERE id = "
                                    + ids.remove(r.nextInt(ids.size())));
                        }
                        if (i == 150) {
                            server.kill(); // the writer goes on: the binlog keeps what the server has not read
                        }
                        if (i == 250) {
                            server.start();
                        }
                        if (i == 450) {
                            server.kill();
                            server.start();
                        }
                        if (i % 10 == 0) {
                            Thread.sleep(20);
                        }
                    }
                }
                Map<String, List<String>> rows = rows(db);
                assertThat(rows).hasSizeGreaterThan(50);
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                        .until(() -> documents(search).equals(rows));
                assertThat(sync.failure()).isNull();
            }
        }
    }

    private static Map<String, List<String>> rows(TestDatabase db) throws Exception {
        Map<String, List<String>> rows = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, v, s FROM rel.search_kill")) {
            while (rs.next()) {
                rows.put(rs.getString(1), java.util.Arrays.asList(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        }
        return rows;
    }

    private static Map<String, List<String>> documents(LocalOpenSearch search) throws Exception {
        send(search, "POST", "/rel_search_kill/_refresh?ignore_unavailable=true", null);
        JsonNode hits = JSON.readTree(send(search, "POST", "/rel_search_kill/_search?size=10000&ignore_unavailable=true",
                "{\"query\":{\"match_all\":{}}}")).path("hits").path("hits");
        Map<String, List<String>> docs = new TreeMap<>();
        for (JsonNode hit : hits) {
            JsonNode d = hit.path("_source");
            docs.put(hit.path("_id").asText(), java.util.Arrays.asList(d.path("id").asText(), d.path("v").asText(),
                    d.path("s").isNull() || d.path("s").isMissingNode() ? null : d.path("s").asText()));
        }
        return docs;
    }

    private static String send(LocalOpenSearch search, String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(search.url() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }
}
