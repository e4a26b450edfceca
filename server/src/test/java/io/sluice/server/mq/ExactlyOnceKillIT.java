package io.sluice.server.mq;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.protocol.flat.FlatMessage;
import io.sluice.protocol.flat.FlatMessageCodec;
import io.sluice.testkit.ChildJvm;
import io.sluice.testkit.FreePort;
import io.sluice.testkit.KafkaBroker;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server in Kafka mode as a child JVM, SIGKILLed several times while a writer runs on the private MariaDB, then
 * left to catch up; a {@code read_committed} consumer counts every row change it reads. Every change the writer made
 * is identified by (type, id, value after), which the writer keeps unique, so a change read twice or never is seen.
 * At the third kill the stored ack (meta.dat and its journal) is put back to what it was at the first, so the
 * restarted server reads seconds of binlog again that Kafka already has.
 * With {@code sluice.mq.exactly.once = true} each change must arrive exactly once; in the default mode (for contrast)
 * none may be missing and the duplicates are reported.
 */
@ExtendWith(TestDatabaseExtension.class)
class ExactlyOnceKillIT {

    private static final String DEST = "eosd";
    private static final String TOPIC = "sluice_eos";
    private static final int KILLS = 4;

    @TempDir
    Path work;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aReadCommittedConsumerSeesEveryChangeOnceAcrossKillNine(TestDatabase db) throws Exception {
        Counted counted = killLoop(db, true);
        assertThat(counted.missing).as("changes never published").isEmpty();
        assertThat(counted.duplicates).as("changes published more than once").isZero();
        assertThat(counted.unexpected).as("changes the writer did not make").isEmpty();
        assertThat(counted.restartsBehindKafka).as("restarts whose stored ack lagged the committed position")
                .isPositive();
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void theDefaultModeLosesNothingButMayRepeatAfterKillNine(TestDatabase db) throws Exception {
        Counted counted = killLoop(db, false);
        assertThat(counted.missing).as("changes never published").isEmpty();
        assertThat(counted.unexpected).as("changes the writer did not make").isEmpty();
    }

    private Counted killLoop(TestDatabase db, boolean exactlyOnce) throws Exception {
        db.execute("CREATE DATABASE IF NOT EXISTS eos", "DROP TABLE IF EXISTS eos.t",
                "CREATE TABLE eos.t (id INT PRIMARY KEY, v INT NOT NULL)");
        TestDatabase.BinlogCoordinates start = db.masterStatus();
        try (KafkaBroker broker = KafkaBroker.start(Map.of())) {
            Path conf = writeConf(db, start, broker.bootstrap(), exactlyOnce);
            Writer writer = new Writer(db);
            ChildJvm server = start(conf, "server-0", exactlyOnce);
            Random random = new Random(23);
            try {
                writer.thread.start();
                for (int kill = 1; kill <= KILLS; kill++) {
                    Thread.sleep(1500 + random.nextInt(2500));
                    server.kill(); // SIGKILL mid-stream: a transaction may be open
                    Path stored = work.resolve("data").resolve(DEST);
                    if (kill == 1) {
                        copy(stored, work.resolve("meta-at-first-kill"));
                    } else if (kill == 3) {
                        // the stored ack goes back seconds, as after a power loss before the meta flush or a restored
                        // backup: the position committed in Kafka must win
                        delete(stored);
                        copy(work.resolve("meta-at-first-kill"), stored);
                    }
                    Thread.sleep(random.nextInt(800));
                    server = start(conf, "server-" + kill, exactlyOnce);
                }
                Thread.sleep(1000);
            } finally {
                writer.close();
            }
            try {
                Counted counted = consume(broker.bootstrap(), writer.changes);
                long lagged = 0;
                for (int i = 0; i <= KILLS; i++) {
                    Path log = work.resolve("server-" + i + ".log");
                    lagged += Files.readString(log).lines().filter(l -> l.contains("were already committed to Kafka"))
                            .count();
                }
                counted.restartsBehindKafka = lagged;
                System.out.printf("EXACTLY_ONCE mode=%s kills=%d changes_written=%d records=%d changes_read=%d"
                                + " duplicates=%d missing=%d unexpected=%d restarts_with_meta_behind_kafka=%d%n",
                        exactlyOnce ? "exactly-once" : "at-least-once", KILLS, writer.changes.size(), counted.records,
                        counted.read, counted.duplicates, counted.missing.size(), counted.unexpected.size(),
                        counted.restartsBehindKafka);
                if (!counted.missing.isEmpty() || exactlyOnce && counted.duplicates > 0) {
                    System.out.println("server log:\n" + server.tail(80));
                }
                return counted;
            } finally {
                server.stop(Duration.ofSeconds(30));
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(from.relativize(f).toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    private Path writeConf(TestDatabase db, TestDatabase.BinlogCoordinates start, String bootstrap,
                           boolean exactlyOnce) throws Exception {
        Path conf = work.resolve("conf");
        Files.createDirectories(conf.resolve(DEST));
        Files.writeString(conf.resolve("canal.properties"), String.join("\n",
                "canal.port = " + FreePort.find(),
                "canal.metrics.pull.port = 0",
                "canal.serverMode = kafka",
                "canal.destinations = " + DEST,
                "canal.file.data.dir = " + work.resolve("data"),
                "canal.file.flush.period = 1000", // canal's shipped value: meta.dat lags the acks by up to a second
                "canal.mq.flatMessage = true",
                "canal.mq.canalBatchSize = 20",
                "kafka.bootstrap.servers = " + bootstrap, ""));
        Files.writeString(conf.resolve(DEST + "/instance.properties"), String.join("\n",
                "canal.instance.master.address = " + db.address(),
                "canal.instance.dbUsername = canal",
                "canal.instance.dbPassword = canal",
                "canal.instance.master.journal.name = " + start.file(),
                "canal.instance.master.position = " + start.position(),
                "canal.instance.filter.regex = eos\\\\..*",
                "canal.mq.topic = " + TOPIC,
                "sluice.mq.exactly.once = " + exactlyOnce, ""));
        return conf;
    }

    private ChildJvm start(Path conf, String name, boolean exactlyOnce) {
        ChildJvm server = ChildJvm.start(name, "io.sluice.server.SluiceServer", ChildJvm.currentClasspath(),
                List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dsluice.conf=" + conf,
                        "-Dsluice.logs=" + work.resolve("logs")),
                List.of(), Map.of(), work.resolve(name + ".log"));
        server.awaitLog("SLUICE_READY", Duration.ofSeconds(60));
        server.awaitLog(exactlyOnce ? "destination " + DEST + ": exactly-once, resuming after" : DEST + ": publishing with",
                Duration.ofSeconds(60));
        return server;
    }

    /** What the consumer read, against what the writer did. */
    private static final class Counted {
        long records;
        long read;
        long duplicates;
        long restartsBehindKafka;
        final List<String> missing = new ArrayList<>();
        final List<String> unexpected = new ArrayList<>();
    }

    /**
     * Reads the topic from its start with {@code read_committed} until every change the writer made arrived, then a
     * few seconds more, in case anything arrives twice late.
     */
    private static Counted consume(String bootstrap, Set<String> written) throws Exception {
        FlatMessageCodec codec = new FlatMessageCodec();
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Counted counted = new Counted();
        Map<String, Integer> seen = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(TOPIC, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(TOPIC, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            long settled = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settled)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                    counted.records++;
                    FlatMessage m = codec.decode(r.value());
                    if (m.isDdl() || !"t".equals(m.table())) {
                        continue;
                    }
                    for (Map<String, String> row : m.data()) {
                        String change = m.type().equals("DELETE") ? "DELETE:" + row.get("id")
                                : m.type() + ":" + row.get("id") + ":" + row.get("v");
                        counted.read++;
                        if (seen.merge(change, 1, Integer::sum) > 1) {
                            counted.duplicates++;
                        }
                    }
                }
                if (settled == Long.MAX_VALUE && seen.keySet().containsAll(written)) {
                    settled = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                }
            }
        }
        written.stream().filter(c -> !seen.containsKey(c)).sorted().forEach(counted.missing::add);
        seen.keySet().stream().filter(c -> !written.contains(c)).sorted().forEach(counted.unexpected::add);
        return counted;
    }

    /**
     * Inserts, updates and deletes on {@code eos.t}, now and then several in one transaction. Values only grow and
     * ids are never reused, so (type, id, value after) names each row change once.
     */
    private static final class Writer implements AutoCloseable {
        final Set<String> changes = ConcurrentHashMap.newKeySet();
        final Thread thread = new Thread(this::run, "eos-writer");
        private final TestDatabase db;
        private final Random random = new Random(7);
        private final Map<Integer, Integer> alive = new HashMap<>();
        private final List<Integer> ids = new ArrayList<>();
        private volatile boolean stop;
        private volatile Exception failure;

        Writer(TestDatabase db) {
            this.db = db;
        }

        private void run() {
            int next = 1;
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                while (!stop) {
                    int op = random.nextInt(10);
                    if (op < 5 || ids.size() < 10) {
                        int id = next++;
                        s.execute("INSERT INTO eos.t VALUES (" + id + ", 0)");
                        born(id, 0);
                    } else if (op < 8) {
                        int id = ids.get(random.nextInt(ids.size()));
                        int v = alive.get(id) + 1;
                        s.execute("UPDATE eos.t SET v = " + v + " WHERE id = " + id);
                        alive.put(id, v);
                        changes.add("UPDATE:" + id + ":" + v);
                    } else if (op < 9) {
                        Integer id = ids.remove(random.nextInt(ids.size()));
                        s.execute("DELETE FROM eos.t WHERE id = " + id);
                        alive.remove(id);
                        changes.add("DELETE:" + id);
                    } else {
                        int a = next++;
                        int b = next++;
                        c.setAutoCommit(false);
                        s.execute("INSERT INTO eos.t VALUES (" + a + ", 1), (" + b + ", 1)");
                        s.execute("UPDATE eos.t SET v = v + 10 WHERE id IN (" + a + ", " + b + ")");
                        c.commit();
                        c.setAutoCommit(true);
                        born(a, 1);
                        born(b, 1);
                        for (int id : List.of(a, b)) {
                            alive.put(id, 11);
                            changes.add("UPDATE:" + id + ":11");
                        }
                    }
                    Thread.sleep(3);
                }
            } catch (SQLException e) {
                failure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void born(int id, int v) {
            alive.put(id, v);
            ids.add(id);
            changes.add("INSERT:" + id + ":" + v);
        }

        @Override
        public void close() throws Exception {
            stop = true;
            thread.join(30_000);
            if (failure != null) {
                throw failure;
            }
        }
    }
}
