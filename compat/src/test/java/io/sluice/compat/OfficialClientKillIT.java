package io.sluice.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.otter.canal.client.impl.SimpleCanalConnector;
import com.alibaba.otter.canal.protocol.CanalEntry;
import com.alibaba.otter.canal.protocol.Message;
import io.sluice.testkit.FreePort;
import io.sluice.testkit.SourceWriter;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reliability group's kill -9 loop with canal's official client (canal.client 1.1.8's
 * {@code SimpleCanalConnector}, unchanged): the real server main in a child JVM with file meta at canal's shipped
 * {@code canal.file.flush.period = 1000}, a writer loop on the private MariaDB, the server SIGKILLed at random moments
 * and started again on the same port. The consumer's copy must end equal to the source, and no change whose ack the
 * server had answered may come again. Rounds: {@code -Dsluice.reliability.rounds} (default 3).
 */
@Tag("reliability")
@ExtendWith(TestDatabaseExtension.class)
class OfficialClientKillIT {

    private static final String DEST = "example";

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void killNineLoopAtTheShippedFlushPeriodRedeliversNoAckedChange(TestDatabase db) throws Exception {
        int rounds = Integer.getInteger("sluice.reliability.rounds", 3);
        SourceWriter writer = new SourceWriter(db);
        TestDatabase.BinlogCoordinates start = db.masterStatus();
        int port = FreePort.find();
        Path conf = writeConf(port, db, start);
        List<String> jvm = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dsluice.conf=" + conf,
                "-Dsluice.logs=" + dir.resolve("logs"));
        Mirror mirror = new Mirror(new InetSocketAddress("127.0.0.1", port));
        ServerProcess server = ServerProcess.start("official-kill-0", "io.sluice.server.SluiceServer", jvm);
        Thread consumer = new Thread(mirror, "canal-consumer");
        try {
            consumer.start();
            writer.start();
            Random random = new Random(11);
            for (int round = 1; round <= rounds; round++) {
                Thread.sleep(1000 + random.nextInt(2500));
                server.kill();
                Thread.sleep(random.nextInt(1000));
                server = ServerProcess.start("official-kill-" + round, "io.sluice.server.SluiceServer", jvm);
            }
            Thread.sleep(1000);
        } finally {
            writer.close(); // rethrows what made the writer fail
        }
        try {
            Map<Integer, Integer> source = writer.sourceRows();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!mirror.rows().equals(source) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            mirror.stop = true;
            consumer.join(30_000);
            Map<Integer, Integer> copy = mirror.rows();
            long lost = source.entrySet().stream().filter(e -> !e.getValue().equals(copy.get(e.getKey()))).count()
                    + copy.keySet().stream().filter(k -> !source.containsKey(k)).count();
            System.out.printf("RELIABILITY client=canal-SimpleCanalConnector test=kill-9 flush_period=1000 rounds=%d"
                            + " statements=%d source_rows=%d rows_lost=%d duplicates=%d acked_redelivered=%d%n",
                    rounds, writer.statements(), source.size(), lost, mirror.duplicates, mirror.ackedRedelivered);
            assertThat(mirror.failure).isNull();
            assertThat(lost).as("rows lost or different").isZero();
            assertThat(mirror.ackedRedelivered).as("acked row changes delivered again").isZero();
        } finally {
            mirror.stop = true;
            server.close();
        }
    }

    private Path writeConf(int port, TestDatabase db, TestDatabase.BinlogCoordinates start) throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("canal.properties"), String.join("\n",
                "canal.ip = 127.0.0.1", "canal.port = " + port, "canal.metrics.pull.port = 0",
                "canal.destinations = " + DEST, "canal.auto.scan = false",
                "canal.file.data.dir = " + dir.resolve("data"), "canal.file.flush.period = 1000",
                "canal.instance.global.spring.xml = classpath:spring/file-instance.xml", ""), StandardCharsets.UTF_8);
        Path instance = Files.createDirectories(conf.resolve(DEST));
        Files.writeString(instance.resolve("instance.properties"), String.join("\n",
                "canal.instance.master.address = " + db.address(), "canal.instance.dbUsername = canal",
                "canal.instance.dbPassword = canal", "canal.instance.master.journal.name = " + start.file(),
                "canal.instance.master.position = " + start.position(), "canal.instance.filter.regex = ha\\\\..*",
                ""), StandardCharsets.UTF_8);
        return conf;
    }

    /**
     * Consumer on canal's connector, reconnecting itself after each kill: applies row changes of {@code ha.t} to a
     * map, acks after applying, and counts redelivered row changes (keyed by binlog file, offset and row index) and
     * those of acked batches apart. canal's ack has no reply, so an ack counts as handled only once a later GET on
     * the same connection was answered: the server handles a connection's requests in order.
     */
    private static final class Mirror implements Runnable {
        final InetSocketAddress address;
        final Map<Integer, Integer> rows = new HashMap<>();
        final Set<String> seen = new HashSet<>();
        final Set<String> acked = new HashSet<>();
        volatile boolean stop;
        volatile Throwable failure;
        volatile long duplicates;
        volatile long ackedRedelivered;

        Mirror(InetSocketAddress address) {
            this.address = address;
        }

        @Override
        public void run() {
            try {
                while (!stop) {
                    SimpleCanalConnector connector = new SimpleCanalConnector(address, "", "", DEST);
                    connector.setSoTimeout(10_000);
                    List<String> unconfirmed = List.of();
                    try {
                        connector.connect();
                        connector.subscribe("ha\\..*");
                        while (!stop) {
                            Message message = connector.getWithoutAck(500, 100L, TimeUnit.MILLISECONDS);
                            synchronized (this) {
                                acked.addAll(unconfirmed);
                            }
                            unconfirmed = List.of();
                            if (message.getId() == -1 || message.getEntries().isEmpty()) {
                                continue;
                            }
                            List<String> keys = apply(message);
                            connector.ack(message.getId());
                            unconfirmed = keys;
                        }
                    } catch (RuntimeException e) {
                        // the server was killed: an ack not followed by an answer may or may not have been handled
                        Thread.sleep(100);
                    } finally {
                        try {
                            connector.disconnect();
                        } catch (RuntimeException e) {
                            // the connection is already gone
                        }
                    }
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        private synchronized List<String> apply(Message message) throws Exception {
            List<String> keys = new ArrayList<>();
            for (CanalEntry.Entry entry : message.getEntries()) {
                if (entry.getEntryType() != CanalEntry.EntryType.ROWDATA
                        || !entry.getHeader().getTableName().equals("t")) {
                    continue;
                }
                CanalEntry.Header h = entry.getHeader();
                CanalEntry.RowChange change = CanalEntry.RowChange.parseFrom(entry.getStoreValue());
                int index = 0;
                for (CanalEntry.RowData row : change.getRowDatasList()) {
                    String key = h.getLogfileName() + ":" + h.getLogfileOffset() + ":" + index++;
                    keys.add(key);
                    if (!seen.add(key)) {
                        duplicates++;
                        if (acked.contains(key)) {
                            ackedRedelivered++;
                        }
                    }
                    switch (change.getEventType()) {
                        case INSERT, UPDATE -> rows.put(value(row.getAfterColumnsList(), "id"),
                                value(row.getAfterColumnsList(), "v"));
                        case DELETE -> rows.remove(value(row.getBeforeColumnsList(), "id"));
                        default -> throw new IllegalStateException("unexpected " + change.getEventType());
                    }
                }
            }
            return keys;
        }

        private static int value(List<CanalEntry.Column> columns, String name) {
            return columns.stream().filter(c -> c.getName().equals(name)).findFirst()
                    .map(c -> Integer.parseInt(c.getValue()))
                    .orElseThrow(() -> new IllegalStateException("no column " + name));
        }

        synchronized Map<Integer, Integer> rows() {
            return new HashMap<>(rows);
        }
    }
}
