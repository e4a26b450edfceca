package io.sluice.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.server.SluiceServer;
import io.sluice.server.config.ConfigLoader;
import io.sluice.testkit.FreePort;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A whole server with canal.user/canal.passwd: its admin port takes a snapshot request only with them. */
@ExtendWith(TestDatabaseExtension.class)
@Timeout(120)
class AdminPortIT {

    @TempDir
    Path conf;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aSnapshotRequestNeedsTheServersCredentials(TestDatabase db) throws Exception {
        db.execute("CREATE DATABASE IF NOT EXISTS adm", "DROP TABLE IF EXISTS adm.t",
                "CREATE TABLE adm.t (id INT PRIMARY KEY, v INT)", "INSERT INTO adm.t VALUES (1, 1), (2, 2)");
        int statusPort = FreePort.find();
        Files.createDirectories(conf.resolve("adm"));
        Files.writeString(conf.resolve("canal.properties"), "canal.port = " + FreePort.find()
                + "\ncanal.metrics.pull.port = " + statusPort + "\ncanal.destinations = adm\ncanal.user = ops\n"
                + "canal.passwd = " + AdminCredentials.doubleSha1Hex("op-pass") + "\nsluice.admin.ip = 127.0.0.1\n");
        Files.writeString(conf.resolve("adm/instance.properties"), "canal.instance.master.address = " + db.address()
                + "\ncanal.instance.dbUsername = canal\ncanal.instance.dbPassword = canal\n"
                + "canal.instance.filter.regex = adm\\\\..*\n");
        ConfigLoader loader = ConfigLoader.fromEnvironment();
        try (SluiceServer server = new SluiceServer(loader.loadServer(conf.resolve("canal.properties")), loader,
                conf.resolve("logs/sluice.ready"))) {
            server.start();
            String basic = "Basic " + Base64.getEncoder().encodeToString("ops:op-pass".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(60)).until(() -> get(statusPort, "/status", basic).body().contains("\"RUNNING\""));

            assertThat(get(statusPort, "/metrics", null).statusCode()).isEqualTo(200);
            assertThat(get(statusPort, "/status", null).statusCode()).isEqualTo(401);
            assertThat(get(statusPort, "/snapshot?destination=adm", null).statusCode()).isEqualTo(401);

            String request = "{\"destination\": \"adm\", \"table\": \"adm.t\"}";
            assertThat(post(statusPort, request, null).statusCode()).isEqualTo(401);
            String wrong = "Basic " + Base64.getEncoder().encodeToString("ops:guess".getBytes(StandardCharsets.UTF_8));
            assertThat(post(statusPort, request, wrong).statusCode()).isEqualTo(401);
            HttpResponse<String> accepted = post(statusPort, request, basic);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            assertThat(accepted.body()).contains("queued");

            // the token generated for this start works too, and its file is the owner's alone
            Path tokenFile = conf.resolve("logs/sluice.admin.token");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
            String token = "Bearer " + Files.readString(tokenFile).trim();
            assertThat(get(statusPort, "/snapshot?destination=adm", token).statusCode()).isEqualTo(200);
        }
        assertThat(conf.resolve("logs/sluice.admin.token")).doesNotExist();
    }

    private HttpResponse<String> get(int port, String path, String authorization) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (authorization != null) {
            r.header("Authorization", authorization);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(int port, String body, String authorization) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/snapshot"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            r.header("Authorization", authorization);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }
}
