package io.sluice.server.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.position.SourcePositions;
import io.sluice.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The transactional producer of the exactly-once mode against a real KRaft broker: the position committed with a
 * batch is what a successor reads back; a transaction left open by a killed producer is aborted by the successor and
 * neither its rows nor its position are seen; the older of two producers with one id is fenced; another
 * destination's open transaction does not hide this destination's latest position.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TransactionalKafkaProducerIT {

    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.start(Map.of());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Map<String, String> kafka() {
        return Map.of("bootstrap.servers", broker.bootstrap(), "max.block.ms", "20000");
    }

    private static TransactionalKafkaProducer producer(String destination, String positionTopic) {
        return new TransactionalKafkaProducer(destination, kafka(),
                new ExactlyOnceSettings(true, "sluice-" + destination, positionTopic));
    }

    private static SourcePositions at(long offset, int skip) {
        return SourcePositions.of("", new ResumePoint(new BinlogPosition("mysql-bin.000001", offset, "", 1, 0), skip));
    }

    private static MqMessage message(String topic, String text) {
        return new MqMessage(topic, 0, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A transaction of {@code transactionalId} with a data record and a position record, left open. */
    private static KafkaProducer<byte[], byte[]> openTransaction(String transactionalId, String positionTopic,
                                                                 String destination, String dataTopic,
                                                                 SourcePositions position) throws Exception {
        KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
        p.initTransactions();
        p.beginTransaction();
        if (dataTopic != null) {
            p.send(new ProducerRecord<>(dataTopic, 0, null, "uncommitted".getBytes(StandardCharsets.UTF_8))).get();
        }
        p.send(new ProducerRecord<>(positionTopic, PositionRecord.key(destination),
                PositionRecord.value(destination, position))).get();
        return p;
    }

    private static List<String> readCommitted(String topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    @Test
    void aSuccessorReadsTheLastCommittedPositionAndAbortsWhatAKilledProducerLeftOpen() throws Exception {
        String positions = "pos_successor";
        String data = "data_successor";
        try (TransactionalKafkaProducer first = producer("d1", positions)) {
            assertThat(first.committedPositions()).isEqualTo(SourcePositions.NONE);
            first.commit(List.of(message(data, "a"), message(data, "b")), at(400, 0));
            first.commit(List.of(message(data, "c")), at(400, 3)); // a batch ending inside a transaction
        }
        // a server killed mid-batch: its transaction (rows and position) stays open under the same id
        KafkaProducer<byte[], byte[]> killed = openTransaction("sluice-d1", positions, "d1", data, at(900, 0));
        try (TransactionalKafkaProducer successor = producer("d1", positions)) {
            assertThat(successor.committedPositions()).isEqualTo(at(400, 3));
            assertThat(readCommitted(data)).containsExactly("a", "b", "c");
            successor.commit(List.of(message(data, "d")), at(700, 0));
            assertThat(producer("d1", positions).committedPositions()).isEqualTo(at(700, 0));
        } finally {
            killed.close(Duration.ZERO);
        }
        assertThat(readCommitted(data)).containsExactly("a", "b", "c", "d");
    }

    @Test
    void theOlderOfTwoProducersWithOneIdIsFenced() throws Exception {
        String positions = "pos_fenced";
        try (TransactionalKafkaProducer old = producer("d2", positions);
             TransactionalKafkaProducer successor = producer("d2", positions)) {
            old.commit(List.of(message("data_fenced", "x")), at(100, 0));
            successor.committedPositions();
            assertThatThrownBy(() -> old.commit(List.of(message("data_fenced", "y")), at(200, 0)))
                    .isInstanceOf(PublisherFencedException.class).hasMessageContaining("sluice-d2");
            assertThat(successor.committedPositions()).isEqualTo(at(100, 0));
        }
    }

    @Test
    void aTombstoneForgetsThePosition() throws Exception {
        String positions = "pos_tombstone";
        try (TransactionalKafkaProducer mine = producer("d4", positions)) {
            mine.committedPositions();
            mine.commit(List.of(), at(300, 0));
        }
        try (KafkaProducer<byte[], byte[]> operator = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            operator.send(new ProducerRecord<>(positions, PositionRecord.key("d4"), null)).get();
        }
        try (TransactionalKafkaProducer successor = producer("d4", positions)) {
            assertThat(successor.committedPositions()).isEqualTo(SourcePositions.NONE);
        }
    }

    @Test
    void anotherDestinationsOpenTransactionDoesNotHideTheLatestPosition() throws Exception {
        String positions = "pos_shared";
        try (TransactionalKafkaProducer mine = producer("d3", positions)) {
            mine.committedPositions(); // creates the topic
            mine.commit(List.of(), at(100, 0));
            // another destination's transaction opens on the same partition before this one's next commit: the
            // stable offset stays behind it, and with it this destination's latest record
            KafkaProducer<byte[], byte[]> other = openTransaction("sluice-other", positions, "other", null, at(5, 0));
            mine.commit(List.of(), at(200, 0));
            CompletableFuture<SourcePositions> read = CompletableFuture.supplyAsync(() -> {
                try (TransactionalKafkaProducer successor = producer("d3", positions)) {
                    return successor.committedPositions();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(1500);
            assertThat(read).as("waits for the other transaction to end").isNotDone();
            other.commitTransaction();
            other.close();
            assertThat(read.get(60, TimeUnit.SECONDS)).isEqualTo(at(200, 0));
        }
    }
}
