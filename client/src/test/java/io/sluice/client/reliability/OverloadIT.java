package io.sluice.client.reliability;

import static io.sluice.client.reliability.ServerKillIT.awaitCopy;
import static io.sluice.client.reliability.ServerKillIT.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.client.ConnectorSettings;
import io.sluice.client.SluiceClientException;
import io.sluice.client.SluiceConnector;
import io.sluice.testkit.FreePort;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer that stops reading while one large transaction is written, the server at -Xmx512m with a 1 MiB
 * store: the store stays within its byte bound, the parser stops putting (backpressure to the master), and the
 * whole transaction arrives once the consumer reads again — while 50 clients connect and disconnect in a loop.
 * Knobs: {@code -Dsluice.reliability.bigRows} (CI 200000; the long run 1000000) and
 * {@code -Dsluice.reliability.pauseSeconds} (CI 5; long run 60).
 */
@Tag("reliability")
@ExtendWith(TestDatabaseExtension.class)
class OverloadIT {

    private static final Pattern SAMPLE = Pattern.compile("^(sluice_store_[a-z_]+)\\{[^}]*destination=\"example\"[^}]*} "
            + "([0-9.E+]+)", Pattern.MULTILINE);

    @TempDir
    Path home;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aStalledConsumerBackpressuresTheParserWithinTheStoreBoundAndGetsTheWholeTransaction(TestDatabase db)
            throws Exception {
        int rows = Integer.getInteger("sluice.reliability.bigRows", 200_000);
        int pauseSeconds = Integer.getInteger("sluice.reliability.pauseSeconds", 5);
        String table = "big";
        Workload.createTable(db, table);
        Map<String, String> instance = new LinkedHashMap<>(SluiceProcess.source(db, "rel\\." + table));
        instance.put("canal.instance.memory.buffer.size", "1024");
        instance.put("canal.instance.memory.buffer.memunit", "1024");
        int statusPort = FreePort.find();
        try (SluiceProcess server = SluiceProcess.configure(home, 1000, List.of("-Xmx512m"),
                Map.of(SluiceProcess.DESTINATION, instance), statusPort)) {
            server.start();
            // one transaction: every row in a single INSERT ... SELECT from MariaDB's sequence engine
            db.execute("INSERT INTO rel." + table + " SELECT seq, 0, CONCAT('row ', seq) FROM rel.seq_1_to_" + rows);

            // the store fills and the parser stops: the put sequence no longer moves while nobody reads
            Map<String, Double> full = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> stalled(statusPort), m -> m != null);
            double byteBound = full.get("sluice_store_capacity_bytes");
            assertThat(full.get("sluice_store_bytes")).isGreaterThan(0).isLessThanOrEqualTo(byteBound);
            sleep(pauseSeconds * 1000L);
            Map<String, Double> later = metrics(statusPort);
            assertThat(later.get("sluice_store_put_sequence")).as("parser paused while the consumer is stopped")
                    .isEqualTo(full.get("sluice_store_put_sequence"));
            long heapWhileFull = status(statusPort).get("heapUsedBytes").asLong();

            Ledger ledger = new Ledger(table);
            AtomicBoolean churning = new AtomicBoolean(true);
            AtomicLong churned = new AtomicLong();
            List<Thread> churners = churn(server, churning, churned);
            double worstBytes = 0;
            long worstHeap = heapWhileFull;
            try (Consumer consumer = new Consumer(server.address(), SluiceProcess.DESTINATION, ledger)) {
                consumer.start();
                long deadline = System.currentTimeMillis() + 300_000;
                while (ledger.changes() < rows && System.currentTimeMillis() < deadline
                        && ledger.violations().isEmpty()) {
                    Map<String, Double> m = metrics(statusPort);
                    worstBytes = Math.max(worstBytes, m.get("sluice_store_bytes"));
                    worstHeap = Math.max(worstHeap, status(statusPort).get("heapUsedBytes").asLong());
                    sleep(500);
                }
                churning.set(false);
                for (Thread t : churners) {
                    t.join(30_000);
                }
                awaitCopy(db, table, ledger, server);
            }
            assertThat(ledger.violations()).isEmpty();
            assertThat(ledger.changes()).isEqualTo(rows);
            assertThat(worstBytes).as("store bytes never above the bound").isLessThanOrEqualTo(byteBound);
            assertThat(churned.get()).as("client connect/disconnect cycles").isGreaterThan(50);
            assertThat(server.log()).doesNotContain("OutOfMemoryError");
            Figures.record(String.format("6 overload: %d-row transaction, consumer paused %d s, -Xmx512m, store bound "
                            + "%.0f B, worst store %.0f B, worst heap %d MiB, %d client churn cycles", rows, pauseSeconds,
                            byteBound, worstBytes, worstHeap >> 20, churned.get()),
                    1, rows, 0, ledger.duplicates(), 0);
        }
    }

    /** Metrics once the put sequence held still for two seconds with entries held; null before. */
    private Map<String, Double> stalled(int port) throws Exception {
        Map<String, Double> a = metrics(port);
        sleep(2000);
        Map<String, Double> b = metrics(port);
        boolean still = a.get("sluice_store_put_sequence").equals(b.get("sluice_store_put_sequence"))
                && b.get("sluice_store_entries") > 0;
        return still ? b : null;
    }

    private Map<String, Double> metrics(int port) throws IOException, InterruptedException {
        String text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Double> out = new LinkedHashMap<>();
        Matcher m = SAMPLE.matcher(text);
        while (m.find()) {
            out.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        assertThat(out).as("store metrics in /metrics:\n%s", text).containsKeys("sluice_store_bytes",
                "sluice_store_entries", "sluice_store_capacity_bytes", "sluice_store_put_sequence");
        return out;
    }

    private JsonNode status(int port) throws IOException, InterruptedException {
        return new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/status")).header("Authorization", "Bearer " + SluiceProcess.ADMIN_TOKEN)
                .build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    /** 50 clients (their own client ids) connecting, subscribing, unsubscribing and disconnecting in a loop. */
    private static List<Thread> churn(SluiceProcess server, AtomicBoolean running, AtomicLong cycles) {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            short id = (short) (2000 + i);
            Thread t = new Thread(() -> {
                while (running.get()) {
                    SluiceConnector c = new SluiceConnector(server.address(), ConnectorSettings
                            .of(SluiceProcess.DESTINATION).withClientId(id).withReconnect(0, Duration.ofMillis(100)));
                    try {
                        c.connect();
                        c.subscribe();
                        c.unsubscribe();
                        cycles.incrementAndGet();
                    } catch (SluiceClientException e) {
                        // counted only when a cycle completes; the main consumer's result is what is asserted
                    } finally {
                        c.disconnect();
                    }
                    sleep(250);
                }
            }, "churn-" + id);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        return threads;
    }
}
