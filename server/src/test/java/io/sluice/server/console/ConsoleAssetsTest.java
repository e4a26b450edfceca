package io.sluice.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.server.metrics.AdminCredentials;
import io.sluice.server.metrics.DestinationStats;
import io.sluice.server.metrics.SluiceMetrics;
import io.sluice.server.metrics.StatusServer;
import io.sluice.server.net.FailedLogins;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The console's files are open (they hold no data); what they call is not, and no Basic dialog is invited. */
@Timeout(30)
class ConsoleAssetsTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private StatusServer server;

    @BeforeEach
    void start() throws Exception {
        List<DestinationStats> none = List.of();
        server = new StatusServer("127.0.0.1", 0, new AdminCredentials("ops", AdminCredentials.doubleSha1Hex("pw"), "t0ken"),
                new FailedLogins("admin port", 10, Duration.ofMinutes(1)), new SluiceMetrics(() -> none, () -> 0),
                () -> Map.of("version", "test"), () -> none);
        server.addOpenHandler("/console", new ConsoleAssets());
        server.addHandler("/cluster", new ClusterEndpoint(() -> Map.of("address", "local", "destinations", List.of()),
                null, null, null));
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void thePageIsServedWithoutCredentialsUnderAStrictPolicy() throws Exception {
        HttpResponse<String> page = get("/console/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script src=\"console.js\"").doesNotContain("<script>");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
        assertThat(get("/console/console.js", null).headers().firstValue("Content-Type").orElse(""))
                .startsWith("text/javascript");
        assertThat(get("/console", null).statusCode()).isEqualTo(302);
    }

    @Test
    void onlyTheConsolesOwnFilesAreServed() throws Exception {
        assertThat(get("/console/../metrics/AdminGate.class", null).statusCode()).isEqualTo(404);
        assertThat(get("/console/logback.xml", null).statusCode()).isEqualTo(404);
        assertThat(get("/console/%2e%2e/canal.properties", null).statusCode()).isEqualTo(404);
    }

    @Test
    void theDataNeedsCredentialsAndTheConsolesCallsInviteNoBrowserDialog() throws Exception {
        HttpResponse<String> anonymous = get("/cluster", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();
        HttpResponse<String> fromConsole = http.send(HttpRequest.newBuilder(uri("/cluster"))
                .header("X-Sluice-Console", "1").header("Authorization", "Bearer wrong").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(fromConsole.statusCode()).isEqualTo(401);
        assertThat(fromConsole.headers().firstValue("WWW-Authenticate")).isEmpty();
        assertThat(fromConsole.body()).doesNotContain("destinations");
        assertThat(get("/cluster", "Bearer t0ken").body()).contains("\"self\" : \"local\"");
    }

    @Test
    void aMoveWithoutZooKeeperIsRefusedWithTheReason() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/cluster/move")).header("Authorization", "Bearer t0ken")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"destination\":\"d\",\"to\":\"10.0.0.2:11111\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.body()).contains("without HA");
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri(path));
        if (authorization != null) {
            r.header("Authorization", authorization);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }
}
