package io.sluice.server.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.protocol.flat.FlatMessage;
import io.sluice.protocol.flat.FlatMessageCodec;
import io.sluice.server.entry.EntryEncoder;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.parser.BinlogFileParser;
import io.sluice.server.parser.schema.MemorySchemaHistoryStore;
import io.sluice.server.parser.schema.SchemaHistory;
import io.sluice.server.parser.value.ValueOptions;
import io.sluice.server.sink.TableFilter;
import io.sluice.testkit.KafkaBroker;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * FlatMessages of a real workload: statements run on the private MariaDB, its binlog decoded by Sluice's parser,
 * published to a real Kafka broker, read back with a plain consumer and checked against the source tables: each
 * key's last image equals its row (or the row is gone after a DELETE), each UPDATE's {@code old} holds the
 * previous values of every column that changed, key partitions follow canal's hash, DDL arrives as DDL.
 */
@ExtendWith(TestDatabaseExtension.class)
class KafkaFromBinlogIT {

    @Test
    void flatMessagesOfARealWorkloadMatchTheSourceTables(TestDatabase db) throws Exception {
        db.execute("FLUSH BINARY LOGS");
        String firstFile = db.masterStatus().file();
        db.execute("DROP DATABASE IF EXISTS kshop", "CREATE DATABASE kshop",
                "CREATE TABLE kshop.product (id int unsigned PRIMARY KEY, name varchar(40) NOT NULL, price decimal(10,2),"
                        + " size enum('s','m','l'), made datetime(6), stock int NULL)");
        Random r = new Random(7);
        List<Long> ids = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (int i = 0; i < 300; i++) {
                int op = ids.size() < 5 ? 0 : r.nextInt(6);
                if (op <= 1) {
                    long id = 3_000_000_000L + i; // above 2^31: UNSIGNED must not come out negative
                    ids.add(id);
                    s.execute("INSERT INTO kshop.product (id, name, price, size, made, stock) VALUES (" + id + ",'p" + id + " é'," + r.nextInt(9999) + ".5"
                            + ",'" + "sml".charAt(r.nextInt(3)) + "','2024-0" + (1 + r.nextInt(9)) + "-1" + r.nextInt(10)
                            + " 10:11:12." + String.format("%06d", r.nextInt(999_999)) + "',"
                            + (r.nextBoolean() ? "NULL" : String.valueOf(r.nextInt(50))) + ")");
                } else if (op <= 3) {
                    s.execute("UPDATE kshop.product SET stock = " + (r.nextBoolean() ? "NULL" : String.valueOf(r.nextInt(50)))
                            + (r.nextBoolean() ? ", size = 'l'" : "") + " WHERE id = " + ids.get(r.nextInt(ids.size())));
                } else if (op == 4) {
                    s.execute("UPDATE kshop.product SET price = price + 1 WHERE id % 5 = " + r.nextInt(5));
                } else {
                    s.execute("DELETE FROM kshop.product WHERE id = " + ids.remove(r.nextInt(ids.size())));
                }
                if (i == 150) {
                    s.execute("ALTER TABLE kshop.product ADD COLUMN tag VARCHAR(10) NULL DEFAULT 'x'");
                    // the ALTER writes no row events; touch every row so each key's last image has the new column
                    s.execute("UPDATE kshop.product SET tag = 'y'");
                }
            }
        }
        db.execute("FLUSH BINARY LOGS");
        List<StoredEntry> entries = decode(db, firstFile);

        FlatMessageCodec codec = new FlatMessageCodec();
        try (KafkaBroker broker = KafkaBroker.start(Map.of())) {
            broker.createTopic("kshop", 3);
            Properties p = new Properties();
            p.setProperty("canal.serverMode", "kafka");
            p.setProperty("kafka.bootstrap.servers", broker.bootstrap());
            p.setProperty("canal.mq.topic", "kshop");
            p.setProperty("canal.mq.partitionsNum", "3");
            p.setProperty("canal.mq.partitionHash", "kshop\\..*:$pk$");
            InMemoryDestination d = new InMemoryDestination("kshop");
            d.append(entries);
            MqPublishSettings settings = MqPublishSettings.fromProperties(p);
            try (DestinationPublisher publisher = new DestinationPublisher(d, settings, MqProducer.create(settings)).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> d.ackedEntries() == d.size());
            }

            Map<String, Map<String, String>> lastImage = new HashMap<>();
            Map<String, Integer> partitionOf = new HashMap<>();
            List<FlatMessage> ddl = new ArrayList<>();
            int updates = 0;
            for (ConsumerRecord<byte[], byte[]> rec : consumeAll(broker, "kshop", 3)) {
                FlatMessage m = codec.decode(rec.value());
                if (m.isDdl()) {
                    assertThat(rec.partition()).isZero();
                    ddl.add(m);
                    continue;
                }
                if (!m.database().equals("kshop")) {
                    continue;
                }
                assertThat(m.pkNames()).containsExactly("id");
                // the master's COLUMN_TYPE (MariaDB prints display widths), not the DDL's "int unsigned"
                assertThat(m.mysqlType()).containsEntry("id", "int(10) unsigned").containsEntry("price", "decimal(10,2)")
                        .containsEntry("size", "enum('s','m','l')").containsEntry("made", "datetime(6)");
                // canal bumps an UNSIGNED INT whose high bit is set to BIGINT (-5): every id here is above 2^31
                assertThat(m.sqlType()).containsEntry("id", -5).containsEntry("price", 3).containsEntry("made", 93);
                assertThat(m.es() % 1000).isZero();
                for (int i = 0; i < m.data().size(); i++) {
                    Map<String, String> row = m.data().get(i);
                    String id = row.get("id");
                    assertThat(rec.partition()).isEqualTo(Math.abs(Math.abs("kshop".hashCode() ^ id.hashCode()) % 3));
                    Integer before = partitionOf.put(id, rec.partition());
                    assertThat(before == null || before == rec.partition()).isTrue();
                    if (m.type().equals("UPDATE")) {
                        updates++;
                        Map<String, String> previous = lastImage.get(id);
                        Map<String, String> old = m.old().get(i);
                        for (String column : row.keySet()) {
                            if (previous.containsKey(column) && !Objects.equals(previous.get(column), row.get(column))) {
                                assertThat(old).as("old of %s names changed column %s", id, column).containsKey(column);
                            }
                        }
                        // a column added by ALTER since the previous image has its default in "old"
                        old.forEach((column, value) -> assertThat(value).as("old %s.%s", id, column)
                                .isEqualTo(previous.containsKey(column) ? previous.get(column) : "x"));
                    }
                    if (m.type().equals("DELETE")) {
                        lastImage.remove(id);
                    } else {
                        lastImage.put(id, row);
                    }
                }
            }
            assertThat(updates).isGreaterThan(50);
            assertThat(ddl).extracting(FlatMessage::type).contains("CREATE", "ALTER");
            assertThat(ddl).filteredOn(m -> m.type().equals("ALTER")).extracting(FlatMessage::sql)
                    .anySatisfy(sql -> assertThat(sql).contains("ADD COLUMN tag"));

            Map<String, Map<String, String>> table = new HashMap<>();
            for (Map<String, String> row : db.query("SELECT * FROM kshop.product")) {
                table.put(row.get("id"), row);
            }
            assertThat(lastImage).isEqualTo(table);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> consumeAll(KafkaBroker broker, String topic, int partitions) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                tps.add(new TopicPartition(topic, i));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    static List<StoredEntry> decode(TestDatabase db, String firstFile) throws Exception {
        Path base = Path.of(db.query("SELECT @@log_bin_basename AS b").get(0).get("b"));
        String current = db.masterStatus().file();
        List<String> files = db.query("SHOW BINARY LOGS").stream().map(m -> m.get("Log_name"))
                .filter(f -> f.compareTo(firstFile) >= 0 && f.compareTo(current) < 0).sorted().toList();
        List<ParsedEntry> parsed = new ArrayList<>();
        BinlogFileParser parser = new BinlogFileParser(new ValueOptions(false, ZoneOffset.UTC, StandardCharsets.UTF_8),
                false, new SchemaHistory(new MemorySchemaHistoryStore()), TableFilter.ALL, parsed::addAll, files.get(0));
        for (String f : files) {
            parser.parse(base.resolveSibling(f));
        }
        return parsed.stream().map(EntryEncoder::encode).toList();
    }
}
