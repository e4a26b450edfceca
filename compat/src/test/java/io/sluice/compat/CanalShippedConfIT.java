package io.sluice.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.fastjson2.JSON;
import com.alibaba.otter.canal.client.CanalConnector;
import com.alibaba.otter.canal.client.impl.SimpleCanalConnector;
import com.alibaba.otter.canal.protocol.CanalEntry;
import com.alibaba.otter.canal.protocol.FlatMessage;
import com.alibaba.otter.canal.protocol.Message;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.sluice.testkit.FreePort;
import io.sluice.testkit.KafkaBroker;
import io.sluice.testkit.RabbitMqBroker;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server started as a canal user starts canal: from canal 1.1.7's own shipped {@code canal.properties},
 * {@code canal_local.properties} and {@code example/instance.properties} (a verbatim copy in
 * {@code server/src/test/resources/canal-1.1.7-conf}), with only the lines a QuickStart user edits changed: the
 * master address, the account and the filter, and for MQ runs {@code canal.serverMode} and the broker address.
 * Ports are moved off canal's 11111/11112 by system properties, not by editing the files, so that tests on one
 * machine do not collide. In each server mode an INSERT, a two-row UPDATE, a DELETE, an ALTER and an INSERT after
 * it arrive with the master's values; the server is stopped cleanly, more is written, and after the start
 * exactly that arrives: nothing acked before is delivered again, nothing is lost.
 */
@ExtendWith(TestDatabaseExtension.class)
class CanalShippedConfIT {

    private static final Path SHIPPED = Path.of(System.getProperty("sluice.home", ".."))
            .resolve("server/src/test/resources/canal-1.1.7-conf").toAbsolutePath().normalize();

    @TempDir
    Path work;

    private int starts;

    // ---- the workload and what every mode must deliver ---------------------------------------------------

    private static void createTable(TestDatabase db, String schema) {
        db.execute("CREATE DATABASE IF NOT EXISTS " + schema, "DROP TABLE IF EXISTS " + schema + ".t",
                "CREATE TABLE " + schema + ".t (id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(10,2),"
                        + " qty INT UNSIGNED)");
    }

    private static String alter(String schema) {
        return "ALTER TABLE " + schema + ".t ADD COLUMN note VARCHAR(20) NULL";
    }

    /** Written while the server runs: one row changes in each UPDATE row a different column. */
    private static List<String> writeFirst(TestDatabase db, String s) {
        db.execute("INSERT INTO " + s + ".t VALUES (1, 'apple', 1.50, 3), (2, 'pear', 2.25, 0)",
                "UPDATE " + s + ".t SET name = CASE id WHEN 1 THEN 'Apple' ELSE name END,"
                        + " qty = CASE id WHEN 2 THEN 5 ELSE qty END WHERE id IN (1, 2)",
                "DELETE FROM " + s + ".t WHERE id = 2",
                alter(s),
                "INSERT INTO " + s + ".t VALUES (3, 'plum', 0.99, 4294967295, 'ripe')");
        String t = s + ".t";
        return List.of(
                "INSERT " + t + " {id=1, name=apple, price=1.50, qty=3}",
                "INSERT " + t + " {id=2, name=pear, price=2.25, qty=0}",
                "UPDATE " + t + " {id=1, name=Apple, price=1.50, qty=3} old {name=apple}",
                "UPDATE " + t + " {id=2, name=pear, price=2.25, qty=5} old {qty=0}",
                "DELETE " + t + " {id=2, name=pear, price=2.25, qty=5}",
                "ALTER " + t + " " + alter(s),
                "INSERT " + t + " {id=3, name=plum, note=ripe, price=0.99, qty=4294967295}");
    }

    /** Written while the server is stopped. */
    private static List<String> writeWhileStopped(TestDatabase db, String s) {
        db.execute("INSERT INTO " + s + ".t VALUES (4, 'fig', 3.10, 1, NULL)",
                "UPDATE " + s + ".t SET qty = 8 WHERE id = 3",
                "DELETE FROM " + s + ".t WHERE id = 1");
        String t = s + ".t";
        return List.of(
                "INSERT " + t + " {id=4, name=fig, note=null, price=3.10, qty=1}",
                "UPDATE " + t + " {id=3, name=plum, note=ripe, price=0.99, qty=8} old {qty=4294967295}",
                "DELETE " + t + " {id=1, name=Apple, note=null, price=1.50, qty=3}");
    }

    private static String render(Map<String, String> row) {
        return new TreeMap<>(row).toString();
    }

    // ---- canal's files, edited as a QuickStart user edits them -------------------------------------------

    /**
     * Copies the shipped files to {@code work/conf} (canal's {@code ../conf} then names that folder), changing
     * the value of each given key on its own line and nothing else.
     */
    private Path conf(Map<String, String> canalEdits, Map<String, String> instanceEdits) throws Exception {
        Path conf = work.resolve("conf");
        Files.createDirectories(conf.resolve("example"));
        copyEdited(SHIPPED.resolve("canal.properties"), conf.resolve("canal.properties"), canalEdits);
        copyEdited(SHIPPED.resolve("canal_local.properties"), conf.resolve("canal_local.properties"), Map.of());
        copyEdited(SHIPPED.resolve("example/instance.properties"), conf.resolve("example/instance.properties"),
                instanceEdits);
        // owner-only, as docs/security.md's checklist asks of a deployment (the files hold the account's password):
        // the server warns about anything else, and this test asserts that the start says nothing but what the
        // shipped keys call for
        for (Path dir : List.of(conf, conf.resolve("example"))) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        for (Path file : List.of(conf.resolve("canal.properties"), conf.resolve("canal_local.properties"),
                conf.resolve("example/instance.properties"))) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        return conf;
    }

    private static void copyEdited(Path from, Path to, Map<String, String> edits) throws Exception {
        List<String> shipped = Files.readAllLines(from, StandardCharsets.UTF_8);
        List<String> edited = new ArrayList<>();
        Map<String, String> left = new LinkedHashMap<>(edits);
        for (String line : shipped) {
            int eq = line.indexOf('=');
            String key = eq < 0 ? "" : line.substring(0, eq).trim();
            String value = left.remove(key);
            edited.add(value == null ? line : key + " = " + value);
        }
        assertThat(left).as("every edited key is a line of canal's " + from.getFileName()).isEmpty();
        long changed = 0;
        for (int i = 0; i < shipped.size(); i++) {
            changed += shipped.get(i).equals(edited.get(i)) ? 0 : 1;
        }
        assertThat(changed).as("lines changed in " + from.getFileName()).isLessThanOrEqualTo(edits.size());
        Files.write(to, edited, StandardCharsets.UTF_8);
    }

    private Path conf(TestDatabase db, String schema, Map<String, String> canalEdits) throws Exception {
        return conf(canalEdits, Map.of(
                "canal.instance.master.address", db.address(),
                "canal.instance.dbUsername", TestDatabase.REPLICATION_USER,
                "canal.instance.dbPassword", TestDatabase.REPLICATION_PASSWORD,
                "canal.instance.filter.regex", schema + "\\\\..*"));
    }

    private ServerProcess start(Path conf, int port, String mode) throws Exception {
        ServerProcess server = ServerProcess.start("canal-shipped-" + mode + "-" + ++starts,
                "io.sluice.server.SluiceServer",
                List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dsluice.conf=" + conf,
                        "-Dsluice.logs=" + work.resolve("logs"), "-Dcanal.port=" + port,
                        "-Dcanal.metrics.pull.port=" + FreePort.find()));
        // a first start begins at the master's position of the moment the parser connects
        awaitOutput(server, "example: replicating from");
        return server;
    }

    /** Sluice's own WARN and ERROR lines (not the broker clients'): canal's files should need none. */
    private static List<String> sluiceWarnings(ServerProcess server) {
        return server.output().stream().filter(l -> l.matches("\\S+ +(WARN|ERROR) +\\[[^]]*] i[o.].*")).toList();
    }

    private static void awaitOutput(ServerProcess server, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (server.output().stream().noneMatch(l -> l.contains(text))) {
            assertThat(System.nanoTime() < deadline && server.isAlive())
                    .as("'" + text + "' in the server's output:\n" + String.join("\n", server.output())).isTrue();
            Thread.sleep(100);
        }
    }

    /** Polls until {@code want} items arrived, then for a while longer to see that nothing else comes. */
    private static List<String> collect(Supplier<List<String>> poll, int want) throws InterruptedException {
        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (got.size() < want && System.nanoTime() < deadline) {
            got.addAll(poll.get());
        }
        long quiet = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < quiet) {
            got.addAll(poll.get());
        }
        return got;
    }

    private static void stopCleanly(ServerProcess server, Path conf) throws Exception {
        // canal's place for the position of destination "example" under canal.file.data.dir = ${canal.conf.dir}
        Path meta = conf.resolve("example/meta.dat");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(Files.exists(meta) && Files.readString(meta).contains("\"clientId\":1001"))
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(meta).as("meta.dat where canal 1.1.7 keeps it").exists();
        // SIGTERM: the shutdown hook stops the destination and flushes its position (the child's last lines
        // may be lost to the output pump as the process exits, so the proof is the restart, not a log line)
        server.close();
        assertThat(server.isAlive()).isFalse();
    }

    // ---- (a) TCP: canal's official client 1.1.8 ----------------------------------------------------------

    private static List<String> changes(CanalEntry.Entry e) throws Exception {
        if (e.getEntryType() != CanalEntry.EntryType.ROWDATA) {
            return List.of();
        }
        CanalEntry.RowChange rc = CanalEntry.RowChange.parseFrom(e.getStoreValue());
        if (rc.getEventType() == CanalEntry.EventType.QUERY) {
            // MariaDB's ANNOTATE_ROWS (the statement text before its rows), which canal delivers as QUERY entries
            // under the shipped canal.instance.filter.query.dml = false; MySQL writes none by default
            return List.of();
        }
        String table = e.getHeader().getSchemaName() + "." + e.getHeader().getTableName();
        if (rc.getIsDdl()) {
            return List.of(rc.getEventType() + " " + table + " " + rc.getSql());
        }
        List<String> out = new ArrayList<>();
        for (CanalEntry.RowData rd : rc.getRowDatasList()) {
            boolean delete = rc.getEventType() == CanalEntry.EventType.DELETE;
            Map<String, String> row = new LinkedHashMap<>();
            Map<String, String> old = new LinkedHashMap<>();
            for (CanalEntry.Column c : delete ? rd.getBeforeColumnsList() : rd.getAfterColumnsList()) {
                row.put(c.getName(), c.getIsNull() ? null : c.getValue());
                // canal flags every column of an INSERT updated too; old is an UPDATE's
                if (c.getUpdated() && rc.getEventType() == CanalEntry.EventType.UPDATE) {
                    CanalEntry.Column before = rd.getBeforeColumnsList().stream()
                            .filter(b -> b.getName().equals(c.getName())).findFirst().orElseThrow();
                    old.put(c.getName(), before.getIsNull() ? null : before.getValue());
                }
            }
            String text = rc.getEventType() + " " + table + " " + render(row);
            out.add(rc.getEventType() == CanalEntry.EventType.UPDATE ? text + " old " + render(old) : text);
        }
        return out;
    }

    private static List<String> read(CanalConnector client) {
        try {
            Message m = client.getWithoutAck(100, 200L, TimeUnit.MILLISECONDS);
            List<String> out = new ArrayList<>();
            for (CanalEntry.Entry e : m.getEntries()) {
                out.addAll(changes(e));
            }
            if (m.getId() != -1) {
                client.ack(m.getId());
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Timeout(300)
    void tcpModeServesCanalsOfficialClientFromCanalsShippedFiles(TestDatabase db) throws Exception {
        String schema = "shipped_tcp";
        createTable(db, schema);
        Path conf = conf(db, schema, Map.of());
        int port = FreePort.find();
        ServerProcess server = start(conf, port, "tcp");
        List<String> first;
        try {
            CanalConnector client = new SimpleCanalConnector(server.address(), "", "", "example");
            client.connect();
            client.subscribe("");
            first = writeFirst(db, schema);
            assertThat(collect(() -> read(client), first.size())).containsExactlyElementsOf(first);
            client.disconnect();
            assertThat(sluiceWarnings(server)).isEmpty();
            stopCleanly(server, conf);
        } finally {
            server.close();
        }

        List<String> second = writeWhileStopped(db, schema);
        server = start(conf, port, "tcp");
        try {
            CanalConnector client = new SimpleCanalConnector(server.address(), "", "", "example");
            client.connect();
            client.subscribe("");
            assertThat(collect(() -> read(client), second.size())).as("after the restart: only what was written"
                    + " while stopped").containsExactlyElementsOf(second);
            client.disconnect();
        } finally {
            server.close();
        }
        System.out.printf("canal's shipped conf, TCP: %d changes before the stop, %d after, none repeated%n",
                first.size(), second.size());
    }

    // ---- (b) Kafka: a plain KafkaConsumer ----------------------------------------------------------------

    private static List<String> changes(FlatMessage m) {
        String table = m.getDatabase() + "." + m.getTable();
        if ("QUERY".equals(m.getType())) {
            return List.of(); // see changes(Entry)
        }
        if (m.getIsDdl() || m.getData() == null) {
            return List.of(m.getType() + " " + table + " " + m.getSql());
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < m.getData().size(); i++) {
            String text = m.getType() + " " + table + " " + render(m.getData().get(i));
            out.add(m.getOld() == null ? text : text + " old " + render(m.getOld().get(i)));
        }
        return out;
    }

    /** The whole topic from its first record, as a consumer that starts from the beginning reads it. */
    private static List<String> readKafka(String bootstrap, int want) throws InterruptedException {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            TopicPartition example = new TopicPartition("example", 0);
            consumer.assign(List.of(example));
            consumer.seekToBeginning(List.of(example));
            return collect(() -> {
                List<String> out = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.addAll(changes(JSON.parseObject(r.value(), FlatMessage.class)));
                }
                return out;
            }, want);
        }
    }

    @Test
    @Timeout(300)
    void kafkaModePublishesWithCanalsShippedProducerKeys(TestDatabase db) throws Exception {
        String schema = "shipped_kafka";
        createTable(db, schema);
        String classpath = Files.readString(Path.of(System.getProperty("sluice.server.target"))
                .resolve("test-classpath.txt")).strip();
        try (KafkaBroker broker = KafkaBroker.start(Map.of(), classpath)) {
            Path conf = conf(db, schema, Map.of("canal.serverMode", "kafka",
                    "kafka.bootstrap.servers", broker.bootstrap()));
            assertThat(Files.readString(conf.resolve("canal.properties")))
                    .contains("kafka.retries = 0", "kafka.max.in.flight.requests.per.connection = 1",
                            "kafka.acks = all");
            int port = FreePort.find();
            ServerProcess server = start(conf, port, "kafka");
            List<String> first;
            try {
                first = writeFirst(db, schema);
                assertThat(readKafka(broker.bootstrap(), first.size())).containsExactlyElementsOf(first);
                stopCleanly(server, conf);
                assertThat(sluiceWarnings(server)).as("the decision on canal's retries=0, logged once, and nothing else")
                        .singleElement().asString().contains("kafka.retries=0 is not applied");
                assertThat(server.output()).noneMatch(l -> l.contains("Must set retries"))
                        .noneMatch(l -> l.contains("not published"));
            } finally {
                server.close();
            }

            List<String> second = writeWhileStopped(db, schema);
            server = start(conf, port, "kafka");
            try {
                List<String> all = new ArrayList<>(first);
                all.addAll(second);
                assertThat(readKafka(broker.bootstrap(), all.size()))
                        .as("the topic: everything once, nothing published before the stop published again")
                        .containsExactlyElementsOf(all);
            } finally {
                server.close();
            }
            System.out.printf("canal's shipped conf, Kafka: %d changes before the stop, %d after, none repeated%n",
                    first.size(), second.size());
        }
    }

    // ---- (c) RabbitMQ: a plain AMQP consumer -------------------------------------------------------------

    @Test
    @Timeout(300)
    void rabbitMqModePublishesWithCanalsShippedKeys(TestDatabase db) throws Exception {
        Assumptions.assumeTrue(RabbitMqBroker.installed(), "rabbitmq-server is not installed");
        String schema = "shipped_rabbit";
        createTable(db, schema);
        try (RabbitMqBroker broker = RabbitMqBroker.start()) {
            ConnectionFactory factory = new ConnectionFactory();
            factory.setHost("127.0.0.1");
            factory.setPort(broker.port());
            try (Connection connection = factory.newConnection(); Channel ch = connection.createChannel()) {
                // what a canal user sets up on the broker: the exchange, a queue, bound with the topic as key
                ch.exchangeDeclare("canal.exchange", "direct", true);
                ch.queueDeclare("example_rows", true, false, false, null);
                ch.queueBind("example_rows", "canal.exchange", "example");
                Supplier<List<String>> poll = () -> {
                    try {
                        GetResponse r = ch.basicGet("example_rows", true);
                        if (r == null) {
                            Thread.sleep(100);
                            return List.of();
                        }
                        return changes(JSON.parseObject(r.getBody(), FlatMessage.class));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                };

                Path conf = conf(db, schema, Map.of("canal.serverMode", "rabbitMQ",
                        "rabbitmq.host", "127.0.0.1:" + broker.port(), "rabbitmq.exchange", "canal.exchange",
                        "rabbitmq.username", "guest", "rabbitmq.password", "guest"));
                int port = FreePort.find();
                ServerProcess server = start(conf, port, "rabbitmq");
                List<String> first;
                try {
                    first = writeFirst(db, schema);
                    assertThat(collect(poll, first.size())).containsExactlyElementsOf(first);
                    stopCleanly(server, conf);
                    assertThat(sluiceWarnings(server)).isEmpty();
                } finally {
                    server.close();
                }

                List<String> second = writeWhileStopped(db, schema);
                server = start(conf, port, "rabbitmq");
                try {
                    assertThat(collect(poll, second.size())).as("after the restart: only what was written while"
                            + " stopped").containsExactlyElementsOf(second);
                } finally {
                    server.close();
                }
                System.out.printf("canal's shipped conf, RabbitMQ: %d changes before the stop, %d after,"
                        + " none repeated%n", first.size(), second.size());
            }
        }
    }
}
