package io.sluice.server.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.sluice.server.instance.DestinationInstance;
import io.sluice.server.meta.MemoryMetaStore;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator re-reads a table while the destination streams and a writer keeps updating, deleting and
 * re-inserting the same keys: the consumer's view ends equal to the table, and no key ever receives a value
 * older than one it already received (each change stamps the row with a version that only grows).
 */
@ExtendWith(TestDatabaseExtension.class)
class IncrementalSnapshotIT {

    private static final int ROWS = 3000;

    @TempDir
    Path conf;

    @Test
    void reReadTableConvergesAndNoKeyGoesBackInTime(TestDatabase db) throws Exception {
        db.execute("DROP DATABASE IF EXISTS snapinc", "CREATE DATABASE snapinc",
                "CREATE TABLE snapinc.t (id INT PRIMARY KEY, ver BIGINT NOT NULL, val VARCHAR(40))",
                "CREATE TABLE snapinc.other (id INT PRIMARY KEY, v INT)");
        List<String> rows = new ArrayList<>();
        for (int i = 1; i <= ROWS; i++) {
            rows.add("(" + i + ", 0, 'initial " + i + "')");
        }
        db.execute("INSERT INTO snapinc.t VALUES " + String.join(",", rows));
        MaterializedView view = new MaterializedView(
                new MaterializedView.TableSpec("snapinc", "t", List.of("id"), "SELECT id, ver, val FROM snapinc.t", "ver"));
        List<SnapshotSource> sources = new ArrayList<>();
        DestinationInstance instance = new DestinationInstance(TestInstances.config(conf, db, "inc",
                "canal.instance.filter.regex = snapinc\\\\..*", "sluice.snapshot.chunk.size = 20"),
                new MemoryMetaStore("inc"), (cfg, source, sink, filter) -> {
                    SnapshotSource s = (SnapshotSource) TestInstances.snapshotSources(db).create(cfg, source, sink, filter);
                    sources.add(s);
                    return s;
                });
        SnapshotService service = new SnapshotService(d -> d.equals("inc") ? sources : List.of());
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        http.createContext("/snapshot", service.httpHandler());
        http.start();
        AtomicLong version = new AtomicLong();
        instance.start();
        try (DestinationConsumer consumer = new DestinationConsumer(instance, view, 50);
             Writer writer = new Writer(db, 13, r -> change(r, version))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> view.entries > 100);
            // a slow consumer: the store fills, the stream falls behind the chunks' positions (splicing must wait
            // for it) and the re-read cannot finish before the writer has changed keys under it
            consumer.delayMillis = 20;

            HttpResponse<String> bad = post(http, "inc", "snapinc.missing");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("snapinc.missing does not exist");
            assertThat(post(http, "nope", "snapinc.t").statusCode()).isEqualTo(404);
            assertThat(post(http, "inc", "mysql.user").body()).contains("not among the tables");
            long writtenBefore = writer.statements.get();
            HttpResponse<String> ok = post(http, "inc", "snapinc.t");
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
            assertThat(ok.body()).contains("queued");

            await().atMost(Duration.ofSeconds(120)).until(() -> {
                consumer.checkHealthy();
                return view.snapshotRows.getOrDefault("snapinc.t", 0) > 0 && sources.get(0).status().progress() == null;
            });
            long writtenDuring = writer.statements.get() - writtenBefore;
            assertThat(writtenDuring).as("statements written while the table was re-read").isGreaterThan(20);
            await().atMost(Duration.ofSeconds(30)).until(() -> writer.statements.get() > writtenBefore + writtenDuring + 200);
            consumer.delayMillis = 0;
            writer.close();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                consumer.checkHealthy();
                assertThat(view.differences(db)).isEmpty();
            });
        } finally {
            instance.stop();
            http.stop(0);
        }
        assertThat(view.versionRegressions).isEmpty();
        assertThat(view.snapshotDuplicates).isEmpty();
        // rows no writer touched reached the consumer only through the snapshot
        assertThat(view.snapshotRows.get("snapinc.t")).isGreaterThan(ROWS / 2);
        assertThat(view.snapshotKeyOrder.get("snapinc.t")).isSortedAccordingTo(
                (a, b) -> Integer.compare(Integer.parseInt(a.trim()), Integer.parseInt(b.trim())));
    }

    private static List<String> change(Random r, AtomicLong version) {
        // a few hot keys, so that chunks and changes of the same keys meet often
        int k = r.nextInt(10) < 7 ? 1 + r.nextInt(200) : 1 + r.nextInt(ROWS);
        long v = version.incrementAndGet();
        return switch (r.nextInt(4)) {
            case 0 -> List.of("DELETE FROM snapinc.t WHERE id = " + k);
            case 1 -> List.of("INSERT INTO snapinc.t VALUES (" + k + ", " + v + ", 'insert " + v + "')"
                    + " ON DUPLICATE KEY UPDATE ver = " + v + ", val = 'upsert " + v + "'");
            default -> List.of("UPDATE snapinc.t SET ver = " + v + ", val = 'update " + v + "' WHERE id = " + k);
        };
    }

    private static HttpResponse<String> post(HttpServer http, String destination, String table) throws Exception {
        String body = "{\"destination\": \"" + destination + "\", \"table\": \"" + table + "\"}";
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + http.getAddress().getPort() + "/snapshot")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
