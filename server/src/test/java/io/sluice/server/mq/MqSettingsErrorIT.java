package io.sluice.server.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.sluice.protocol.flat.FlatMessage;
import io.sluice.protocol.flat.FlatMessageCodec;
import io.sluice.server.SluiceServer;
import io.sluice.server.config.ConfigLoader;
import io.sluice.testkit.FreePort;
import io.sluice.testkit.KafkaBroker;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A server in Kafka mode with two destinations, one of them with a producer key Kafka's client refuses: that
 * destination stops publishing with one ERROR naming the key and the value, the other publishes, the server
 * stays up; once the key is fixed in the destination's instance.properties it publishes too.
 */
@ExtendWith(TestDatabaseExtension.class)
class MqSettingsErrorIT {

    @TempDir
    Path conf;

    private static List<String> rowsOf(String bootstrap, String topic, int want) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        FlatMessageCodec codec = new FlatMessageCodec();
        List<String> ids = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            TopicPartition p = new TopicPartition(topic, 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (ids.size() < want && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                    FlatMessage m = codec.decode(r.value());
                    if ("INSERT".equals(m.type())) {
                        m.data().forEach(row -> ids.add(m.table() + ":" + row.get("id")));
                    }
                }
            }
        }
        return ids;
    }

    @Test
    @Timeout(240)
    void aRefusedProducerKeyStopsOnlyItsDestinationWithOneErrorUntilTheFileIsFixed(TestDatabase db) throws Exception {
        db.execute("CREATE DATABASE IF NOT EXISTS mqerr", "DROP TABLE IF EXISTS mqerr.good",
                "DROP TABLE IF EXISTS mqerr.bad", "CREATE TABLE mqerr.good (id INT PRIMARY KEY)",
                "CREATE TABLE mqerr.bad (id INT PRIMARY KEY)");
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger publisherLog = (Logger) LoggerFactory.getLogger(DestinationPublisher.class);
        publisherLog.addAppender(logs);
        try (KafkaBroker broker = KafkaBroker.start(Map.of())) {
            Files.writeString(conf.resolve("canal.properties"), String.join("\n",
                    "canal.port = " + FreePort.find(),
                    "canal.metrics.pull.port = 0",
                    "canal.serverMode = kafka",
                    "canal.destinations = good,bad",
                    "canal.auto.scan.interval = 1",
                    "kafka.bootstrap.servers = " + broker.bootstrap(), ""));
            String instance = String.join("\n",
                    "canal.instance.master.address = " + db.address(),
                    "canal.instance.dbUsername = canal",
                    "canal.instance.dbPassword = canal", "");
            Files.createDirectories(conf.resolve("good"));
            Files.createDirectories(conf.resolve("bad"));
            Files.writeString(conf.resolve("good/instance.properties"), instance
                    + "canal.instance.filter.regex = mqerr\\\\.good\ncanal.mq.topic = good_rows\n");
            Path bad = conf.resolve("bad/instance.properties");
            Files.writeString(bad, instance + "canal.instance.filter.regex = mqerr\\\\.bad\ncanal.mq.topic = bad_rows\n"
                    + "kafka.acks = 2\n");

            ConfigLoader loader = ConfigLoader.fromEnvironment();
            try (SluiceServer server = new SluiceServer(loader.loadServer(conf.resolve("canal.properties")), loader,
                    null)) {
                server.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> logs.list.stream()
                        .anyMatch(e -> e.getLevel() == Level.ERROR));
                db.execute("INSERT INTO mqerr.good VALUES (1)", "INSERT INTO mqerr.bad VALUES (1)");
                assertThat(rowsOf(broker.bootstrap(), "good_rows", 1)).containsExactly("good:1");
                Thread.sleep(3000); // a retrying destination would have logged again by now
                List<String> errors = logs.list.stream().filter(e -> e.getLevel() == Level.ERROR)
                        .map(ILoggingEvent::getFormattedMessage).toList();
                assertThat(errors).singleElement().asString().isEqualTo("destination bad: publishing stopped, nothing"
                        + " is acked until the setting is fixed: kafka.acks=2: String must be one of: all, -1, 0, 1");
                assertThat(logs.list).noneMatch(e -> e.getLevel() == Level.WARN
                        && e.getFormattedMessage().startsWith("destination bad"));

                // the operator fixes the file; auto-scan restarts the destination and it publishes
                Files.writeString(bad, Files.readString(bad).replace("kafka.acks = 2\n", "kafka.acks = all\n"));
                await().atMost(Duration.ofSeconds(60)).until(() -> logs.list.stream()
                        .filter(e -> e.getFormattedMessage().startsWith("publishing destination bad")).count() == 2);
                Thread.sleep(1000);
                db.execute("INSERT INTO mqerr.bad VALUES (2)");
                assertThat(rowsOf(broker.bootstrap(), "bad_rows", 1)).contains("bad:2");
            }
        } finally {
            publisherLog.detachAppender(logs);
        }
    }
}
