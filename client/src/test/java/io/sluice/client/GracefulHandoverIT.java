package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.testkit.SourceWriter;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graceful handover end to end: two real Sluice servers (child JVMs, ZooKeeper meta, three-node ZooKeeper), the
 * private MariaDB under a writer loop, a consumer on Sluice's cluster connector. The active server is stopped with
 * SIGTERM (what {@code bin/stop.sh} sends), alternately, while the consumer streams; the standby must serve before
 * the stopping server lets its clients go, and every row change must arrive exactly once: none lost, none twice
 * (not even an unacknowledged one: the stopping server waits for the acks of what it handed out).
 *
 * <p>Measured, not asserted (a loaded 2-core machine): per round the gap from the moment the old server lets its
 * clients go (its log line) to the first batch from the new one, and the pause the consumer sees (last batch from
 * the old server to first from the new). {@code -Dsluice.ha.rounds=N} runs N rounds instead of 3. Prints one
 * {@code HA_RESULT} line.
 */
@ExtendWith(TestDatabaseExtension.class)
class GracefulHandoverIT {

    private static final int ROUNDS = Integer.getInteger("sluice.ha.rounds", 3);
    /** SluiceServer's line once its destinations are handed over, just before it closes the client connections. */
    private static final Pattern LET_GO = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*letting the clients go",
            Pattern.MULTILINE);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void cleanStopOfTheActiveHandsOverBeforeItLetsItsClientsGoAndEveryRowArrivesOnce(TestDatabase db)
            throws Exception {
        try (SourceWriter writer = new SourceWriter(db);
             SluiceCluster cluster = new SluiceCluster(dir, db, 2, "sluice.ha.rebalance = false")) {
            cluster.startAll();
            ClusterFailoverIT.awaitActive(cluster);
            List<Long> gapMillis = new ArrayList<>();
            List<Long> pauseMillis = new ArrayList<>();
            List<Long> stopMillis = new ArrayList<>();
            MirrorConsumer consumer = new MirrorConsumer(cluster.connectString()).start();
            try {
                writer.start();
                ClusterFailoverIT.awaitServedAfter(consumer, System.nanoTime());
                for (int round = 1; round <= ROUNDS; round++) {
                    Thread.sleep(1500); // traffic on the active before it stops
                    SluiceCluster.Server active = ClusterFailoverIT.awaitActive(cluster);
                    long sessionBefore = consumer.served.get(consumer.served.size() - 1).session();
                    long stopNanos = System.nanoTime();
                    long stopWall = System.currentTimeMillis();
                    active.jvm.stop(Duration.ofSeconds(90)); // SIGTERM, as bin/stop.sh; SIGKILL only on a hang
                    stopMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopNanos));
                    String log = active.jvm.output();
                    assertThat(log).as("round %d: the stopping server handed over", round)
                            .contains("handed over [" + SluiceCluster.DEST + "]");
                    MirrorConsumer.Served first = await().atMost(Duration.ofSeconds(60))
                            .pollInterval(Duration.ofMillis(20))
                            .until(() -> consumer.served.stream().filter(s -> s.session() > sessionBefore)
                                    .findFirst(), Optional::isPresent).get();
                    MirrorConsumer.Served lastOld = consumer.served.stream()
                            .filter(s -> s.session() <= sessionBefore).reduce((a, b) -> b).orElseThrow();
                    long letGo = stopNanos + TimeUnit.MILLISECONDS.toNanos(letGoMillis(log) - stopWall);
                    gapMillis.add(TimeUnit.NANOSECONDS.toMillis(first.receivedAt() - letGo));
                    pauseMillis.add(TimeUnit.NANOSECONDS.toMillis(first.receivedAt() - lastOld.receivedAt()));
                    SluiceCluster.Server successor = ClusterFailoverIT.awaitActive(cluster);
                    assertThat(successor.name).as("round %d: the standby took over", round).isNotEqualTo(active.name);
                    active.start(); // back as the standby of the next round
                    consumer.assertHealthy();
                }
            } finally {
                writer.close();
            }
            Map<Integer, Integer> source = writer.sourceRows();
            long lost = ClusterFailoverIT.awaitMirror(consumer, source);
            consumer.close();
            consumer.assertHealthy();
            List<Long> sortedGaps = gapMillis.stream().sorted().toList();
            System.out.printf("HA_RESULT client=sluice test=graceful-handover rounds=%d gap_after_let_go_ms=%s "
                            + "median_ms=%d max_ms=%d consumer_pause_ms=%s stop_ms=%s source_rows=%d statements=%d "
                            + "rows_lost=%d duplicates=%d acked_redelivered=%d consumer_errors=%d%n", ROUNDS, gapMillis,
                    sortedGaps.get(sortedGaps.size() / 2), sortedGaps.get(sortedGaps.size() - 1), pauseMillis,
                    stopMillis, source.size(), writer.statements(), lost, consumer.duplicates(),
                    consumer.ackedRedelivered(), consumer.errors());
            assertThat(lost).as("rows lost").isZero();
            assertThat(consumer.duplicates()).as("row changes delivered twice").isZero();
            assertThat(consumer.ackedRedelivered()).as("acked row changes delivered again").isZero();
        }
    }

    /** The wall-clock time (ms) of the stopping server's let-go line; its log has time of day, this host's zone. */
    static long letGoMillis(String log) {
        Matcher m = LET_GO.matcher(log);
        String time = null;
        while (m.find()) {
            time = m.group(1);
        }
        assertThat(time).as("the stopping server's log says when it let its clients go").isNotNull();
        return LocalDate.now().atTime(LocalTime.parse(time)).atZone(ZoneId.systemDefault()).toInstant()
                .toEpochMilli();
    }
}
