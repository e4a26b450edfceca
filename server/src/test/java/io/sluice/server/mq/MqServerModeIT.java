package io.sluice.server.mq;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.protocol.flat.FlatMessage;
import io.sluice.protocol.flat.FlatMessageCodec;
import io.sluice.testkit.ChildJvm;
import io.sluice.testkit.FreePort;
import io.sluice.testkit.KafkaBroker;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server itself in MQ mode ({@code canal.serverMode = kafka}), as a child JVM, killed with SIGKILL while it
 * publishes and started again: every row written reaches the topic (at least once), none is lost.
 */
@ExtendWith(TestDatabaseExtension.class)
class MqServerModeIT {

    @TempDir
    Path work;

    private ChildJvm start(Path conf, String name) {
        ChildJvm server = ChildJvm.start(name, "io.sluice.server.SluiceServer", ChildJvm.currentClasspath(),
                List.of("-Xmx256m", "-Dsluice.conf=" + conf, "-Dsluice.logs=" + work.resolve("logs")),
                List.of(), Map.of(), work.resolve(name + ".log"));
        server.awaitLog("SLUICE_READY", Duration.ofSeconds(60));
        server.awaitLog("mqd: publishing with", Duration.ofSeconds(30));
        // the first start begins at the master's position of the moment the parser connects
        server.awaitLog("mqd: replicating from", Duration.ofSeconds(30));
        return server;
    }

    @Test
    void aServerKilledWhilePublishingLosesNothing(TestDatabase db) throws Exception {
        db.execute("CREATE DATABASE IF NOT EXISTS mqs", "DROP TABLE IF EXISTS mqs.t",
                "CREATE TABLE mqs.t (id INT PRIMARY KEY, v VARCHAR(30))");
        try (KafkaBroker broker = KafkaBroker.start(Map.of())) {
            Path conf = work.resolve("conf");
            Files.createDirectories(conf.resolve("mqd"));
            Files.writeString(conf.resolve("canal.properties"), String.join("\n",
                    "canal.port = " + FreePort.find(),
                    "canal.metrics.pull.port = 0",
                    "canal.serverMode = kafka",
                    "canal.destinations = mqd",
                    "canal.file.flush.period = 0",
                    "canal.mq.flatMessage = true",
                    "kafka.bootstrap.servers = " + broker.bootstrap(), ""));
            Files.writeString(conf.resolve("mqd/instance.properties"), String.join("\n",
                    "canal.instance.master.address = " + db.address(),
                    "canal.instance.dbUsername = canal",
                    "canal.instance.dbPassword = canal",
                    "canal.instance.filter.regex = mqs\\\\..*",
                    "canal.mq.topic = sluice_mq", ""));

            ChildJvm server = start(conf, "server-1");
            int total = 0;
            for (int round = 0; round < 3; round++) {
                for (int batch = 0; batch < 10; batch++) {
                    StringBuilder sql = new StringBuilder("INSERT INTO mqs.t VALUES ");
                    for (int i = 0; i < 500; i++) {
                        total++;
                        sql.append(i == 0 ? "" : ",").append("(").append(total).append(",'r").append(total).append("')");
                    }
                    db.execute(sql.toString());
                }
                if (round == 0) {
                    // until the first confirmed batch is acked there is no stored position to resume from: a first
                    // start that dies before its first ack starts again at the master's then-current position
                    awaitRecords(broker.bootstrap(), "sluice_mq");
                    Path meta = conf.resolve("mqd/meta.dat");
                    long wait = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (!(Files.exists(meta) && Files.readString(meta).contains("postion")) && System.nanoTime() < wait) {
                        Thread.sleep(100);
                    }
                    assertThat(Files.readString(meta)).as("a first ack was stored").contains("postion");
                }
                server.kill(); // SIGKILL while publishing
                server = start(conf, "server-" + (round + 2));
            }
            try {
                Set<Integer> seen = new HashSet<>();
                int records = consume(broker.bootstrap(), "sluice_mq", seen, total);
                if (seen.size() != total) {
                    System.out.println("server log:\n" + server.tail(60));
                }
                assertThat(seen).as("every row id arrived").hasSize(total);
                System.out.printf("MQ mode, 3 SIGKILLs: %d rows written, %d distinct rows published, %d records read%n",
                        total, seen.size(), records);
                assertThat(records).as("records (duplicates only from unconfirmed batches)").isGreaterThanOrEqualTo(1);
            } finally {
                server.stop(Duration.ofSeconds(30));
            }
        }
    }

    private static void awaitRecords(String bootstrap, String topic) throws Exception {
        int found = consume(bootstrap, topic, new HashSet<>(), 1);
        assertThat(found).as("the server published something before the first kill").isPositive();
    }

    private static int consume(String bootstrap, String topic, Set<Integer> ids, int expected) throws Exception {
        FlatMessageCodec codec = new FlatMessageCodec();
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        int records = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            long wait = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.isEmpty() && System.nanoTime() < wait) {
                consumer.partitionsFor(topic, Duration.ofSeconds(10))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                if (partitions.isEmpty()) {
                    Thread.sleep(500);
                }
            }
            if (partitions.isEmpty()) {
                return 0;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (ids.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    records++;
                    FlatMessage m = codec.decode(r.value());
                    if ("INSERT".equals(m.type()) && "t".equals(m.table())) {
                        m.data().forEach(row -> ids.add(Integer.parseInt(row.get("id"))));
                    }
                }
            }
        }
        return records;
    }
}
