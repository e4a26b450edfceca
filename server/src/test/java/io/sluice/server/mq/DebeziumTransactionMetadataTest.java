package io.sluice.server.mq;

import static io.sluice.server.mq.MqPublishSettingsTest.props;
import static io.sluice.server.mq.TestEntries.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.instance.Batch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

class DebeziumTransactionMetadataTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestEntries e = new TestEntries();
    private final TestEntries.Table user = TestEntries.table("shop", "user");
    private final TestEntries.Table order = TestEntries.table("shop", "order");
    private final AtomicLong clock = new AtomicLong(1_000_000);

    private MessageBuilder builder(String... kv) {
        List<String> all = new ArrayList<>(List.of("sluice.mq.format", "debezium", "sluice.mq.debezium.topic.prefix", "dbz"));
        all.addAll(List.of(kv));
        return new MessageBuilder(MqPublishSettings.fromProperties(props(all.toArray(String[]::new))), clock::get);
    }

    private static JsonNode json(byte[] bytes) throws Exception {
        return JSON.readTree(bytes);
    }

    private static List<MqMessage> onTopic(List<MqMessage> messages, String topic) {
        return messages.stream().filter(m -> m.topic().equals(topic)).toList();
    }

    @Test
    void aTransactionSpanningBatchesHasBeginEndAndOrderedBlocksEvenWhenABatchIsBuiltAgain() throws Exception {
        MessageBuilder b = builder("sluice.mq.debezium.provide.transaction.metadata", "true");
        long beginTime = e.executeTimeMillis();
        StoredEntry begin = e.begin();
        StoredEntry insert = e.insert(user, List.of(row("id", 1, "name", "a"), row("id", 2, "name", "b")));
        StoredEntry keyChange = e.update(user, List.of(row("id", 2, "name", "b")), List.of(row("id", 3, "name", "b")));
        StoredEntry other = e.insert(order, List.of(row("id", 9, "name", "o")));
        StoredEntry end = e.end();

        List<MqMessage> first = b.build(new Batch(1, List.of(begin, insert)));
        List<MqMessage> second = b.build(new Batch(2, List.of(keyChange, other, end)));
        // the second batch was not confirmed: the publisher rolls back and builds it again
        List<MqMessage> again = b.build(new Batch(3, List.of(keyChange, other, end)));

        assertThat(onTopic(first, "dbz.transaction")).hasSize(1);
        JsonNode beginValue = json(onTopic(first, "dbz.transaction").get(0).payload());
        String id = "mysql-bin.000001:" + 4;
        assertThat(beginValue.get("status").asText()).isEqualTo("BEGIN");
        assertThat(beginValue.get("id").asText()).isEqualTo(id);
        assertThat(beginValue.get("event_count").isNull()).isTrue();
        assertThat(beginValue.get("ts_ms").asLong()).isEqualTo(beginTime); // the master's time
        assertThat(json(onTopic(first, "dbz.transaction").get(0).key()).get("id").asText()).isEqualTo(id);

        List<JsonNode> blocks = new ArrayList<>();
        for (MqMessage m : onTopic(first, "dbz.shop.user")) {
            blocks.add(json(m.payload()).get("transaction"));
        }
        for (MqMessage m : second) {
            if (!m.topic().equals("dbz.transaction") && m.payload() != null) {
                blocks.add(json(m.payload()).get("transaction"));
            }
        }
        // two inserts, the key change as d + c (the tombstone carries no block), one insert into another table
        assertThat(blocks).extracting(n -> n.get("total_order").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(blocks).extracting(n -> n.get("data_collection_order").asLong()).containsExactly(1L, 2L, 3L, 4L, 1L);
        assertThat(blocks).extracting(n -> n.get("id").asText()).containsOnly(id);

        JsonNode endValue = json(onTopic(second, "dbz.transaction").get(0).payload());
        assertThat(endValue.get("status").asText()).isEqualTo("END");
        assertThat(endValue.get("event_count").asLong()).isEqualTo(5);
        assertThat(endValue.get("data_collections").toString()).isEqualTo(
                "[{\"data_collection\":\"shop.user\",\"event_count\":4},{\"data_collection\":\"shop.order\",\"event_count\":1}]");
        assertThat(again).extracting(m -> m.payload() == null ? "tombstone" : new String(m.payload()))
                .isEqualTo(second.stream().map(m -> m.payload() == null ? "tombstone" : new String(m.payload())).toList());
    }

    @Test
    void withoutTheOptionThereIsNoTransactionTopicNorBlock() throws Exception {
        List<MqMessage> out = builder().build(new Batch(1, List.of(e.begin(),
                e.insert(user, List.of(row("id", 1, "name", "a"))), e.end())));
        assertThat(out).extracting(MqMessage::topic).containsExactly("dbz.shop.user");
        assertThat(json(out.get(0).payload()).has("transaction")).isFalse();
    }

    @Test
    void theWithSchemaVariantIsReadByKafkaConnectsJsonConverter() {
        MessageBuilder b = builder("sluice.mq.debezium.provide.transaction.metadata", "true",
                "sluice.mq.debezium.schemas.enable", "true", "sluice.mq.debezium.transaction.topic", "tx");
        List<MqMessage> out = b.build(new Batch(1, List.of(e.begin(),
                e.insert(user, List.of(row("id", 1, "name", "a"))), e.end())));
        JsonConverter values = new JsonConverter();
        values.configure(Map.of("schemas.enable", "true"), false);
        Struct end = (Struct) values.toConnectData("tx", onTopic(out, "tx").get(1).payload()).value();
        assertThat(end.schema().name()).isEqualTo("io.debezium.connector.common.TransactionMetadataValue");
        assertThat(end.getInt64("event_count")).isEqualTo(1L);
        assertThat(((Struct) end.getArray("data_collections").get(0)).getString("data_collection")).isEqualTo("shop.user");
        Struct event = (Struct) values.toConnectData("dbz.shop.user", onTopic(out, "dbz.shop.user").get(0).payload()).value();
        assertThat(event.getStruct("transaction").getInt64("total_order")).isEqualTo(1L);
        assertThat(event.getStruct("transaction").getString("id")).isEqualTo(end.getString("id"));
    }

    @Test
    void heartbeatsGoToDebeziumsTopicAtMostOncePerInterval() throws Exception {
        MessageBuilder b = builder("sluice.mq.debezium.heartbeat.interval.ms", "5000");
        List<MqMessage> out = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            out.addAll(b.build(new Batch(i, List.of(e.insert(user, List.of(row("id", i, "name", "a")))))));
            clock.addAndGet(2000); // batches at 0, 2, 4, 6 s: heartbeats at 0 and 6 s
        }
        List<MqMessage> heartbeats = onTopic(out, "__debezium-heartbeat.dbz");
        assertThat(heartbeats).hasSize(2);
        assertThat(json(heartbeats.get(0).key()).get("serverName").asText()).isEqualTo("dbz");
        assertThat(json(heartbeats.get(1).payload()).get("ts_ms").asLong()).isEqualTo(1_006_000L);
        assertThat(onTopic(builder().build(new Batch(9, List.of(e.insert(user, List.of(row("id", 9, "name", "a")))))),
                "__debezium-heartbeat.dbz")).isEmpty();
    }
}
