package io.sluice.server.mq;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.instance.Batch;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * CPU and allocation of building broker messages (no broker): the checked-in binlog fixtures' entries, repeated in
 * batches of 50 entries, through {@link MessageBuilder} with the object path ("old") and the direct path ("new"),
 * alternating, in one JVM. Reports thread CPU ns and allocated bytes per row change, per round and the medians;
 * thread CPU, not wall time, because the machine is shared.
 * Run: {@code java -cp <server test classpath> io.sluice.server.mq.FlatBuildBenchmark [rowsPerRound] [rounds] [case]}
 * with case one of {@code flat} (default), {@code flat-pk-hash}, {@code flat-base64}, {@code protobuf}, or
 * {@code bench-t} / {@code bench-t-unmerged}: instead of the fixtures, rows of bench/run.sh's table {@code bench.t}
 * (its inserts, updates and deletes in 1000-row transactions, about 8 KB per rows event as MySQL splits them) in
 * batches of about 50 KiB of entries as canal's shipped MQ settings fetch them ({@code canalBatchSize = 50},
 * MEMSIZE), with {@code sluice.mq.flat.merge.rows} on or off.
 */
public final class FlatBuildBenchmark {

    private FlatBuildBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rowsPerRound = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String benchCase = args.length > 2 ? args[2] : "flat";
        boolean benchTable = benchCase.startsWith("bench-t");
        List<StoredEntry> entries = new ArrayList<>();
        if (benchTable) {
            entries.addAll(BenchTableEntries.workload(40_000));
        } else {
            Path root = Path.of(System.getProperty("fixtures", FixtureEntries.FIXTURES.toString()));
            for (String fixture : FixtureEntries.fixtures(root)) {
                entries.addAll(FixtureEntries.load(root, fixture, false));
            }
        }
        List<Batch> batches = new ArrayList<>();
        long fixtureRows = 0;
        int id = 1;
        for (int i = 0; i < entries.size(); id++) {
            int to = i;
            if (benchTable) {
                for (int bytes = 0; to < entries.size() && bytes < 50 * 1024; to++) {
                    bytes += entries.get(to).size();
                }
            } else {
                to = Math.min(entries.size(), i + 50);
            }
            List<StoredEntry> part = entries.subList(i, to);
            batches.add(new Batch(id, part));
            for (StoredEntry s : part) {
                fixtureRows += rows(s);
            }
            i = to;
        }
        int repeat = (int) Math.max(1, (rowsPerRound + fixtureRows - 1) / fixtureRows);
        long roundRows = repeat * fixtureRows;
        Properties p = new Properties();
        p.setProperty("canal.serverMode", "kafka");
        p.setProperty("kafka.bootstrap.servers", "127.0.0.1:9");
        p.setProperty("canal.mq.topic", "bench");
        p.setProperty("canal.mq.flatMessage", String.valueOf(!benchCase.equals("protobuf")));
        if (benchCase.equals("flat-pk-hash")) {
            p.setProperty("canal.mq.partitionsNum", "4");
            p.setProperty("canal.mq.partitionHash", ".*\\..*:$pk$");
        }
        if (benchCase.equals("bench-t-unmerged")) {
            p.setProperty("sluice.mq.flat.merge.rows", "false");
        }
        if (benchCase.equals("flat-base64")) {
            p.setProperty("sluice.mq.binary.encoding", "base64");
        }
        MqPublishSettings settings = MqPublishSettings.fromProperties(p);
        MessageBuilder oldPath = new MessageBuilder(settings, () -> 1L, false);
        MessageBuilder newPath = new MessageBuilder(settings, () -> 1L, true);
        System.out.printf("case %s: %d entries in %d batches, %d row changes, x%d = %d rows per round%n", benchCase,
                entries.size(), batches.size(), fixtureRows, repeat, roundRows);
        for (int w = 0; w < 3; w++) {
            round(oldPath, batches, repeat);
            round(newPath, batches, repeat);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        double[][] cpu = new double[2][rounds];
        double[][] alloc = new double[2][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int m = 0; m < 2; m++) {
                MessageBuilder b = m == 0 ? oldPath : newPath;
                long c0 = threads.getCurrentThreadCpuTime();
                long a0 = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
                long messages = round(b, batches, repeat);
                cpu[m][r] = (threads.getCurrentThreadCpuTime() - c0) / (double) roundRows;
                alloc[m][r] = (threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - a0) / (double) roundRows;
                System.out.printf("round %d %s: %.0f CPU-ns/row (%.2f CPU-s per 100k rows), %.0f B/row, %d messages%n",
                        r + 1, m == 0 ? "old" : "new", cpu[m][r], cpu[m][r] * 1e5 / 1e9, alloc[m][r], messages);
            }
        }
        System.out.printf("entries the direct path gave to the object path: %d%n", newPath.objectPathEntries());
        for (int m = 0; m < 2; m++) {
            System.out.printf("RESULT %s %s: median %.0f CPU-ns/row, %.0f B/row%n", benchCase, m == 0 ? "old" : "new",
                    median(cpu[m]), median(alloc[m]));
        }
    }

    private static long round(MessageBuilder builder, List<Batch> batches, int repeat) {
        long messages = 0;
        for (int i = 0; i < repeat; i++) {
            for (Batch b : batches) {
                messages += builder.build(b).size();
            }
        }
        return messages;
    }

    private static int rows(StoredEntry s) throws Exception {
        CanalEntry.Entry e = CanalEntry.Entry.parseFrom(s.bytes());
        return e.getEntryType() == CanalEntry.EntryType.ROWDATA
                ? CanalEntry.RowChange.parseFrom(e.getStoreValue()).getRowDatasCount() : 0;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
