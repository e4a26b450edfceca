package io.sluice.server.mq;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.testkit.KafkaBroker;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.common.TimestampFormat;
import org.apache.flink.formats.json.debezium.DebeziumJsonDeserializationSchema;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.types.RowKind;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Flink's own {@code debezium-json} deserializer (flink-json 1.20) reading every message Sluice published in
 * Debezium's format to a real Kafka broker, from a real MariaDB workload (inserts, updates with key changes, deletes,
 * an ALTER, a TRUNCATE), schema-less and with schemas: the table Flink builds equals the source table, each value
 * in the RowData type Debezium's MySQL mapping gives it (DATE as epoch days, DATETIME(6) as epoch microseconds,
 * DECIMAL as string, binary as bytes, byte for byte). Keys are the primary key; a tombstone follows every delete.
 * Kafka Connect's own JsonConverter (what Connect sinks run) reads the with-schema variant, Debezium's default
 * precise DECIMAL included, into the same rows.
 */
@ExtendWith(TestDatabaseExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FlinkDebeziumJsonIT {

    /** Debezium's types as Flink reads them: io.debezium.time.MicroTimestamp is BIGINT, io.debezium.time.Date INT. */
    static final DataType ROW = DataTypes.ROW(
            DataTypes.FIELD("id", DataTypes.INT().notNull()),
            DataTypes.FIELD("name", DataTypes.STRING()),
            DataTypes.FIELD("price", DataTypes.DECIMAL(10, 2)),
            DataTypes.FIELD("code", DataTypes.BYTES()),
            DataTypes.FIELD("raw", DataTypes.BYTES()),
            DataTypes.FIELD("doc", DataTypes.BYTES()),
            DataTypes.FIELD("made", DataTypes.BIGINT()),
            DataTypes.FIELD("born", DataTypes.INT()),
            DataTypes.FIELD("note", DataTypes.STRING()));

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void flinkDebeziumJsonReadsEveryMessageIntoTheSourceTablesValues(TestDatabase db) throws Exception {
        FormatWorkload workload = FormatWorkload.run(db);
        try (KafkaBroker broker = KafkaBroker.start(Map.of())) {
            for (boolean schemas : new boolean[] {false, true}) {
                String prefix = schemas ? "dbzs" : "dbz";
                String topic = prefix + ".fshop.item";
                broker.createTopic(topic, 3);
                Properties p = FlinkCanalJsonIT.properties(broker, "unused");
                p.setProperty("sluice.mq.format", "debezium");
                p.setProperty("sluice.mq.debezium.topic.prefix", prefix);
                p.setProperty("sluice.mq.debezium.schemas.enable", String.valueOf(schemas));
                p.setProperty("sluice.mq.debezium.decimal.handling.mode", "string");
                p.setProperty("canal.mq.partitionsNum", "3");
                p.setProperty("canal.mq.partitionHash", "fshop\\..*:$pk$");
                p.setProperty("sluice.mq.ddl", "ddl-topic");
                p.setProperty("sluice.mq.ddl.topic", prefix + "-schema-changes");
                FlinkCanalJsonIT.publish(workload, p);

                DebeziumJsonDeserializationSchema flink = new DebeziumJsonDeserializationSchema(ROW, List.of(),
                        TypeInformation.of(RowData.class), schemas, false, TimestampFormat.ISO_8601);
                flink.open(FlinkCanalJsonIT.initContext());
                Map<Integer, RowData> table = new LinkedHashMap<>();
                List<RowKind> kinds = new ArrayList<>();
                Map<String, Integer> ops = new HashMap<>();
                FormatExamples examples = new FormatExamples();
                List<ConsumerRecord<byte[], byte[]>> records = KafkaFromBinlogIT.consumeAll(broker, topic, 3);
                records.sort(java.util.Comparator.comparing((ConsumerRecord<byte[], byte[]> r) -> r.partition())
                        .thenComparing(ConsumerRecord::offset));
                // per key, Flink must see the events of that key in order: they share a partition
                Map<String, Integer> partitionOfKey = new HashMap<>();
                String lastDeletedKey = null;
                for (ConsumerRecord<byte[], byte[]> rec : records) {
                    JsonNode key = JSON.readTree(rec.key());
                    JsonNode keyPayload = schemas ? key.get("payload") : key;
                    assertThat(keyPayload.fieldNames()).toIterable().containsExactly("id");
                    Integer seen = partitionOfKey.putIfAbsent(keyPayload.toString(), rec.partition());
                    assertThat(seen == null || seen == rec.partition()).as("key %s in one partition", keyPayload).isTrue();
                    if (rec.value() == null) {
                        assertThat(keyPayload.toString()).as("tombstone right after its delete").isEqualTo(lastDeletedKey);
                        ops.merge("tombstone", 1, Integer::sum);
                        examples.offer("tombstone", rec.key(), null);
                        lastDeletedKey = null;
                        continue;
                    }
                    JsonNode value = JSON.readTree(rec.value());
                    JsonNode payload = schemas ? value.get("payload") : value;
                    String op = payload.get("op").asText();
                    ops.merge(op, 1, Integer::sum);
                    examples.offer("op " + op, rec.key(), rec.value());
                    assertThat(payload.get("source").get("db").asText()).isEqualTo("fshop");
                    assertThat(payload.get("source").get("table").asText()).isEqualTo("item");
                    if (schemas) {
                        assertThat(value.get("schema").get("name").asText()).isEqualTo(prefix + ".fshop.item.Envelope");
                        assertThat(key.get("schema").get("name").asText()).isEqualTo(prefix + ".fshop.item.Key");
                    }
                    lastDeletedKey = op.equals("d") ? keyPayload.toString() : null;
                    flink.deserialize(rec.value(), FlinkCanalJsonIT.collector(row -> {
                        kinds.add(row.getRowKind());
                        switch (row.getRowKind()) {
                            case INSERT, UPDATE_AFTER -> table.put(row.getInt(0), row);
                            case UPDATE_BEFORE, DELETE -> assertThat(table.remove(row.getInt(0)))
                                    .as("row %s before %s", row.getInt(0), row.getRowKind()).isNotNull();
                        }
                    }));
                }
                examples.write(schemas ? "debezium-json-with-schema" : "debezium-json");
                assertThat(ops).containsKeys("c", "u", "d", "tombstone");
                assertThat(ops.get("tombstone")).isEqualTo(ops.get("d"));
                assertThat(kinds).contains(RowKind.INSERT, RowKind.UPDATE_BEFORE, RowKind.UPDATE_AFTER, RowKind.DELETE);
                // Debezium's MySQL connector skips TRUNCATE by default, and so does Sluice: Flink keeps the earlier rows
                Map<String, Map<String, String>> expected = new LinkedHashMap<>(workload.beforeTruncate());
                expected.putAll(workload.afterTruncate());
                assertThat(asSelected(table)).isEqualTo(expected);

                List<JsonNode> ddl = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> rec : KafkaFromBinlogIT.consumeAll(broker, prefix + "-schema-changes", 1)) {
                    ddl.add(JSON.readTree(rec.value()));
                    examples.offer("schema change", rec.key(), rec.value());
                }
                examples.write(schemas ? "debezium-json-with-schema" : "debezium-json");
                assertThat(ddl).extracting(n -> n.get("ddl").asText())
                        .anySatisfy(sql -> assertThat(sql).startsWith("ALTER TABLE fshop.item"))
                        .anySatisfy(sql -> assertThat(sql).startsWith("TRUNCATE TABLE fshop.item"));
            }
        }
    }

    @Test
    void kafkaConnectsJsonConverterReadsTheWithSchemaVariantWithPreciseDecimals(TestDatabase db) throws Exception {
        FormatWorkload workload = FormatWorkload.run(db);
        try (KafkaBroker broker = KafkaBroker.start(Map.of())) {
            broker.createTopic("connect.fshop.item", 1);
            Properties p = FlinkCanalJsonIT.properties(broker, "unused");
            p.setProperty("sluice.mq.format", "debezium");
            p.setProperty("sluice.mq.debezium.topic.prefix", "connect");
            p.setProperty("sluice.mq.debezium.schemas.enable", "true");
            FlinkCanalJsonIT.publish(workload, p);

            JsonConverter keys = new JsonConverter();
            keys.configure(Map.of("schemas.enable", "true"), true);
            JsonConverter values = new JsonConverter();
            values.configure(Map.of("schemas.enable", "true"), false);
            Map<String, Map<String, String>> table = new LinkedHashMap<>();
            int tombstones = 0;
            for (ConsumerRecord<byte[], byte[]> rec : KafkaFromBinlogIT.consumeAll(broker, "connect.fshop.item", 1)) {
                Struct key = (Struct) keys.toConnectData(rec.topic(), rec.key()).value();
                assertThat(key.schema().name()).isEqualTo("connect.fshop.item.Key");
                SchemaAndValue value = values.toConnectData(rec.topic(), rec.value());
                if (value.value() == null) {
                    tombstones++;
                    continue;
                }
                Struct envelope = (Struct) value.value();
                assertThat(envelope.schema().name()).isEqualTo("connect.fshop.item.Envelope");
                assertThat(envelope.getStruct("source").getString("connector")).isEqualTo("mysql");
                Struct after = envelope.getStruct("after");
                switch (envelope.getString("op")) {
                    case "c", "u", "r" -> table.put(String.valueOf(after.getInt32("id")), connectRow(after));
                    case "d" -> assertThat(table.remove(String.valueOf(envelope.getStruct("before").getInt32("id"))))
                            .isNotNull();
                    default -> throw new AssertionError("op " + envelope.getString("op"));
                }
                assertThat(key.getInt32("id")).isEqualTo(
                        (after != null ? after : envelope.getStruct("before")).getInt32("id"));
            }
            assertThat(tombstones).isPositive();
            Map<String, Map<String, String>> expected = new LinkedHashMap<>(workload.beforeTruncate());
            expected.putAll(workload.afterTruncate());
            assertThat(table).isEqualTo(expected);
        }
    }

    /** A Connect struct (DECIMAL as Connect's Decimal, a BigDecimal) rendered as {@link FormatWorkload#SELECT} does. */
    private static Map<String, String> connectRow(Struct s) {
        Map<String, String> m = new HashMap<>();
        m.put("id", String.valueOf(s.getInt32("id")));
        m.put("name", s.getString("name"));
        m.put("price", s.get("price") == null ? null : ((java.math.BigDecimal) s.get("price")).toPlainString());
        m.put("code", FormatWorkload.hex(s.getBytes("code")));
        m.put("raw", FormatWorkload.hex(s.getBytes("raw")));
        m.put("doc", FormatWorkload.hex(s.getBytes("doc")));
        m.put("made", s.getInt64("made") == null ? null : LocalDateTime.of(1970, 1, 1, 0, 0)
                .plus(s.getInt64("made"), ChronoUnit.MICROS).format(FlinkCanalJsonIT.MADE));
        m.put("born", s.getInt32("born") == null ? null : LocalDate.ofEpochDay(s.getInt32("born")).toString());
        m.put("note", s.schema().field("note") == null ? null : s.getString("note"));
        return m;
    }

    @Test
    void snapshotRowsAreReadEventsAndTruncateIsAnOpTEventWhenAskedFor(TestDatabase db) throws Exception {
        FormatWorkload workload = FormatWorkload.run(db);
        Properties p = new Properties();
        p.setProperty("sluice.mq.format", "debezium");
        p.setProperty("sluice.mq.debezium.truncate", "true");
        p.setProperty("canal.serverMode", "kafka");
        p.setProperty("kafka.bootstrap.servers", "127.0.0.1:1");
        p.setProperty("canal.mq.topic", "t");
        DebeziumConverter converter = new DebeziumConverter(MqPublishSettings.fromProperties(p).format());
        List<String> ops = new ArrayList<>();
        for (StoredEntry stored : workload.entries()) {
            CanalEntry.Entry entry = CanalEntry.Entry.parseFrom(stored.bytes());
            if (entry.getEntryType() != CanalEntry.EntryType.ROWDATA) {
                continue;
            }
            CanalEntry.RowChange rc = CanalEntry.RowChange.parseFrom(entry.getStoreValue());
            if (rc.getEventType() == CanalEntry.EventType.INSERT && ops.isEmpty()) {
                // the same row as a snapshot chunk carries it (docs/snapshots.md): header property snapshot=true
                CanalEntry.Entry snapshot = entry.toBuilder().setHeader(entry.getHeader().toBuilder()
                        .addProps(CanalEntry.Pair.newBuilder().setKey("snapshot").setValue("true"))).build();
                JsonNode r = JSON.readTree(converter.convert(snapshot, rc, 0).get(0).value());
                assertThat(r.get("op").asText()).isEqualTo("r");
                assertThat(r.get("source").get("snapshot").asText()).isEqualTo("true");
            }
            for (DebeziumConverter.Event e : converter.convert(entry, rc, 0)) {
                ops.add(e.value() == null ? "tombstone" : JSON.readTree(e.value()).get("op").asText());
            }
        }
        assertThat(ops).containsOnlyOnce("t").startsWith("c");
    }

    /** The Flink table's rows rendered as {@link FormatWorkload#SELECT} renders the source's. */
    private static Map<String, Map<String, String>> asSelected(Map<Integer, RowData> table) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        table.forEach((id, row) -> {
            Map<String, String> m = new HashMap<>();
            m.put("id", String.valueOf(row.getInt(0)));
            m.put("name", row.isNullAt(1) ? null : row.getString(1).toString());
            m.put("price", row.isNullAt(2) ? null : row.getDecimal(2, 10, 2).toBigDecimal().toPlainString());
            m.put("code", row.isNullAt(3) ? null : FormatWorkload.hex(row.getBinary(3)));
            m.put("raw", row.isNullAt(4) ? null : FormatWorkload.hex(row.getBinary(4)));
            m.put("doc", row.isNullAt(5) ? null : FormatWorkload.hex(row.getBinary(5)));
            m.put("made", row.isNullAt(6) ? null : LocalDateTime.of(1970, 1, 1, 0, 0)
                    .plus(row.getLong(6), ChronoUnit.MICROS).format(FlinkCanalJsonIT.MADE));
            m.put("born", row.isNullAt(7) ? null : LocalDate.ofEpochDay(row.getInt(7)).toString());
            m.put("note", row.isNullAt(8) ? null : row.getString(8).toString());
            out.put(m.get("id"), m);
        });
        return out;
    }
}
