package io.sluice.server.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.flat.FlatMessage;
import io.sluice.protocol.flat.FlatMessageCodec;
import io.sluice.protocol.packet.CanalPacket;
import io.sluice.server.entry.StoredEntry;
import io.sluice.testkit.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MQ mode against a real KRaft broker (child JVM): what a plain KafkaConsumer reads must be every row of the
 * workload, with canal's FlatMessage fields, in the partition canal's hash gives its key, in commit order per
 * key, on the topics the dynamic-topic rules name; and a broker crash or a publisher crash mid-stream must not
 * lose anything.
 */
class KafkaPublishIT {

    private static KafkaBroker broker;
    private final FlatMessageCodec codec = new FlatMessageCodec();

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

    private static Properties settings(String... kv) {
        Properties p = new Properties();
        p.setProperty("canal.serverMode", "kafka");
        p.setProperty("kafka.bootstrap.servers", broker.bootstrap());
        p.setProperty("kafka.linger.ms", "5");
        p.setProperty("kafka.max.block.ms", "3000");
        p.setProperty("kafka.request.timeout.ms", "3000");
        p.setProperty("kafka.delivery.timeout.ms", "8000");
        p.setProperty("kafka.retry.backoff.ms", "100");
        p.setProperty("sluice.mq.retry.backoff.ms", "200");
        p.setProperty("sluice.mq.retry.backoff.max.ms", "1000");
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    private static DestinationPublisher publisher(InMemoryDestination d, Properties p) {
        MqPublishSettings s = MqPublishSettings.fromProperties(p);
        return new DestinationPublisher(d, s, MqProducer.create(s)).start();
    }

    private static List<ConsumerRecord<byte[], byte[]>> consume(Set<String> topics, int atLeast) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(20))) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int emptyPolls = 0;
            while (System.nanoTime() < deadline && (records.size() < atLeast || emptyPolls < 2)) {
                var polled = consumer.poll(Duration.ofMillis(500));
                polled.forEach(records::add);
                emptyPolls = polled.isEmpty() ? emptyPolls + 1 : 0;
            }
        }
        return records;
    }

    private static int canalPartition(String database, String id, int partitions) {
        return Math.abs(Math.abs(database.hashCode() ^ id.hashCode()) % partitions);
    }

    /** One consumed row, keeping where it came from. */
    private record Seen(String topic, int partition, FlatMessage message, Map<String, String> data, Map<String, String> old) {
    }

    private List<Seen> rows(List<ConsumerRecord<byte[], byte[]>> records) {
        List<Seen> seen = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            FlatMessage m = codec.decode(r.value());
            if (m.isDdl()) {
                continue;
            }
            for (int i = 0; i < m.data().size(); i++) {
                seen.add(new Seen(r.topic(), r.partition(), m, m.data().get(i), m.old() == null ? null : m.old().get(i)));
            }
        }
        return seen;
    }

    @Test
    void everyRowArrivesAsCanalsFlatMessageInItsKeysPartitionInCommitOrderOnItsDynamicTopic() throws Exception {
        List<TestEntries.Table> tables = List.of(TestEntries.table("shop", "user"), TestEntries.table("shop", "order"),
                TestEntries.table("crm", "lead"));
        for (String t : List.of("shop_user", "shop_order", "wl_default")) {
            broker.createTopic(t, 4);
        }
        Workload w = new Workload(11, tables);
        InMemoryDestination d = new InMemoryDestination("wl");
        d.append(w.transactions(300));
        try (DestinationPublisher p = publisher(d, settings("canal.mq.topic", "wl_default",
                "canal.mq.dynamicTopic", "shop\\..*", "canal.mq.partitionsNum", "4",
                "canal.mq.partitionHash", ".*\\..*:$pk$", "canal.mq.canalBatchSize", "37"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> d.ackedEntries() == d.size());
            assertThat(p.failedAttempts()).isZero();
        }

        List<ConsumerRecord<byte[], byte[]>> records = consume(Set.of("shop_user", "shop_order", "wl_default"),
                w.ddls.size() + 1);
        List<Seen> seen = rows(records);
        assertThat(seen).hasSize(w.changes.size());

        // per key: the same partition for all its rows, canal's hash, and the changes in commit order
        Map<String, List<Seen>> byKey = new LinkedHashMap<>();
        for (Seen s : seen) {
            byKey.computeIfAbsent(s.message().database() + "." + s.message().table() + ":" + s.data().get("id"),
                    k -> new ArrayList<>()).add(s);
        }
        Map<String, List<Workload.Change>> expected = w.changesByKey();
        assertThat(byKey.keySet()).isEqualTo(expected.keySet());
        for (var entry : expected.entrySet()) {
            List<Seen> got = byKey.get(entry.getKey());
            List<Workload.Change> want = entry.getValue();
            assertThat(got).as(entry.getKey()).hasSameSizeAs(want);
            for (int i = 0; i < want.size(); i++) {
                Workload.Change c = want.get(i);
                Seen s = got.get(i);
                FlatMessage m = s.message();
                String topic = c.database().equals("shop") ? "shop_" + c.table() : "wl_default";
                assertThat(s.topic()).as(entry.getKey()).isEqualTo(topic);
                assertThat(s.partition()).as(entry.getKey()).isEqualTo(canalPartition(c.database(), c.id(), 4));
                assertThat(m.type()).isEqualTo(c.type());
                assertThat(m.database()).isEqualTo(c.database());
                assertThat(m.table()).isEqualTo(c.table());
                assertThat(m.es()).isEqualTo(c.es());
                assertThat(m.isDdl()).isFalse();
                assertThat(m.sql()).isEmpty();
                assertThat(m.gtid()).isEmpty();
                assertThat(m.id()).isPositive();
                assertThat(m.ts()).isGreaterThanOrEqualTo(m.es());
                assertThat(m.pkNames()).containsExactly("id");
                assertThat(m.sqlType()).isEqualTo(Map.of("id", 4, "name", 12, "score", 3, "note", 2005));
                assertThat(m.mysqlType()).isEqualTo(Map.of("id", "int(11)", "name", "varchar(64)",
                        "score", "decimal(5,2)", "note", "text"));
                assertThat(s.data()).as(entry.getKey() + " #" + i).isEqualTo(c.data());
                assertThat(s.old()).as(entry.getKey() + " #" + i).isEqualTo(c.old());
            }
        }

        List<FlatMessage> ddls = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            FlatMessage m = codec.decode(r.value());
            if (m.isDdl()) {
                assertThat(r.partition()).isZero();
                ddls.add(m);
            }
        }
        assertThat(ddls).extracting(FlatMessage::sql).containsExactlyInAnyOrderElementsOf(
                w.ddls.stream().map(Workload.Ddl::sql).toList());
        assertThat(ddls).allSatisfy(m -> assertThat(m.data()).isNull());
    }

    @Test
    void aBrokerKilledMidStreamIsRetriedUntilItIsBackAndNothingIsLost() throws Exception {
        broker.createTopic("crash_topic", 3);
        Workload w = new Workload(23, List.of(TestEntries.table("shop", "user")));
        InMemoryDestination d = new InMemoryDestination("crash");
        d.append(w.transactions(100));
        try (DestinationPublisher p = publisher(d, settings("canal.mq.topic", "crash_topic",
                "canal.mq.partitionsNum", "3", "canal.mq.partitionHash", "shop\\.user:id", "canal.mq.canalBatchSize", "20"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> d.ackedEntries() == d.size());

            broker.kill();
            int ackedBeforeOutage = d.ackedEntries();
            d.append(w.transactions(100));
            await().atMost(Duration.ofSeconds(60)).until(() -> p.state() == DestinationPublisher.State.RETRYING);
            // nothing is acked while the broker is away
            assertThat(d.ackedEntries()).isEqualTo(ackedBeforeOutage);

            broker.restart();
            await().atMost(Duration.ofSeconds(120)).until(() -> d.ackedEntries() == d.size());
            assertThat(p.failedAttempts()).isPositive();
            assertThat(p.state()).isEqualTo(DestinationPublisher.State.RUNNING);
        }
        assertNothingLostAndKeysInOrder(w, rows(consume(Set.of("crash_topic"), 1)));
    }

    @Test
    void aPublisherStoppedMidStreamResumesFromTheLastAckAndNothingIsLost() throws Exception {
        broker.createTopic("resume_topic", 2);
        Workload w = new Workload(37, List.of(TestEntries.table("shop", "user"), TestEntries.table("shop", "item")));
        InMemoryDestination d = new InMemoryDestination("resume");
        d.append(w.transactions(150));
        Properties p = settings("canal.mq.topic", "resume_topic", "canal.mq.partitionsNum", "2",
                "canal.mq.partitionHash", ".*\\..*:$pk$", "canal.mq.canalBatchSize", "5");
        for (int round = 0; round < 3; round++) {
            DestinationPublisher publisher = publisher(d, p);
            int from = d.ackedEntries();
            await().atMost(Duration.ofSeconds(30)).until(() -> d.ackedEntries() > from);
            publisher.close(); // like a crash: the batch in hand is never acked
            d.append(w.transactions(50));
        }
        try (DestinationPublisher last = publisher(d, p)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> d.ackedEntries() == d.size());
        }
        assertNothingLostAndKeysInOrder(w, rows(consume(Set.of("resume_topic"), 1)));
    }

    /** At-least-once: a replay may repeat rows, but every change is there and each key's first sightings are in commit order. */
    private static void assertNothingLostAndKeysInOrder(Workload w, List<Seen> seen) {
        Map<String, List<Map<String, String>>> byKey = new HashMap<>();
        Map<String, Integer> partitionOfKey = new HashMap<>();
        for (Seen s : seen) {
            String key = s.message().database() + "." + s.message().table() + ":" + s.data().get("id");
            Integer previous = partitionOfKey.put(key, s.partition());
            assertThat(previous == null || previous == s.partition()).as("%s stays in one partition", key).isTrue();
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(tagged(s.message().type(), s.data()));
        }
        for (var e : w.changesByKey().entrySet()) {
            List<Map<String, String>> want = e.getValue().stream().map(c -> tagged(c.type(), c.data())).toList();
            List<Map<String, String>> got = new ArrayList<>(new LinkedHashSet<>(byKey.getOrDefault(e.getKey(), List.of())));
            assertThat(got).as(e.getKey()).isEqualTo(want);
        }
    }

    private static Map<String, String> tagged(String type, Map<String, String> data) {
        Map<String, String> m = new LinkedHashMap<>(data);
        m.put("~type", type);
        return m;
    }

    @Test
    void protobufModePublishesCanalPacketsHoldingTheStoredEntries() throws Exception {
        broker.createTopic("proto_topic", 1);
        Workload w = new Workload(5, List.of(TestEntries.table("shop", "user")));
        InMemoryDestination d = new InMemoryDestination("proto");
        List<StoredEntry> entries = List.copyOf(w.transactions(60));
        d.append(entries);
        try (DestinationPublisher p = publisher(d, settings("canal.mq.topic", "proto_topic", "canal.mq.flatMessage", "false"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> d.ackedEntries() == d.size());
        }
        List<byte[]> got = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : consume(Set.of("proto_topic"), 1)) {
            CanalPacket.Packet packet = CanalPacket.Packet.parseFrom(r.value());
            assertThat(packet.getType()).isEqualTo(CanalPacket.PacketType.MESSAGES);
            CanalPacket.Messages messages = CanalPacket.Messages.parseFrom(packet.getBody());
            assertThat(messages.getBatchId()).isPositive();
            messages.getMessagesList().forEach(b -> got.add(b.toByteArray()));
        }
        assertThat(got).hasSameSizeAs(entries);
        for (int i = 0; i < entries.size(); i++) {
            assertThat(Arrays.equals(got.get(i), entries.get(i).bytes())).as("entry %d", i).isTrue();
        }
        assertThat(CanalEntry.Entry.parseFrom(got.get(0)).getEntryType()).isEqualTo(CanalEntry.EntryType.TRANSACTIONBEGIN);
    }

    @Test
    void anOversizeRowStopsPublishingWithNothingAfterItAcked() throws Exception {
        broker.createTopic("big_topic", 1);
        TestEntries e = new TestEntries();
        TestEntries.Table t = TestEntries.table("shop", "doc");
        InMemoryDestination d = new InMemoryDestination("big");
        d.append(List.of(e.begin(), e.insert(t, List.of(TestEntries.row("id", 1, "name", "a", "score", "1.00", "note", "s"))),
                e.end()));
        d.append(List.of(e.begin(), e.insert(t, List.of(TestEntries.row("id", 2, "name", "b", "score", "1.00",
                "note", "x".repeat(20_000)))), e.end()));
        d.append(List.of(e.begin(), e.insert(t, List.of(TestEntries.row("id", 3, "name", "c", "score", "1.00", "note", "s"))),
                e.end()));
        try (DestinationPublisher p = publisher(d, settings("canal.mq.topic", "big_topic", "canal.mq.canalBatchSize", "3",
                "sluice.mq.max.message.bytes", "10000"))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> p.state() == DestinationPublisher.State.STOPPED_ON_OVERSIZE_ROW);
            assertThat(d.ackedEntries()).isEqualTo(3);
        }
        List<Seen> seen = rows(consume(Set.of("big_topic"), 1));
        assertThat(seen).extracting(s -> s.data().get("id")).containsExactly("1");
    }
}
