package io.sluice.server.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.protocol.flat.FlatMessage;
import io.sluice.protocol.flat.FlatMessageCodec;
import io.sluice.testkit.KafkaBroker;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.common.TimestampFormat;
import org.apache.flink.formats.json.canal.CanalJsonDeserializationSchema;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Flink's own {@code canal-json} deserializer (flink-json 1.20) reading what Sluice published to a real Kafka broker
 * from a real MariaDB workload. With Sluice's Flink-safe settings ({@code sluice.mq.ddl = ddl-topic},
 * {@code sluice.mq.binary.encoding = base64}) it reads every message of the table topic, and the table it builds
 * equals the source table, binary columns byte for byte. With canal's defaults it fails the job, as it does on canal's
 * own output: at the first row with a binary value, and with Base64 alone at the ALTER. Those failures are the
 * reason for the options.
 */
@ExtendWith(TestDatabaseExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FlinkCanalJsonIT {

    static final java.time.format.DateTimeFormatter MADE =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    static final DataType ROW = DataTypes.ROW(
            DataTypes.FIELD("id", DataTypes.INT().notNull()),
            DataTypes.FIELD("name", DataTypes.STRING()),
            DataTypes.FIELD("price", DataTypes.DECIMAL(10, 2)),
            DataTypes.FIELD("code", DataTypes.BYTES()),
            DataTypes.FIELD("raw", DataTypes.BYTES()),
            DataTypes.FIELD("doc", DataTypes.BYTES()),
            DataTypes.FIELD("made", DataTypes.TIMESTAMP(6)),
            DataTypes.FIELD("born", DataTypes.DATE()),
            DataTypes.FIELD("note", DataTypes.STRING()));

    @Test
    void flinkCanalJsonReadsTheWholeWorkloadWithFlinkSafeSettingsAndFailsOnAlterWithCanalDefaults(TestDatabase db)
            throws Exception {
        FormatWorkload workload = FormatWorkload.run(db);
        try (KafkaBroker broker = KafkaBroker.start(Map.of())) {
            broker.createTopic("fshop", 1);
            broker.createTopic("fshop_ddl", 1);
            broker.createTopic("fshop_canal", 1);
            broker.createTopic("fshop_inline_ddl", 1);
            Properties safe = properties(broker, "fshop");
            safe.setProperty("sluice.mq.ddl", "ddl-topic");
            safe.setProperty("sluice.mq.ddl.topic", "fshop_ddl");
            safe.setProperty("sluice.mq.binary.encoding", "base64");
            publish(workload, safe);
            publish(workload, properties(broker, "fshop_canal"));
            Properties base64Only = properties(broker, "fshop_inline_ddl");
            base64Only.setProperty("sluice.mq.binary.encoding", "base64");
            publish(workload, base64Only);

            // Flink-safe: every message of the table topic is read, none fails the job
            CanalJsonDeserializationSchema flink = canalJson();
            Map<Integer, RowData> table = new LinkedHashMap<>();
            List<RowKind> kinds = new ArrayList<>();
            FormatExamples examples = new FormatExamples();
            for (ConsumerRecord<byte[], byte[]> rec : KafkaFromBinlogIT.consumeAll(broker, "fshop", 1)) {
                examples.offer(new FlatMessageCodec().decode(rec.value()).type(), rec.key(), rec.value());
                flink.deserialize(rec.value(), collector(row -> {
                    kinds.add(row.getRowKind());
                    switch (row.getRowKind()) {
                        case INSERT, UPDATE_AFTER -> table.put(row.getInt(0), row);
                        case UPDATE_BEFORE, DELETE -> assertThat(table.remove(row.getInt(0)))
                                .as("row %s before %s", row.getInt(0), row.getRowKind()).isNotNull();
                    }
                }));
            }
            assertThat(kinds).contains(RowKind.INSERT, RowKind.UPDATE_BEFORE, RowKind.UPDATE_AFTER, RowKind.DELETE);
            // a TRUNCATE writes no row events: the Flink table keeps the rows it had, plus the inserts after it
            Map<String, Map<String, String>> expected = new LinkedHashMap<>(workload.beforeTruncate());
            expected.putAll(workload.afterTruncate());
            assertThat(asSelected(table)).isEqualTo(expected);

            // the statements went to the DDL topic, in commit order, as canal's FlatMessage
            FlatMessageCodec codec = new FlatMessageCodec();
            List<FlatMessage> ddl = KafkaFromBinlogIT.consumeAll(broker, "fshop_ddl", 1).stream()
                    .peek(rec -> examples.offer("DDL topic " + codec.decode(rec.value()).type(), rec.key(), rec.value()))
                    .map(rec -> codec.decode(rec.value())).filter(m -> "fshop".equals(m.database())).toList();
            examples.write("canal-json-flink-safe");
            // DROP/CREATE DATABASE are canal's QUERY type: Flink's canal-json would fail on those too
            assertThat(ddl).extracting(FlatMessage::type).containsSubsequence("QUERY", "CREATE", "ALTER", "TRUNCATE");
            assertThat(ddl).filteredOn(m -> m.type().equals("ALTER") || m.type().equals("TRUNCATE"))
                    .hasSize(2).allMatch(FlatMessage::isDdl);

            // canal's defaults: Flink's canal-json takes canal's ISO-8859-1 text of a binary column for Base64
            // and fails the job at the first row that has one
            assertThat(firstFailure(broker, "fshop_canal")).hasMessageContaining("Corrupt Canal JSON message")
                    .hasMessageContaining("\"type\":\"INSERT\"");
            // with binary values in Base64 but DDL left in the table topic, it fails the job on the ALTER
            assertThat(firstFailure(broker, "fshop_inline_ddl")).hasMessageContaining("\"type\":\"ALTER\"")
                    .hasStackTraceContaining("Unknown \"type\" value \"ALTER\"");
        }
    }

    private static Throwable firstFailure(KafkaBroker broker, String topic) throws Exception {
        CanalJsonDeserializationSchema flink = canalJson();
        for (ConsumerRecord<byte[], byte[]> rec : KafkaFromBinlogIT.consumeAll(broker, topic, 1)) {
            try {
                flink.deserialize(rec.value(), collector(row -> { }));
            } catch (java.io.IOException e) {
                return e;
            }
        }
        throw new AssertionError("Flink's canal-json read all of " + topic);
    }

    static Properties properties(KafkaBroker broker, String topic) {
        Properties p = new Properties();
        p.setProperty("canal.serverMode", "kafka");
        p.setProperty("kafka.bootstrap.servers", broker.bootstrap());
        p.setProperty("canal.mq.topic", topic);
        return p;
    }

    static void publish(FormatWorkload workload, Properties p) {
        InMemoryDestination d = new InMemoryDestination("fshop");
        d.append(workload.entries());
        MqPublishSettings settings = MqPublishSettings.fromProperties(p);
        try (DestinationPublisher publisher = new DestinationPublisher(d, settings, MqProducer.create(settings)).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> d.ackedEntries() == d.size());
        }
    }

    private static CanalJsonDeserializationSchema canalJson() throws Exception {
        CanalJsonDeserializationSchema schema = CanalJsonDeserializationSchema
                .builder(ROW, List.of(), TypeInformation.of(RowData.class))
                .setDatabase("fshop").setTable("item").setTimestampFormat(TimestampFormat.SQL).build();
        schema.open(initContext());
        return schema;
    }

    static DeserializationSchema.InitializationContext initContext() {
        return new DeserializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return new UnregisteredMetricsGroup();
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return SimpleUserCodeClassLoader.create(FlinkCanalJsonIT.class.getClassLoader());
            }
        };
    }

    static Collector<RowData> collector(java.util.function.Consumer<RowData> sink) {
        return new Collector<>() {
            @Override
            public void collect(RowData record) {
                sink.accept(record);
            }

            @Override
            public void close() {
            }
        };
    }

    /** The Flink table's rows rendered as {@link FormatWorkload#SELECT} renders the source's. */
    static Map<String, Map<String, String>> asSelected(Map<Integer, RowData> table) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        table.forEach((id, row) -> {
            Map<String, String> m = new HashMap<>();
            m.put("id", String.valueOf(row.getInt(0)));
            m.put("name", row.isNullAt(1) ? null : row.getString(1).toString());
            m.put("price", row.isNullAt(2) ? null : row.getDecimal(2, 10, 2).toBigDecimal().toPlainString());
            m.put("code", row.isNullAt(3) ? null : FormatWorkload.hex(row.getBinary(3)));
            m.put("raw", row.isNullAt(4) ? null : FormatWorkload.hex(row.getBinary(4)));
            m.put("doc", row.isNullAt(5) ? null : FormatWorkload.hex(row.getBinary(5)));
            m.put("made", row.isNullAt(6) ? null : row.getTimestamp(6, 6).toLocalDateTime().format(MADE));
            m.put("born", row.isNullAt(7) ? null : java.time.LocalDate.ofEpochDay(row.getInt(7)).toString());
            m.put("note", row.isNullAt(8) ? null : row.getString(8).toString());
            out.put(m.get("id"), m);
        });
        return out;
    }
}
