package io.sluice.server.mq;

import static io.sluice.server.mq.TestEntries.row;

import io.sluice.server.entry.StoredEntry;
import io.sluice.testkit.KafkaBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Kafka publish throughput, FlatMessage with acks=all and the idempotent producer, against a real KRaft broker
 * (child JVM) on this machine. Workload shaped like ../bench's (smaller by default): N inserts in transactions of
 * 1000 rows, N/2 updates, N/10 deletes, 50 rows per rows event (an 8 KB binlog row event holds about that many
 * such rows). Run: {@code java -cp <server test classpath> io.sluice.server.mq.KafkaPublishBenchmark [N] [modes]}
 * ({@code modes}: a comma-separated subset of the modes below, warmup first; a mode whose name contains
 * {@code shipped}, e.g. {@code flat-single-partition-shipped}, publishes with canal 1.1.7's shipped producer keys
 * ({@code batch.size = 16384}, {@code linger.ms = 1}, {@code max.in.flight.requests.per.connection = 1}); {@code -Dsluice.bench.objectPath=true}
 * builds FlatMessages through the object path instead of the direct one, to compare the two). Besides rows/s it
 * prints this JVM's CPU-s per mode (publisher, producer and client threads; the broker is a child JVM).
 */
public final class KafkaPublishBenchmark {

    private KafkaPublishBenchmark() {
    }

    static List<StoredEntry> benchWorkload(int n) {
        TestEntries e = new TestEntries();
        TestEntries.Table t = TestEntries.table("bench", "t");
        List<StoredEntry> entries = new ArrayList<>();
        String note = "lorem ipsum dolor sit amet";
        for (int tx = 0; tx < n / 1000; tx++) {
            entries.add(e.begin());
            for (int ev = 0; ev < 20; ev++) {
                List<Map<String, String>> rows = new ArrayList<>(50);
                for (int r = 0; r < 50; r++) {
                    int id = tx * 1000 + ev * 50 + r;
                    rows.add(row("id", id, "name", "name-" + id, "score", (id % 1000) + ".25", "note", note));
                }
                entries.add(e.insert(t, rows));
            }
            entries.add(e.end());
        }
        for (int tx = 0; tx < n / 2 / 1000; tx++) {
            entries.add(e.begin());
            for (int ev = 0; ev < 20; ev++) {
                List<Map<String, String>> before = new ArrayList<>(50);
                List<Map<String, String>> after = new ArrayList<>(50);
                for (int r = 0; r < 50; r++) {
                    int id = tx * 1000 + ev * 50 + r;
                    before.add(row("id", id, "name", "name-" + id, "score", (id % 1000) + ".25", "note", note));
                    after.add(row("id", id, "name", "name-" + id, "score", (id % 1000) + ".75", "note", note));
                }
                entries.add(e.update(t, before, after));
            }
            entries.add(e.end());
        }
        for (int tx = 0; tx < n / 10 / 1000; tx++) {
            entries.add(e.begin());
            for (int ev = 0; ev < 20; ev++) {
                List<Map<String, String>> rows = new ArrayList<>(50);
                for (int r = 0; r < 50; r++) {
                    int id = tx * 1000 + ev * 50 + r;
                    rows.add(row("id", id, "name", "name-" + id, "score", (id % 1000) + ".75", "note", note));
                }
                entries.add(e.delete(t, rows));
            }
            entries.add(e.end());
        }
        return entries;
    }

    /** OLTP-shaped: one single-row INSERT per transaction (BEGIN, row, END). */
    static List<StoredEntry> oneRowTransactions(int n) {
        TestEntries e = new TestEntries();
        TestEntries.Table t = TestEntries.table("bench", "t");
        List<StoredEntry> entries = new ArrayList<>(3 * n);
        for (int id = 0; id < n; id++) {
            entries.add(e.begin());
            entries.add(e.insert(t, List.of(row("id", id, "name", "name-" + id, "score", "1.25", "note", "x"))));
            entries.add(e.end());
        }
        return entries;
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        long rows = n + n / 2 + n / 10;
        List<StoredEntry> entries = benchWorkload(n);
        try (KafkaBroker broker = KafkaBroker.start(Map.of())) {
            broker.createTopic("bench", 4);
            awaitLeaders(broker, "bench", 4);
            // the first mode also warms the JIT and the producer; its figure is printed but not the one to quote
            List<String> modes = args.length > 1 ? List.of(args[1].split(",")) : List.of("warmup", "flat-single-partition",
                    "flat-pk-hash-4", "protobuf-single-partition", "flat-single-partition-exactly-once",
                    "flat-pk-hash-4-exactly-once", "flat-one-row-tx", "flat-one-row-tx-exactly-once",
                    "flat-one-row-tx-exactly-once-batch-500");
            boolean direct = !Boolean.getBoolean("sluice.bench.objectPath");
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            for (String mode : modes) {
                String topic = "bench_" + mode.replace('-', '_');
                broker.createTopic(topic, 4);
                awaitLeaders(broker, topic, 4);
                Properties p = new Properties();
                p.setProperty("canal.serverMode", "kafka");
                p.setProperty("kafka.bootstrap.servers", broker.bootstrap());
                p.setProperty("kafka.acks", "all");
                p.setProperty("canal.mq.topic", topic);
                p.setProperty("canal.mq.flatMessage", String.valueOf(!mode.startsWith("protobuf")));
                p.setProperty("canal.mq.canalBatchSize", mode.endsWith("batch-500") ? "500" : "50");
                if (mode.contains("shipped")) {
                    // canal 1.1.7's shipped producer keys: one request at a time, 16 KiB producer batches
                    p.setProperty("kafka.batch.size", "16384");
                    p.setProperty("kafka.linger.ms", "1");
                    p.setProperty("kafka.max.in.flight.requests.per.connection", "1");
                }
                if (mode.contains("pk-hash")) {
                    p.setProperty("canal.mq.partitionsNum", "4");
                    p.setProperty("canal.mq.partitionHash", "bench\\.t:$pk$");
                }
                InMemoryDestination d = new InMemoryDestination(mode);
                List<StoredEntry> workload = mode.contains("one-row-tx") ? oneRowTransactions(n / 10) : entries;
                long modeRows = mode.contains("one-row-tx") ? n / 10 : rows;
                d.append(workload);
                MqPublishSettings s = MqPublishSettings.fromProperties(p);
                long start = System.nanoTime();
                long cpuStart = os.getProcessCpuTime();
                // exactly-once: one transaction per batch with its position record, one batch at a time
                MqProducer producer = mode.contains("exactly-once")
                        ? new TransactionalKafkaProducer(mode, s.kafka(), new ExactlyOnceSettings(true, "bench-" + mode,
                                ExactlyOnceSettings.DEFAULT_POSITION_TOPIC))
                        : MqProducer.create(s);
                try (DestinationPublisher publisher = new DestinationPublisher(d, s, producer, System::currentTimeMillis,
                        direct).start()) {
                    while (d.ackedEntries() < d.size()) {
                        Thread.sleep(20);
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
                    System.out.printf("RESULT kafka %s: %d rows (%d entries, %d messages, %d batches) in %.2f s = %.0f"
                                    + " rows/s, acks=all, idempotent, failed attempts %d, %s path, %.2f CPU-s (this JVM)%n",
                            mode, modeRows,
                            workload.size(), publisher.publishedMessages(), publisher.ackedBatches(), seconds,
                            modeRows / seconds,
                            publisher.failedAttempts(), direct ? "direct" : "object", cpu);
                }
            }
        }
    }

    /**
     * Until every partition of the topic has a leader: a topic exists for the controller before its partitions are
     * served, and a produce request to a partition without a leader yet fails (NotLeaderOrFollower), which makes the
     * first batch of a mode a failed attempt and its figures wrong.
     */
    static void awaitLeaders(KafkaBroker broker, String topic, int partitions) throws Exception {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Admin admin = Admin.create(p)) {
            while (true) {
                try {
                    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                            .get(topic);
                    if (d.partitions().size() == partitions && d.partitions().stream().allMatch(i -> i.leader() != null
                            && !i.leader().isEmpty())) {
                        return;
                    }
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw e;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("partitions of " + topic + " have no leader after 60 s");
                }
                Thread.sleep(50);
            }
        }
    }
}
