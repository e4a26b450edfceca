package io.sluice.bench;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.packet.CanalPacket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The MQ consumer of {@code sluice-kafka-protobuf}: the shared bench's {@code KafkaFlatConsumer} (same options,
 * flow, clock, duplicate accounting and {@code RESULT} line) for records that are canal's protobuf
 * {@code Packet{MESSAGES}} ({@code canal.mq.flatMessage = false}) instead of FlatMessage JSON. Each record's entries
 * are parsed as {@code CanalEntry.Entry}; the row images of ROWDATA entries of schema.table are counted per event
 * type, with a bit per primary-key value per type (after image for INSERT/UPDATE, before image for DELETE).
 */
public final class KafkaProtobufConsumer {

    private KafkaProtobufConsumer() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = parseArgs(args);
        String bootstrap = a.getOrDefault("bootstrap", "127.0.0.1:19192");
        String topic = required(a, "topic");
        long expected = Long.parseLong(required(a, "expected"));
        long ei = Long.parseLong(a.getOrDefault("expect-insert", "-1"));
        long eu = Long.parseLong(a.getOrDefault("expect-update", "-1"));
        long ed = Long.parseLong(a.getOrDefault("expect-delete", "-1"));
        String t0File = required(a, "t0-file");
        String label = a.getOrDefault("label", "mq-protobuf");
        boolean create = Boolean.parseBoolean(a.getOrDefault("create-topic", "true"));
        boolean deleteAfter = Boolean.parseBoolean(a.getOrDefault("delete-topic", "true"));
        long deadlineMs = Long.parseLong(a.getOrDefault("deadline-s", "900")) * 1000L;
        long started = System.currentTimeMillis();
        Counter c = new Counter(a.getOrDefault("schema", "bench"), a.getOrDefault("table", "t"), a.getOrDefault("pk", "id"));

        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        if (create) {
            try (Admin admin = Admin.create(ap)) {
                admin.createTopics(Collections.singletonList(new NewTopic(topic, 1, (short) 1))).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cp.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-mq-protobuf-consumer");

        long firstRowAt = -1, lastRowAt = -1, rowsAtDone = -1, records = 0, polls = 0, emptyPolls = 0, bytes = 0;
        boolean timedOut = false;
        List<TopicPartition> tps = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp)) {
            while (tps.isEmpty()) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
                if (infos != null) {
                    infos.forEach(pi -> tps.add(new TopicPartition(topic, pi.partition())));
                }
                if (tps.isEmpty()) {
                    if (System.currentTimeMillis() - started > deadlineMs) {
                        throw new IllegalStateException("topic " + topic + " has no partitions");
                    }
                    Thread.sleep(100);
                }
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            System.out.println("MQ_CONSUMER_READY topic=" + topic + " partitions=" + tps.size() + " bootstrap=" + bootstrap);
            System.out.flush();
            while (!c.complete(ei, eu, ed, expected)) {
                if (System.currentTimeMillis() - started > deadlineMs) {
                    timedOut = true;
                    break;
                }
                ConsumerRecords<byte[], byte[]> recs = consumer.poll(Duration.ofMillis(100));
                polls++;
                if (recs.isEmpty()) {
                    emptyPolls++;
                    continue;
                }
                long now = System.currentTimeMillis();
                boolean done = false;
                for (ConsumerRecord<byte[], byte[]> r : recs) {
                    records++;
                    bytes += r.value() == null ? 0 : r.value().length;
                    long before = c.rows;
                    c.parse(r.value());
                    if (!done && c.rows > before) {
                        if (firstRowAt < 0) {
                            firstRowAt = now;
                        }
                        lastRowAt = now;
                        if (c.complete(ei, eu, ed, expected)) {
                            done = true; // the rest of this poll is counted, but off the clock
                            rowsAtDone = c.rows;
                        }
                    }
                }
            }
            // drain (off the clock) to the end offsets, so trailing duplicates are counted too
            long drainUntil = System.currentTimeMillis() + 3000;
            while (!timedOut && System.currentTimeMillis() < drainUntil) {
                Map<TopicPartition, Long> end = consumer.endOffsets(tps);
                boolean atEnd = true;
                for (TopicPartition tp : tps) {
                    atEnd &= consumer.position(tp) >= end.get(tp);
                }
                if (atEnd) {
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    records++;
                    bytes += r.value() == null ? 0 : r.value().length;
                    c.parse(r.value());
                }
            }
        }
        if (deleteAfter) {
            try (Admin admin = Admin.create(ap)) {
                admin.deleteTopics(Collections.singletonList(topic)).all().get();
            } catch (Exception e) {
                System.err.println("could not delete topic " + topic + ": " + e);
            }
        }
        long t0 = readT0(t0File, started + deadlineMs);
        double secs = t0 > 0 && lastRowAt > 0 ? (lastRowAt - t0) / 1e3 : Double.NaN;
        double firstRowS = t0 > 0 && firstRowAt > 0 ? (firstRowAt - t0) / 1e3 : Double.NaN;
        double steadyS = lastRowAt > firstRowAt && firstRowAt > 0 ? (lastRowAt - firstRowAt) / 1e3 : Double.NaN;
        long counted = rowsAtDone > 0 ? rowsAtDone : c.rows;
        boolean typesOk = (ei < 0 || ei == c.inserts) && (eu < 0 || eu == c.updates) && (ed < 0 || ed == c.deletes);
        boolean ok = !timedOut && t0 > 0 && c.rows == expected && typesOk && c.duplicates == 0 && c.others == 0;
        System.out.printf("RESULT system=%s ok=%s rows=%d expected=%d seconds=%.3f rows_per_s=%.0f first_row_s=%.3f "
                        + "steady_rows_per_s=%.0f inserts=%d updates=%d deletes=%d other=%d duplicates=%d messages=%d "
                        + "entries=%d row_entries=%d records=%d record_mb=%.1f polls=%d empty_polls=%d t0_ms=%d topic=%s "
                        + "bootstrap=%s format=protobuf%n",
                label, ok, c.rows, expected, secs, counted / secs, firstRowS, steadyS > 0 ? counted / steadyS : Double.NaN,
                c.inserts, c.updates, c.deletes, c.others, c.duplicates, c.messages, c.entries, c.rowEntries, records,
                bytes / 1e6, polls, emptyPolls, t0, topic, bootstrap);
        System.out.flush();
        System.exit(ok ? 0 : 1);
    }

    private static long readT0(String file, long waitUntil) throws InterruptedException {
        while (true) {
            try {
                String s = new String(Files.readAllBytes(Path.of(file)), StandardCharsets.US_ASCII).trim();
                if (!s.isEmpty()) {
                    return Long.parseLong(s);
                }
            } catch (Exception notYet) {
                // the server has not written it yet
            }
            if (System.currentTimeMillis() > waitUntil) {
                System.err.println("no clock start in " + file);
                return -1;
            }
            Thread.sleep(50);
        }
    }

    /** Row images of one table per type, with a bit per primary-key value per type to count duplicates. */
    static final class Counter {
        final String schema, table, pk;
        long rows, inserts, updates, deletes, others, duplicates, messages, entries, rowEntries;
        long distinctInserts, distinctUpdates, distinctDeletes;
        final BitSet seenInsert = new BitSet(), seenUpdate = new BitSet(), seenDelete = new BitSet();

        Counter(String schema, String table, String pk) {
            this.schema = schema;
            this.table = table;
            this.pk = pk;
        }

        boolean complete(long ei, long eu, long ed, long expected) {
            if (ei < 0 || eu < 0 || ed < 0) {
                return rows >= expected;
            }
            return distinctInserts >= ei && distinctUpdates >= eu && distinctDeletes >= ed;
        }

        void parse(byte[] value) throws Exception {
            messages++;
            if (value == null) {
                return;
            }
            CanalPacket.Packet packet = CanalPacket.Packet.parseFrom(value);
            if (packet.getType() != CanalPacket.PacketType.MESSAGES) {
                throw new IllegalStateException("not a MESSAGES packet: " + packet.getType());
            }
            for (com.google.protobuf.ByteString bytes : CanalPacket.Messages.parseFrom(packet.getBody()).getMessagesList()) {
                entries++;
                CanalEntry.Entry e = CanalEntry.Entry.parseFrom(bytes);
                if (e.getEntryType() != CanalEntry.EntryType.ROWDATA || !schema.equals(e.getHeader().getSchemaName())
                        || !table.equals(e.getHeader().getTableName())) {
                    continue;
                }
                CanalEntry.RowChange rc = CanalEntry.RowChange.parseFrom(e.getStoreValue());
                if (rc.getIsDdl()) {
                    continue;
                }
                rowEntries++;
                for (CanalEntry.RowData row : rc.getRowDatasList()) {
                    rows++;
                    count(rc.getEventType(), row);
                }
            }
        }

        private void count(CanalEntry.EventType type, CanalEntry.RowData row) {
            BitSet seen;
            List<CanalEntry.Column> image;
            switch (type) {
                case INSERT -> { inserts++; seen = seenInsert; image = row.getAfterColumnsList(); }
                case UPDATE -> { updates++; seen = seenUpdate; image = row.getAfterColumnsList(); }
                case DELETE -> { deletes++; seen = seenDelete; image = row.getBeforeColumnsList(); }
                default -> { others++; return; }
            }
            long id = -1;
            for (CanalEntry.Column col : image) {
                if (pk.equals(col.getName()) && !col.getIsNull()) {
                    id = Long.parseLong(col.getValue());
                    break;
                }
            }
            if (id < 0 || id > Integer.MAX_VALUE) {
                others++;
                return;
            }
            if (seen.get((int) id)) {
                duplicates++;
            } else {
                seen.set((int) id);
                if (seen == seenInsert) {
                    distinctInserts++;
                } else if (seen == seenUpdate) {
                    distinctUpdates++;
                } else {
                    distinctDeletes++;
                }
            }
        }
    }

    private static String required(Map<String, String> a, String key) {
        String v = a.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + key);
        }
        return v;
    }

    private static Map<String, String> parseArgs(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("bad arguments: " + Arrays.toString(args));
            }
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }
}
