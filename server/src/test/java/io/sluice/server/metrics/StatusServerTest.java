package io.sluice.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.server.net.FailedLogins;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StatusServerTest {

    private final AtomicLong rows = new AtomicLong();

    private List<DestinationStats> stats() {
        return List.of(new DestinationStats("example", "RUNNING", "127.0.0.1:11111", "mysql-bin.000001:1234",
                "mysql-bin.000001:1000", 42, rows.get(), 3, 9000, 1, 5, 700, 16384, 16777216, 10, 5, 2, 1, 0, ""));
    }

    @Test
    void metricsAreScrapedFromLiveStatsAndStatusIsJson() throws Exception {
        SluiceMetrics metrics = new SluiceMetrics(this::stats, () -> 4);
        try (StatusServer server = new StatusServer("127.0.0.1", 0, new AdminCredentials("", "", "t0ken"),
                new FailedLogins("admin port", 10, Duration.ofMinutes(1)), metrics, () -> Map.of("version", "test"),
                this::stats)) {
            server.start();
            HttpClient http = HttpClient.newHttpClient();
            URI metricsUri = URI.create("http://127.0.0.1:" + server.port() + "/metrics");

            rows.set(100);
            String first = http.send(HttpRequest.newBuilder(metricsUri).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(first).contains("sluice_rows_parsed_total{destination=\"example\"} 100");
            assertThat(first).contains("sluice_store_bytes{destination=\"example\"} 700");
            assertThat(first).contains("sluice_destination_running{destination=\"example\",state=\"RUNNING\"} 1");
            assertThat(first).contains("sluice_client_connections 4");

            rows.set(250);
            String second = http.send(HttpRequest.newBuilder(metricsUri).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(second).contains("sluice_rows_parsed_total{destination=\"example\"} 250");

            String status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/status"))
                    .header("Authorization", "Bearer t0ken").build(), HttpResponse.BodyHandlers.ofString()).body();
            JsonNode node = new ObjectMapper().readTree(status);
            assertThat(node.get("version").asText()).isEqualTo("test");
            assertThat(node.get("destinations").get(0).get("position").asText()).isEqualTo("mysql-bin.000001:1234");
            assertThat(node.get("destinations").get(0).get("rowsParsed").asLong()).isEqualTo(250);
        }
    }
}
