package io.sluice.client.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.client.AckingApplication;
import io.sluice.client.LocalSluice;
import io.sluice.testkit.ChildJvm;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/console.sh}'s Java class in its own JVM, peeking at a destination that an application consumes (the
 * real server in-process over the private MariaDB): the application receives every row, whatever the peek does.
 */
@ExtendWith(TestDatabaseExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConsolePeekIT {

    private static final String DEST = "peeked";
    private static final short APPLICATION = 1001;

    @TempDir
    Path home;

    private static void signal(ChildJvm jvm, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(jvm.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + signal).isTrue();
    }

    private static List<String> clientKinds(LocalSluice sluice) throws Exception {
        JsonNode list = new ObjectMapper().readTree(sluice.get("/clients?destination=" + DEST));
        List<String> out = new ArrayList<>();
        list.path("clients").forEach(c -> out.add(c.path("kind").asText() + " " + c.path("clientId").asText()));
        return out;
    }

    private static ChildJvm console(Path home, LocalSluice sluice) {
        List<String> jvmArgs = new ArrayList<>(List.of("-Xmx128m"));
        Path cli = Path.of("").toAbsolutePath().getParent().resolve("conf").resolve("logback-cli.xml");
        if (Files.exists(cli)) {
            jvmArgs.add("-Dlogback.configurationFile=" + cli);
        }
        return ChildJvm.start("console", ConsoleConsumer.class.getName(), ChildJvm.currentClasspath(), jvmArgs,
                List.of("--port", String.valueOf(sluice.clientAddress().getPort()), "--destination", DEST),
                Map.of(), home.resolve("console.log"));
    }

    @Test
    void theApplicationReceivesEveryRowWhileTheConsolePeeksEvenWhenThePeekStopsReading(TestDatabase db)
            throws Exception {
        db.execute("CREATE DATABASE IF NOT EXISTS peek", "DROP TABLE IF EXISTS peek.items",
                "CREATE TABLE peek.items (id INT PRIMARY KEY, v VARCHAR(20))");
        // 64 entries: a transaction of one row is 3 (BEGIN, row, COMMIT), so 22 unread transactions fill it
        try (LocalSluice sluice = LocalSluice.start(home, db, DEST, "peek\\.items", Map.of(),
                Map.of("canal.instance.memory.buffer.size", "64"));
             AckingApplication app = new AckingApplication(sluice.clientAddress(), DEST, APPLICATION);
             ChildJvm console = console(home, sluice)) {
            console.awaitLog("^-- peeking at " + DEST + " .* as client id -\\d+", Duration.ofSeconds(60));
            Matcher id = Pattern.compile("as client id (-\\d+)").matcher(console.output());
            assertThat(id.find()).isTrue();
            String peekId = id.group(1);
            assertThat(clientKinds(sluice)).containsExactly("peek " + peekId, "client " + APPLICATION);

            for (int i = 1; i <= 10; i++) {
                db.execute("INSERT INTO peek.items VALUES (" + i + ", 'v" + i + "')");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> app.inserted().size() == 10);
            // the store had room: the peek sees the rows although the application acked them first
            await().atMost(Duration.ofSeconds(30)).until(() -> console.output().contains("[id=10]"));
            for (int i = 1; i <= 10; i++) {
                assertThat(console.output()).contains("INSERT peek.items [id=" + i + "]");
            }

            // the peek stops reading (its connection stays open): 200 transactions pass through a 64-entry store
            signal(console, "STOP");
            try {
                for (int i = 11; i <= 210; i++) {
                    db.execute("INSERT INTO peek.items VALUES (" + i + ", 'v" + i + "')");
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> app.inserted().size() >= 210);
            } finally {
                signal(console, "CONT");
            }
            assertThat(app.failure()).isNull();
            assertThat(app.inserted()).as("every row, once, in order")
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, 210).boxed().toList());

            // Ctrl-C or SIGTERM: the console unsubscribes its peek; the application's id is untouched. SIGTERM here,
            // which runs the same shutdown hook: a test run started in the background (`nohup …&` in a script)
            // starts its children with SIGINT ignored, and a JVM leaves an ignored SIGINT alone
            signal(console, "TERM");
            await().atMost(Duration.ofSeconds(20)).until(() -> !console.isAlive());
            assertThat(console.output()).contains("-- unsubscribed peek client id " + peekId);
            assertThat(clientKinds(sluice)).containsExactly("client " + APPLICATION);
        }
    }
}
