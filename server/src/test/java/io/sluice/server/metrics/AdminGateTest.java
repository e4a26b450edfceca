package io.sluice.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.server.admin.HttpReplies;
import io.sluice.server.net.FailedLogins;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every path of the status port but /metrics is behind one gate: credentials (canal.user/canal.passwd as HTTP Basic,
 * or the admin token), same-origin JSON POSTs for changes, and a failed-login limit. Requests are written on a raw
 * socket because Java's HTTP clients refuse to set {@code Origin}, which is exactly what a browser sends.
 */
@Timeout(30)
class AdminGateTest {

    private static final String HASH = AdminCredentials.doubleSha1Hex("s3cret");
    private static final String BASIC = basic("canal", "s3cret");

    private final List<String> posted = new ArrayList<>();
    private StatusServer server;

    @BeforeEach
    void start() throws IOException {
        SluiceMetrics metrics = new SluiceMetrics(List::of, () -> 0);
        server = new StatusServer("127.0.0.1", 0, new AdminCredentials("canal", HASH, "the-token"),
                new FailedLogins("admin port", 3, Duration.ofMinutes(1)), metrics, () -> Map.of("version", "test"),
                List::of);
        // stands for any endpoint added later (snapshot requests, client drops): the gate covers it unasked
        server.addHandler("/later", ex -> {
            posted.add(ex.getRequestMethod() + " " + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            HttpReplies.respondText(ex, 202, "done\n");
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void metricsStayOpenForPrometheus() throws IOException {
        assertThat(request("GET /metrics", List.of(), null)).startsWith("HTTP/1.1 200");
    }

    @Test
    void statusAndUnknownPathsNeedCredentials() throws IOException {
        assertThat(request("GET /status", List.of(), null)).startsWith("HTTP/1.1 401")
                .containsIgnoringCase("WWW-Authenticate: Basic").doesNotContain("\"destinations\"");
        assertThat(request("GET /nothing-here", List.of(), null)).startsWith("HTTP/1.1 401");
        assertThat(request("GET /status", List.of("Authorization: " + basic("canal", "wrong")), null))
                .startsWith("HTTP/1.1 401");
        assertThat(request("GET /status", List.of("Authorization: Bearer not-the-token"), null)).startsWith("HTTP/1.1 401");
        assertThat(request("GET /status", List.of("Authorization: " + BASIC), null)).startsWith("HTTP/1.1 200")
                .contains("\"destinations\"");
        assertThat(request("GET /status", List.of("Authorization: Bearer the-token"), null)).startsWith("HTTP/1.1 200");
        assertThat(request("GET /nothing-here", List.of("Authorization: Bearer the-token"), null)).startsWith("HTTP/1.1 404");
    }

    @Test
    void aBasicLoginNeedsCanalUserWhenOneIsConfigured() throws IOException {
        assertThat(request("GET /status", List.of("Authorization: " + basic("other", "s3cret")), null))
                .startsWith("HTTP/1.1 401");
    }

    @Test
    void endpointsAddedLaterAreBehindTheGateToo() throws IOException {
        assertThat(post("/later", List.of(), "{}")).startsWith("HTTP/1.1 401");
        assertThat(post("/later", List.of("Authorization: " + basic("canal", "nope")), "{}")).startsWith("HTTP/1.1 401");
        assertThat(posted).isEmpty();
        assertThat(post("/later", List.of("Authorization: " + BASIC), "{\"x\":1}")).startsWith("HTTP/1.1 202");
        assertThat(posted).containsExactly("POST {\"x\":1}");
    }

    @Test
    void crossOriginPostsAreRefusedEvenWithCredentials() throws IOException {
        String auth = "Authorization: " + BASIC;
        assertThat(post("/later", List.of(auth, "Origin: http://evil.example"), "{}")).startsWith("HTTP/1.1 403")
                .contains("cross-origin");
        assertThat(post("/later", List.of(auth, "Origin: null"), "{}")).startsWith("HTTP/1.1 403");
        assertThat(post("/later", List.of(auth, "Sec-Fetch-Site: cross-site"), "{}")).startsWith("HTTP/1.1 403");
        assertThat(post("/later", List.of(auth, "Sec-Fetch-Site: same-site"), "{}")).startsWith("HTTP/1.1 403");
        assertThat(posted).isEmpty();
        // a page served by this very host:port (same origin) may post
        assertThat(post("/later", List.of(auth, "Origin: http://127.0.0.1:" + server.port(), "Sec-Fetch-Site: same-origin"),
                "{}")).startsWith("HTTP/1.1 202");
        assertThat(posted).hasSize(1);
    }

    @Test
    void changesOnlyByJsonPost() throws IOException {
        String auth = "Authorization: " + BASIC;
        // a form post is what a cross-site page can send without a preflight
        assertThat(request("POST /later", List.of(auth, "Content-Type: application/x-www-form-urlencoded"), "a=b"))
                .startsWith("HTTP/1.1 415");
        assertThat(request("POST /later", List.of(auth, "Content-Type: application/json"), null)).startsWith("HTTP/1.1 400")
                .contains("JSON body");
        assertThat(request("POST /later", List.of(auth, "Content-Type: application/json"), "")).startsWith("HTTP/1.1 400");
        assertThat(request("PUT /later", List.of(auth, "Content-Type: application/json"), "{}")).startsWith("HTTP/1.1 405");
        assertThat(request("OPTIONS /later", List.of("Origin: http://evil.example",
                "Access-Control-Request-Method: POST"), null)).startsWith("HTTP/1.1 405")
                .doesNotContain("Access-Control-Allow");
        assertThat(posted).isEmpty();
    }

    @Test
    void aSourceWithTooManyFailuresIsRefusedEvenWithTheRightCredentials() throws IOException {
        for (int i = 0; i < 3; i++) {
            assertThat(request("GET /status", List.of("Authorization: " + basic("canal", "guess" + i)), null))
                    .startsWith("HTTP/1.1 401");
        }
        String refused = request("GET /status", List.of("Authorization: " + BASIC), null);
        assertThat(refused).startsWith("HTTP/1.1 429").containsIgnoringCase("Retry-After:").contains("too many failed logins");
        // /metrics is not a login: Prometheus keeps scraping
        assertThat(request("GET /metrics", List.of(), null)).startsWith("HTTP/1.1 200");
    }

    private String post(String path, List<String> headers, String body) throws IOException {
        List<String> all = new ArrayList<>(headers);
        all.add("Content-Type: application/json");
        return request("POST " + path, all, body);
    }

    private String request(String line, List<String> headers, String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            StringBuilder text = new StringBuilder(line).append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(server.port())
                    .append("\r\nConnection: close\r\n");
            headers.forEach(h -> text.append(h).append("\r\n"));
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            if (body != null) {
                text.append("Content-Length: ").append(bytes.length).append("\r\n");
            }
            text.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
