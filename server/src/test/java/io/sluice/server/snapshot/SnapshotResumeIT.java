package io.sluice.server.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.server.SluiceServer;
import io.sluice.testkit.ChildJvm;
import io.sluice.testkit.FreePort;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server (a child JVM) is killed with SIGKILL in the middle of an initial snapshot while a writer keeps
 * changing the tables. Restarted, it continues the snapshot after the last acknowledged row instead of from
 * zero (a finished table is not read again), and the consumer's view converges to the source tables.
 */
@ExtendWith(TestDatabaseExtension.class)
class SnapshotResumeIT {

    private static final int SMALL = 500;
    private static final int BIG = 30_000;

    @TempDir
    Path dir;

    @Test
    void killedMidSnapshotTheRestartContinuesAfterTheLastAckAndConverges(TestDatabase db) throws Exception {
        db.execute("DROP DATABASE IF EXISTS snapres", "CREATE DATABASE snapres",
                "CREATE TABLE snapres.a_small (id INT PRIMARY KEY, v INT)",
                "CREATE TABLE snapres.b_big (id INT PRIMARY KEY, v INT, s VARCHAR(40))");
        insert(db, "snapres.a_small", SMALL, i -> "(" + i + ", " + i + ")");
        insert(db, "snapres.b_big", BIG, i -> "(" + i + ", " + i + ", 'row " + i + "')");
        int port = FreePort.find();
        int statusPort = FreePort.find();
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("canal.properties"), "canal.port = " + port + "\ncanal.metrics.pull.port = "
                + statusPort + "\ncanal.destinations = res\ncanal.file.flush.period = 0\n"
                + "canal.file.data.dir = " + dir.resolve("data") + "\ncanal.instance.memory.buffer.size = 64\n"
                + "sluice.admin.token = resume-test-token\n");
        Files.createDirectories(conf.resolve("res"));
        Files.writeString(conf.resolve("res/instance.properties"), "canal.instance.master.address = " + db.address()
                + "\ncanal.instance.dbUsername = canal\ncanal.instance.dbPassword = canal\n"
                + "canal.instance.filter.regex = snapres\\\\..*\nsluice.snapshot.mode = initial\n"
                + "sluice.snapshot.chunk.size = 200\n");
        MaterializedView view = new MaterializedView(
                new MaterializedView.TableSpec("snapres", "a_small", List.of("id"), "SELECT id, v FROM snapres.a_small", null),
                new MaterializedView.TableSpec("snapres", "b_big", List.of("id"), "SELECT id, v, s FROM snapres.b_big", null));
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);

        int bigBeforeKill;
        int lastAckedBigKey;
        int smallBeforeKill;
        int smallBeforeRequest;
        try (Writer writer = new Writer(db, 7, SnapshotResumeIT::change)) {
            try (ChildJvm first = server(conf, "first")) {
                first.awaitLog("SLUICE_READY", Duration.ofSeconds(60));
                TcpConsumer consumer = new TcpConsumer(address, "res", view);
                await().atMost(Duration.ofSeconds(120)).until(() -> {
                    consumer.checkHealthy();
                    return view.snapshotRows.getOrDefault("snapres.b_big", 0) >= 6000;
                });
                consumer.pause();
                Thread.sleep(1500); // the last ack reaches the server and meta.dat (canal.file.flush.period = 0)
                first.kill();
                consumer.close();
            }
            bigBeforeKill = view.snapshotRows.get("snapres.b_big");
            List<String> keys = view.snapshotKeyOrder.get("snapres.b_big");
            lastAckedBigKey = key(keys.get(keys.size() - 1));
            assertThat(bigBeforeKill).isLessThan(BIG / 2);
            // the progress is in the meta as the consumer acked it: table, last key, rows so far
            String meta = Files.readString(dir.resolve("data/res/meta.dat"));
            assertThat(meta).contains("\"lastKey\":[\"" + lastAckedBigKey + "\"]")
                    .contains("\"tables\":[[\"snapres\",\"b_big\"]]")
                    .contains("\"rows\":" + bigBeforeKill + ",");
            smallBeforeKill = view.snapshotRows.get("snapres.a_small");
            assertThat(smallBeforeKill).isGreaterThanOrEqualTo(SMALL);

            try (ChildJvm second = server(conf, "second")) {
                second.awaitLog("SLUICE_READY", Duration.ofSeconds(60));
                try (TcpConsumer consumer = new TcpConsumer(address, "res", view)) {
                    second.awaitLog("snapshot of snapres.b_big done", Duration.ofSeconds(180));
                    assertThat(second.output()).contains("continuing the snapshot after a restart");
                    await().atMost(Duration.ofSeconds(60)).until(() -> view.snapshotKeysOf("snapres.b_big")
                            .stream().mapToInt(SnapshotResumeIT::key).max().orElse(0) >= BIG - 10);
                    smallBeforeRequest = view.snapshotRows.get("snapres.a_small");

                    // an operator's re-read through the same port bin/snapshot.sh uses
                    try (ChildJvm command = ChildJvm.start("snapshot-command", SnapshotCommand.class.getName(),
                            ChildJvm.currentClasspath(), List.of("-Xmx64m"),
                            List.of("res", "snapres.a_small", "127.0.0.1:" + statusPort),
                            Map.of("SLUICE_ADMIN_TOKEN", "resume-test-token"),
                            dir.resolve("command.log"))) {
                        command.awaitLog("queued", Duration.ofSeconds(30));
                    }
                    second.awaitLog("snapshot of snapres.a_small done", Duration.ofSeconds(60));
                    writer.close();
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                        consumer.checkHealthy();
                        assertThat(view.differences(db)).isEmpty();
                    });
                }
            }
        }
        List<String> bigKeys = view.snapshotKeyOrder.get("snapres.b_big");
        List<String> afterRestart = bigKeys.subList(bigBeforeKill, bigKeys.size());
        assertThat(afterRestart).isNotEmpty();
        // continued after the last acknowledged key, not from zero
        assertThat(key(afterRestart.get(0))).isGreaterThan(lastAckedBigKey);
        assertThat(afterRestart.stream().mapToInt(SnapshotResumeIT::key).min().orElseThrow()).isGreaterThan(lastAckedBigKey);
        assertThat(bigKeys.size()).isLessThan(BIG + SMALL);
        // a_small was finished before the kill: not read again after the restart, only when the operator asked
        assertThat(smallBeforeRequest).isEqualTo(smallBeforeKill);
        assertThat(view.snapshotRows.get("snapres.a_small")).isGreaterThan(smallBeforeKill + SMALL / 2);
    }

    private static int key(String k) {
        return Integer.parseInt(k.trim());
    }

    private ChildJvm server(Path conf, String name) {
        return ChildJvm.start(name, SluiceServer.class.getName(), ChildJvm.currentClasspath(),
                List.of("-Xmx384m", "-Dsluice.conf=" + conf, "-Dsluice.logs=" + dir.resolve("logs-" + name)),
                List.of(), Map.of(), dir.resolve(name + ".log"));
    }

    private static void insert(TestDatabase db, String table, int n, java.util.function.IntFunction<String> row) {
        List<String> batch = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            batch.add(row.apply(i));
            if (batch.size() == 1000 || i == n) {
                db.execute("INSERT INTO " + table + " VALUES " + String.join(",", batch));
                batch.clear();
            }
        }
    }

    private static List<String> change(Random r) {
        int k = 1 + r.nextInt(BIG + 2000);
        return switch (r.nextInt(6)) {
            case 0 -> List.of("DELETE FROM snapres.b_big WHERE id = " + k);
            case 1 -> List.of("INSERT IGNORE INTO snapres.b_big VALUES (" + k + ", -1, 'new " + k + "')");
            case 2 -> List.of("UPDATE snapres.a_small SET v = v + 1 WHERE id = " + (k % SMALL + 1));
            case 3 -> List.of("DELETE FROM snapres.a_small WHERE id = " + (k % (SMALL * 2) + 1),
                    "INSERT IGNORE INTO snapres.a_small VALUES (" + (k % (SMALL * 2) + 1) + ", 0)");
            default -> List.of("UPDATE snapres.b_big SET v = v + 1, s = 'upd " + k + "' WHERE id = " + k);
        };
    }
}
