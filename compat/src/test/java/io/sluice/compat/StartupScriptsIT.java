package io.sluice.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.otter.canal.client.CanalConnector;
import com.alibaba.otter.canal.client.impl.SimpleCanalConnector;
import com.alibaba.otter.canal.protocol.CanalEntry;
import com.alibaba.otter.canal.protocol.Message;
import io.sluice.testkit.FreePort;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/startup.sh} and {@code bin/stop.sh} as an operator runs them (from the checkout, after the server
 * module is packaged), with a conf dir in a temp folder, a private MariaDB and canal's official client.
 */
@ExtendWith(TestDatabaseExtension.class)
class StartupScriptsIT {

    private static final Path HOME = Path.of(System.getProperty("sluice.home", "..")).toAbsolutePath().normalize();

    @TempDir
    Path work;

    private record Result(int exit, String output) {
    }

    private Result script(String name, Path conf, Path logs) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", HOME.resolve("bin").resolve(name).toString())
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("SLUICE_CONF", conf.toString());
        env.put("SLUICE_LOGS", logs.toString());
        env.put("SLUICE_JAVA_OPTS", "-Xmx256m");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(name + " finished").isTrue();
        return new Result(p.exitValue(), out);
    }

    private static List<String> rows(CanalConnector c, int expected) throws Exception {
        List<String> rows = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (rows.size() < expected && System.nanoTime() < deadline) {
            Message m = c.getWithoutAck(100, 500L, TimeUnit.MILLISECONDS);
            for (CanalEntry.Entry e : m.getEntries()) {
                if (e.getEntryType() == CanalEntry.EntryType.ROWDATA) {
                    CanalEntry.RowChange rc = CanalEntry.RowChange.parseFrom(e.getStoreValue());
                    for (CanalEntry.RowData rd : rc.getRowDatasList()) {
                        if (!rc.getIsDdl()) {
                            rows.add(rc.getEventType() + ":" + rd.getAfterColumns(0).getValue());
                        }
                    }
                }
            }
            if (m.getId() != -1) {
                c.ack(m.getId());
            }
        }
        return rows;
    }

    @Test
    void startupServesTheOfficialClientAndStopFlushesThePosition(TestDatabase db) throws Exception {
        db.execute("CREATE DATABASE IF NOT EXISTS ops", "DROP TABLE IF EXISTS ops.t",
                "CREATE TABLE ops.t (id INT PRIMARY KEY, v VARCHAR(20))");
        int port = FreePort.find();
        Path conf = work.resolve("conf");
        Path logs = work.resolve("logs");
        Files.createDirectories(conf.resolve("ops"));
        Files.writeString(conf.resolve("canal.properties"), String.join("\n",
                "canal.port = " + port,
                "canal.metrics.pull.port = " + FreePort.find(),
                "canal.destinations = ops",
                "canal.file.flush.period = 1000",
                "canal.instance.global.spring.xml = classpath:spring/file-instance.xml", ""));
        Files.writeString(conf.resolve("ops/instance.properties"), String.join("\n",
                "canal.instance.master.address = " + db.address(),
                "canal.instance.dbUsername = canal",
                "canal.instance.dbPassword = canal",
                "canal.instance.filter.regex = ops\\\\..*", ""));

        Result started = script("startup.sh", conf, logs);
        assertThat(started.exit()).as(started.output()).isZero();
        assertThat(started.output()).contains("Sluice started");
        Path pidFile = logs.resolve("sluice.pid");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        assertThat(ProcessHandle.of(pid)).isPresent();
        assertThat(script("startup.sh", conf, logs).exit()).as("a second start is refused").isNotZero();

        CanalConnector client = new SimpleCanalConnector(new InetSocketAddress("127.0.0.1", port), "", "", "ops");
        client.connect();
        client.subscribe("");
        db.execute("INSERT INTO ops.t VALUES (1, 'a'), (2, 'b')", "UPDATE ops.t SET v = 'bb' WHERE id = 2");
        assertThat(rows(client, 3)).containsExactly("INSERT:1", "INSERT:2", "UPDATE:2");
        client.disconnect();

        Result stopped = script("stop.sh", conf, logs);
        assertThat(stopped.exit()).as(stopped.output()).isZero();
        assertThat(stopped.output()).contains("Sluice stopped");
        assertThat(pidFile).doesNotExist();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        String meta = Files.readString(conf.resolve("ops/meta.dat"));
        assertThat(meta).contains("\"clientId\":1001").contains("\"postion\"").contains("\"journalName\":\"mysql-bin.");
        assertThat(Files.readString(logs.resolve("sluice.log"))).contains("Sluice stopped");
        Path archive = classDataArchive(logs);
        assertThat(archive).as("the class-data archive written as the first JVM exited").isNotNull();

        // after a restart nothing acked comes again; only the new row does
        db.execute("INSERT INTO ops.t VALUES (3, 'c')");
        assertThat(script("startup.sh", conf, logs).exit()).isZero();
        try {
            assertThat(commandLine(logs)).contains("-XX:SharedArchiveFile=" + archive);
            client = new SimpleCanalConnector(new InetSocketAddress("127.0.0.1", port), "", "", "ops");
            client.connect();
            client.subscribe("");
            assertThat(rows(client, 1)).containsExactly("INSERT:3");
            assertThat(rows(client, 1)).as("nothing more").isEmpty();
            client.disconnect();
        } finally {
            assertThat(script("stop.sh", conf, logs).exit()).isZero();
        }
    }

    @Test
    void aCorruptClassDataArchiveIsReplacedAndNeverStopsTheServer() throws Exception {
        Path conf = work.resolve("cds-conf");
        Path logs = work.resolve("cds-logs");
        Files.createDirectories(conf);
        Files.writeString(conf.resolve("canal.properties"), String.join("\n",
                "canal.port = " + FreePort.find(), "canal.metrics.pull.port = 0", "canal.destinations =",
                "canal.auto.scan = false", ""));
        assertThat(script("startup.sh", conf, logs).exit()).isZero();
        assertThat(script("stop.sh", conf, logs).exit()).isZero();
        Path archive = classDataArchive(logs);
        assertThat(archive).isNotNull();

        // what a JVM killed while writing it leaves behind: the start must neither fail nor use it
        archive.toFile().setWritable(true);
        Files.write(archive, new byte[4096]);
        Result started = script("startup.sh", conf, logs);
        assertThat(started.exit()).as(started.output()).isZero();
        assertThat(commandLine(logs)).doesNotContain("SharedArchiveFile").contains("-XX:ArchiveClassesAtExit=" + archive);
        assertThat(script("stop.sh", conf, logs).exit()).isZero();
        assertThat(Files.size(archive)).as("written again at the stop").isGreaterThan(1 << 20);
        assertThat(Files.readString(logs.resolve("sluice.out"))).doesNotContainIgnoringCase("warning");

        Result again = script("startup.sh", conf, logs);
        assertThat(again.exit()).as(again.output()).isZero();
        assertThat(commandLine(logs)).contains("-XX:SharedArchiveFile=" + archive);
        assertThat(script("stop.sh", conf, logs).exit()).isZero();
        assertThat(Files.readString(logs.resolve("sluice.out"))).doesNotContainIgnoringCase("warning");
    }

    private static Path classDataArchive(Path logs) throws IOException {
        Path dir = logs.resolve("cds");
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jsa")).findFirst().orElse(null);
        }
    }

    private static String commandLine(Path logs) throws IOException {
        long pid = Long.parseLong(Files.readString(logs.resolve("sluice.pid")).trim());
        return ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("");
    }

    @Test
    void startupFailsWithTheReasonFromTheLog() throws Exception {
        Path conf = work.resolve("bad");
        Path logs = work.resolve("bad-logs");
        Files.createDirectories(conf);
        Files.writeString(conf.resolve("canal.properties"), "canal.port = not-a-port\n");
        Result r = script("startup.sh", conf, logs);
        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).contains("canal.port").contains("not-a-port").contains("canal.properties");
        assertThat(logs.resolve("sluice.pid")).doesNotExist();
    }
}
