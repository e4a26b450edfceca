package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.server.clients.ClientStallWatch;
import io.sluice.server.clients.ClientsCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import io.sluice.server.instance.DestinationInstance;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The life cycle of client ids against the real server (in-process, over the private MariaDB) with Sluice's client:
 * {@code bin/clients.sh list|drop}, the per-client lag in /status and /metrics, the warning about a client id that
 * holds a full store, idle expiry, and peeks that cannot share an id.
 */
@ExtendWith(TestDatabaseExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClientIdsIT {

    private static final String DEST = "ids";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    private final Logger watchLog = (Logger) LoggerFactory.getLogger(ClientStallWatch.class);
    private final Logger instanceLog = (Logger) LoggerFactory.getLogger(DestinationInstance.class);

    @BeforeEach
    void captureLogs() {
        warnings.start();
        watchLog.addAppender(warnings);
        instanceLog.addAppender(warnings);
    }

    @AfterEach
    void releaseLogs() {
        watchLog.detachAppender(warnings);
        instanceLog.detachAppender(warnings);
    }

    private List<String> logLines(String containing) {
        synchronized (warnings.list) {
            return warnings.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(containing))
                    .toList();
        }
    }

    private static void table(TestDatabase db) {
        db.execute("CREATE DATABASE IF NOT EXISTS ids", "DROP TABLE IF EXISTS ids.items",
                "CREATE TABLE ids.items (id INT PRIMARY KEY, v VARCHAR(20))");
    }

    private static void insert(TestDatabase db, int from, int to) {
        for (int i = from; i <= to; i++) {
            db.execute("INSERT INTO ids.items VALUES (" + i + ", 'v" + i + "')");
        }
    }

    /** A consumer that subscribes, takes one batch without acking it and goes away for good. */
    private static void subscribeTakeAndLeave(LocalSluice sluice, short clientId) {
        try (SluiceConnector gone = new SluiceConnector(sluice.clientAddress(),
                ConnectorSettings.of(DEST).withClientId(clientId))) {
            gone.connect();
            gone.subscribe();
            gone.getWithoutAck(5, 2, TimeUnit.SECONDS);
        }
    }

    /** What bin/clients.sh prints and returns. */
    private record Result(int exitCode, String out, String err) {
    }

    private static Result clients(String base, String destination, String command, String id) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ClientsCommand.run(base, destination, command, id,
                Map.of("SLUICE_ADMIN_TOKEN", LocalSluice.ADMIN_TOKEN), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static JsonNode client(JsonNode clients, int id) {
        for (JsonNode c : clients) {
            if (c.path("clientId").asInt() == id) {
                return c;
            }
        }
        return null;
    }

    @Test
    void listShowsEachIdsPositionLagAndLastRequestAndDropFreesWhatItHeld(TestDatabase db) throws Exception {
        table(db);
        try (LocalSluice sluice = LocalSluice.start(home, db, DEST, "ids\\.items", Map.of(), Map.of());
             AckingApplication app = new AckingApplication(sluice.clientAddress(), DEST, (short) 1001)) {
            subscribeTakeAndLeave(sluice, (short) 1002);
            insert(db, 1, 5);
            await().atMost(Duration.ofSeconds(30)).until(() -> app.inserted().size() == 5);

            Result list = clients(sluice.statusBase(), DEST, "list", "");
            assertThat(list.exitCode()).isZero();
            assertThat(list.out()).containsPattern("(?m)^1001 +client +mysql-bin\\.\\d+:\\d+ +0 +0 +0 ");
            assertThat(list.out()).containsPattern("(?m)^1002 +client +- +\\d+ +\\d+ +\\d+ .*the store waits for its ack");

            JsonNode clients = JSON.readTree(sluice.get("/clients?destination=" + DEST)).path("clients");
            JsonNode gone = client(clients, 1002);
            long held = gone.path("lagEntries").asLong();
            assertThat(held).as("at least 5 transactions of 3 entries").isGreaterThanOrEqualTo(15);
            assertThat(gone.path("lagBytes").asLong()).isPositive();
            assertThat(gone.path("holdsStore").asBoolean()).isTrue();
            assertThat(gone.path("ackedPosition").asText()).isEmpty();
            assertThat(gone.path("outstandingBatches").asInt()).as("rolled back at its disconnect").isZero();
            assertThat(gone.path("lastRequest").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            JsonNode live = client(clients, 1001);
            assertThat(live.path("lagEntries").asLong()).isZero();
            assertThat(live.path("ackedPosition").asText()).startsWith("mysql-bin.");

            JsonNode status = JSON.readTree(sluice.get("/status")).path("destinations").get(0);
            assertThat(status.path("clients")).hasSize(2);
            assertThat(status.path("storeEntries").asLong()).as("the store holds what 1002 has not acked")
                    .isEqualTo(held);
            String metrics = sluice.get("/metrics");
            assertThat(metrics).containsPattern("(?m)^sluice_client_lag_entries\\{(?=.*client=\"1002\")(?=.*destination=\""
                    + DEST + "\").*\\} " + held + "(\\.0)?$");
            assertThat(metrics).containsPattern("(?m)^sluice_client_lag_entries\\{(?=.*client=\"1001\").*\\} 0(\\.0)?$");
            assertThat(metrics).containsPattern("(?m)^sluice_client_holds_store\\{(?=.*client=\"1002\").*\\} 1(\\.0)?$");

            Result drop = clients(sluice.statusBase(), DEST, "drop", "1002");
            assertThat(drop.exitCode()).isZero();
            assertThat(drop.out()).contains("client id 1002 of " + DEST + " dropped");
            assertThat(logLines("dropped (by POST /clients/drop from 127.0.0.1)")).hasSize(1);
            JsonNode after = JSON.readTree(sluice.get("/clients?destination=" + DEST)).path("clients");
            assertThat(after).hasSize(1);
            assertThat(client(after, 1001)).isNotNull();
            assertThat(JSON.readTree(sluice.get("/status")).path("destinations").get(0).path("storeEntries").asLong())
                    .as("what only 1002 held is freed").isZero();

            Result again = clients(sluice.statusBase(), DEST, "drop", "1002");
            assertThat(again.exitCode()).isEqualTo(1);
            assertThat(again.err()).contains("client id 1002 is not subscribed to " + DEST);
            Result unknown = clients(sluice.statusBase(), "nosuch", "list", "");
            assertThat(unknown.exitCode()).isEqualTo(1);
            assertThat(unknown.err()).contains("no destination nosuch");
            assertThat(app.failure()).isNull();
        }
    }

    @Test
    void anIdHoldingAFullStoreIsNamedOnceWithHowToDropItAndDroppingItLetsEveryoneThrough(TestDatabase db)
            throws Exception {
        table(db);
        try (LocalSluice sluice = LocalSluice.start(home, db, DEST, "ids\\.items",
                Map.of("sluice.client.stall.warn.seconds", "1"), Map.of("canal.instance.memory.buffer.size", "32"));
             AckingApplication app = new AckingApplication(sluice.clientAddress(), DEST, (short) 1001)) {
            subscribeTakeAndLeave(sluice, (short) 1002);
            insert(db, 1, 40); // 120 entries through a 32-entry store that 1002 never frees
            String expected = "the store has been full for";
            await().atMost(Duration.ofSeconds(30)).until(() -> !logLines(expected).isEmpty());
            String line = logLines(expected).get(0);
            assertThat(line).startsWith("destination " + DEST + ": ").contains("waits for client id 1002 to ack")
                    .endsWith("bin/clients.sh " + DEST + " drop 1002");
            assertThat(app.inserted()).as("the destination is stalled").hasSizeLessThan(40);

            Thread.sleep(3000);
            assertThat(logLines(expected)).as("repeated at most every few minutes, not at every check").hasSize(1);
            assertThat(logLines("client id 1001")).isEmpty();

            assertThat(clients(sluice.statusBase(), DEST, "drop", "1002").exitCode()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.inserted().size() == 40);
            assertThat(app.inserted()).containsExactlyElementsOf(IntStream.rangeClosed(1, 40).boxed().toList());
            assertThat(app.failure()).isNull();
        }
    }

    @Test
    void aStoreFullForWantOfAnySubscriberIsReportedAsSuch(TestDatabase db) throws Exception {
        table(db);
        try (LocalSluice sluice = LocalSluice.start(home, db, DEST, "ids\\.items",
                Map.of("sluice.client.stall.warn.seconds", "1"), Map.of("canal.instance.memory.buffer.size", "32"))) {
            insert(db, 1, 15);
            await().atMost(Duration.ofSeconds(30)).until(() -> !logLines("no client id is subscribed").isEmpty());
            assertThat(logLines("no client id is subscribed").get(0))
                    .contains("entries wait for a first subscriber (peeks never free them)");
            try (AckingApplication app = new AckingApplication(sluice.clientAddress(), DEST, (short) 1001)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> app.inserted().size() == 15);
                assertThat(app.inserted()).containsExactlyElementsOf(IntStream.rangeClosed(1, 15).boxed().toList());
            }
        }
    }

    @Test
    void idleIdsExpireWhenConfigured(TestDatabase db) throws Exception {
        table(db);
        try (LocalSluice sluice = LocalSluice.start(home, db, DEST, "ids\\.items",
                Map.of("sluice.client.idle.expire.seconds", "2"), Map.of());
             AckingApplication app = new AckingApplication(sluice.clientAddress(), DEST, (short) 1001)) {
            subscribeTakeAndLeave(sluice, (short) 1002);
            insert(db, 1, 3);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    client(JSON.readTree(sluice.get("/clients?destination=" + DEST)).path("clients"), 1002) == null);
            // the line follows the removal on the watch's thread: wait for it rather than race it
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    !logLines("client " + DEST + "/1002 dropped (no request for").isEmpty());
            assertThat(logLines("client " + DEST + "/1002 dropped (no request for")).hasSize(1);
            Thread.sleep(2500);
            assertThat(client(JSON.readTree(sluice.get("/clients?destination=" + DEST)).path("clients"), 1001))
                    .as("an id that keeps fetching is never idle").isNotNull();
            assertThat(app.inserted()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void twoPeeksCannotShareAnIdAndAPeekEndsWithItsConnection(TestDatabase db) throws Exception {
        table(db);
        try (LocalSluice sluice = LocalSluice.start(home, db, DEST, "ids\\.items", Map.of(), Map.of());
             SluiceConnector first = new SluiceConnector(sluice.clientAddress(),
                     ConnectorSettings.of(DEST).withClientId((short) -7));
             SluiceConnector second = new SluiceConnector(sluice.clientAddress(),
                     ConnectorSettings.of(DEST).withClientId((short) -7).withReconnect(0, Duration.ZERO))) {
            first.connect();
            first.subscribe();
            second.connect();
            assertThatThrownBy(second::subscribe).isInstanceOf(ServerErrorException.class)
                    .hasMessageContaining("peek client id -7 is in use by another connection");
            assertThat(JSON.readTree(sluice.get("/clients?destination=" + DEST)).path("clients").get(0)
                    .path("kind").asText()).isEqualTo("peek");

            first.disconnect();
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    JSON.readTree(sluice.get("/clients?destination=" + DEST)).path("clients").isEmpty());
            assertThat(sluice.get("/metrics")).doesNotContain("client=\"-7\"");
        }
    }
}
