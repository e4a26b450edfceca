package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.testkit.SourceWriter;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.InstanceSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * HA end to end: real Sluice servers as child JVMs sharing a three-node ZooKeeper ensemble (ZooKeeper meta), the
 * private MariaDB under a writer loop, and a consumer on Sluice's cluster connector that mirrors the table. After
 * every disturbance the mirror must equal the source, and no acked row change may come again.
 *
 * <p>{@code -Dsluice.ha.rounds=N} runs N kill rounds instead of 3. Each test prints one {@code HA_RESULT} line.
 */
@ExtendWith(TestDatabaseExtension.class)
class ClusterFailoverIT {

    private static final int ROUNDS = Integer.getInteger("sluice.ha.rounds", 3);

    @TempDir
    Path dir;

    @Test
    void killedActiveServerIsReplacedAndTheConsumerLosesNothing(TestDatabase db) throws Exception {
        try (SourceWriter writer = new SourceWriter(db);
             SluiceCluster cluster = new SluiceCluster(dir, db, 2, "sluice.ha.rebalance = false")) {
            cluster.startAll();
            SluiceCluster.Server first = awaitActive(cluster);
            List<Long> failoverMillis = new ArrayList<>();
            MirrorConsumer consumer = new MirrorConsumer(cluster.connectString()).start();
            try {
                writer.start();
                awaitServedAfter(consumer, System.nanoTime());
                List<String> killed = new ArrayList<>();
                for (int round = 1; round <= ROUNDS; round++) {
                    Thread.sleep(1500); // traffic on the active before it dies
                    SluiceCluster.Server active = awaitActive(cluster);
                    long killAt = System.nanoTime();
                    active.kill();
                    killed.add(active.name);
                    MirrorConsumer.Served next = awaitServedAfter(consumer, killAt);
                    failoverMillis.add(TimeUnit.NANOSECONDS.toMillis(next.receivedAt() - killAt));
                    SluiceCluster.Server successor = awaitActive(cluster);
                    assertThat(successor.name).as("round %d: the standby took over", round).isNotEqualTo(active.name);
                    active.start(); // back as the standby of the next round
                    consumer.assertHealthy();
                }
                for (int i = 1; i < killed.size(); i++) {
                    assertThat(killed.get(i)).as("round %d killed the other server", i + 1)
                            .isNotEqualTo(killed.get(i - 1));
                }
            } finally {
                writer.close();
            }
            Map<Integer, Integer> source = writer.sourceRows();
            long lost = awaitMirror(consumer, source);
            consumer.close();
            consumer.assertHealthy();
            List<Long> sorted = failoverMillis.stream().sorted().toList();
            System.out.printf("HA_RESULT client=sluice test=kill-9 rounds=%d failover_ms=%s median_ms=%d max_ms=%d "
                            + "source_rows=%d statements=%d rows_lost=%d duplicates=%d acked_redelivered=%d "
                            + "first_active=%s%n", ROUNDS, failoverMillis, sorted.get(sorted.size() / 2),
                    sorted.get(sorted.size() - 1), source.size(), writer.statements(), lost,
                    consumer.duplicates(), consumer.ackedRedelivered(), first.name);
            assertThat(lost).as("rows lost").isZero();
            assertThat(consumer.ackedRedelivered()).as("acked row changes delivered again").isZero();
        }
    }

    @Test
    void frozenActiveLosesItsSessionAndStopsServingBeforeTheStandbyServes(TestDatabase db) throws Exception {
        try (SourceWriter writer = new SourceWriter(db);
             SluiceCluster cluster = new SluiceCluster(dir, db, 2, "sluice.ha.rebalance = false")) {
            cluster.startAll();
            SluiceCluster.Server frozen = awaitActive(cluster);
            MirrorConsumer consumer = new MirrorConsumer(cluster.connectString()).start();
            ServingProbe probe = new ServingProbe(cluster.servers).start();
            long takeoverMillis;
            try {
                writer.start();
                awaitServedAfter(consumer, System.nanoTime());
                Thread.sleep(1000);
                long pausedAt = System.nanoTime();
                frozen.pause(true); // no heartbeats: ZooKeeper expires its session, the standby takes over
                SluiceCluster.Server successor = await().atMost(Duration.ofSeconds(30))
                        .until(() -> cluster.active().filter(s -> s != frozen), Optional::isPresent).get();
                takeoverMillis = TimeUnit.NANOSECONDS.toMillis(
                        awaitServedAfter(consumer, pausedAt).receivedAt() - pausedAt);
                Thread.sleep(1000);
                frozen.pause(false); // it wakes up believing it is active, until ZooKeeper tells it otherwise
                // whichever ZooKeeper tells it first: the raw disconnect, Curator's suspension, or the expiry
                frozen.jvm.awaitLog("stopped serving: ZooKeeper (session lost|connection suspended|connection lost)",
                        Duration.ofSeconds(30));
                Thread.sleep(3000); // the woken server keeps running next to the new active
                assertThat(cluster.active()).contains(successor);
                assertThat(probe.lastRoundServing(successor.name)).isTrue();
            } finally {
                probe.close();
                writer.close();
            }
            Map<Integer, Integer> source = writer.sourceRows();
            long lost = awaitMirror(consumer, source);
            consumer.close();
            consumer.assertHealthy();
            System.out.printf("HA_RESULT client=sluice test=session-expiry takeover_ms=%d probe_rounds=%d "
                            + "double_active_rounds=%d rows_lost=%d duplicates=%d acked_redelivered=%d%n",
                    takeoverMillis, probe.rounds.size(), probe.doubleActive().size(), lost, consumer.duplicates(),
                    consumer.ackedRedelivered());
            assertThat(probe.rounds).hasSizeGreaterThan(10);
            assertThat(probe.doubleActive()).as("rounds with two serving servers").isEmpty();
            assertThat(lost).as("rows lost").isZero();
            assertThat(consumer.ackedRedelivered()).as("acked row changes delivered again").isZero();
        }
    }

    @Test
    void withoutZooKeeperQuorumNoServerServesAndServiceResumesWithIt(TestDatabase db) throws Exception {
        try (SourceWriter writer = new SourceWriter(db);
             SluiceCluster cluster = new SluiceCluster(dir, db, 2, "")) {
            cluster.startAll();
            awaitActive(cluster);
            MirrorConsumer consumer = new MirrorConsumer(cluster.connectString()).start();
            ServingProbe probe = new ServingProbe(cluster.servers).start();
            long outageMillis;
            try {
                writer.start();
                awaitServedAfter(consumer, System.nanoTime());
                List<InstanceSpec> stopped = cluster.zookeeper.getInstances().stream().limit(2).toList();
                long lossAt = System.nanoTime();
                for (InstanceSpec spec : stopped) {
                    cluster.zookeeper.killServer(spec);
                }
                // a server that cannot reach a quorum cannot know whether it is still the active one
                await().atMost(Duration.ofSeconds(30)).until(() -> probe.rounds.stream()
                        .anyMatch(r -> r.at() > lossAt && r.serving().isEmpty()));
                long quietSince = System.nanoTime();
                Thread.sleep(5000);
                assertThat(probe.rounds.stream().filter(r -> r.at() > quietSince && !r.serving().isEmpty()))
                        .as("rounds with a serving server while ZooKeeper has no quorum").isEmpty();
                long restoredAt = System.nanoTime();
                for (InstanceSpec spec : stopped) {
                    cluster.zookeeper.restartServer(spec);
                }
                outageMillis = TimeUnit.NANOSECONDS.toMillis(
                        awaitServedAfter(consumer, restoredAt).receivedAt() - restoredAt);
                awaitActive(cluster);
            } finally {
                probe.close();
                writer.close();
            }
            Map<Integer, Integer> source = writer.sourceRows();
            long lost = awaitMirror(consumer, source);
            consumer.close();
            consumer.assertHealthy();
            System.out.printf("HA_RESULT client=sluice test=quorum-loss resumed_after_quorum_ms=%d "
                            + "double_active_rounds=%d rows_lost=%d duplicates=%d acked_redelivered=%d%n",
                    outageMillis, probe.doubleActive().size(), lost, consumer.duplicates(),
                    consumer.ackedRedelivered());
            assertThat(probe.doubleActive()).as("rounds with two serving servers").isEmpty();
            assertThat(lost).as("rows lost").isZero();
            assertThat(consumer.ackedRedelivered()).as("acked row changes delivered again").isZero();
        }
    }

    /**
     * Issue 19: with two of three ZooKeeper nodes gone while a consumer acks, the active's acks used to wait in
     * Curator's retry loop on the Netty event loop, and every connection of that loop with them. The servers run one
     * event loop each here, so a held-up loop would show as a probe without an answer.
     */
    @Test
    void quorumLostWhileAConsumerAcksTheActiveRefusesWithinASecondAndKeepsAnswering(TestDatabase db)
            throws Exception {
        try (SourceWriter writer = new SourceWriter(db);
             SluiceCluster cluster = new SluiceCluster(dir, db, 2, "sluice.ha.rebalance = false")) {
            cluster.extraJvmArgs = List.of("-Dio.netty.eventLoopThreads=1");
            cluster.startAll();
            SluiceCluster.Server active = awaitActive(cluster);
            MirrorConsumer consumer = new MirrorConsumer(cluster.connectString()).start();
            ServingProbe probe = new ServingProbe(cluster.servers).start();
            AnswerProbe answers = new AnswerProbe(active).start();
            long refusedMillis;
            long lossAt;
            long restoredAt;
            try {
                writer.start();
                awaitServedAfter(consumer, System.nanoTime());
                Thread.sleep(1000);
                List<InstanceSpec> stopped = cluster.zookeeper.getInstances().stream().limit(2).toList();
                lossAt = System.nanoTime();
                for (InstanceSpec spec : stopped) {
                    cluster.zookeeper.killServer(spec);
                }
                long lostAt = System.nanoTime();
                AnswerProbe.Attempt refused = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                        .until(() -> answers.first(AnswerProbe.Outcome.REFUSED, lossAt), Optional::isPresent).get();
                refusedMillis = TimeUnit.NANOSECONDS.toMillis(refused.answeredAt() - lostAt);
                Thread.sleep(8000); // longer than the servers' 2 s sessions
                restoredAt = System.nanoTime();
                for (InstanceSpec spec : stopped) {
                    cluster.zookeeper.restartServer(spec);
                }
                awaitServedAfter(consumer, restoredAt);
                awaitActive(cluster);
                Thread.sleep(3000); // right after the quorum is back is when two actives were seen
            } finally {
                answers.close();
                probe.close();
                writer.close();
            }
            Map<Integer, Integer> source = writer.sourceRows();
            long lost = awaitMirror(consumer, source);
            consumer.close();
            consumer.assertHealthy();
            List<AnswerProbe.Attempt> unanswered = answers.between(lossAt, restoredAt,
                    AnswerProbe.Outcome.NO_ANSWER);
            long asked = answers.attempts.stream().filter(a -> a.at() >= lossAt && a.at() < restoredAt).count();
            System.out.printf("HA_RESULT client=sluice test=quorum-loss-while-acking refused_after_ms=%d "
                            + "probes_during_outage=%d unanswered=%d double_active_rounds=%d rows_lost=%d "
                            + "duplicates=%d acked_redelivered=%d%n", refusedMillis, asked, unanswered.size(),
                    probe.doubleActive().size(), lost, consumer.duplicates(), consumer.ackedRedelivered());
            assertThat(refusedMillis).as("ms from the quorum loss to the active's first refusal").isLessThan(1000);
            assertThat(asked).isGreaterThan(10);
            assertThat(unanswered).as("probes the active did not answer while ZooKeeper had no quorum").isEmpty();
            assertThat(probe.doubleActive()).as("rounds with two serving servers").isEmpty();
            assertThat(lost).as("rows lost").isZero();
            assertThat(consumer.ackedRedelivered()).as("acked row changes delivered again").isZero();
        }
    }

    @Test
    void destinationsSettleOnTheirPreferredServersSoBothServersWork(TestDatabase db) throws Exception {
        List<String> destinations = List.of("d1", "d2", "d3", "d4", "d5", "d6");
        try (SluiceCluster cluster = new SluiceCluster(dir, db, 2, "", destinations)) {
            // the first server alone takes every destination; the second one joins later and gets its share back
            cluster.servers.get(0).start();
            await().atMost(Duration.ofSeconds(60)).until(() -> destinations.stream()
                    .allMatch(d -> cluster.active(d).filter(s -> s == cluster.servers.get(0)).isPresent()));
            cluster.servers.get(1).start();
            List<String> members = cluster.servers.stream().map(SluiceCluster.Server::address).toList();
            Map<String, String> expected = new HashMap<>();
            for (String d : destinations) {
                expected.put(d, io.sluice.server.ha.DestinationElection.preferredMember(d, members));
            }
            Map<String, String> placed = new HashMap<>();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (String d : destinations) {
                    placed.put(d, cluster.active(d).map(SluiceCluster.Server::address).orElse("none"));
                }
                assertThat(placed).isEqualTo(expected);
            });
            long onSecond = placed.values().stream().filter(a -> a.equals(members.get(1))).count();
            System.out.printf("HA_RESULT test=load-spreading destinations=%d on_first=%d on_second=%d%n",
                    destinations.size(), destinations.size() - onSecond, onSecond);
        }
    }

    static SluiceCluster.Server awaitActive(SluiceCluster cluster) {
        return await().atMost(Duration.ofSeconds(60)).until(cluster::active, Optional::isPresent).get();
    }

    static MirrorConsumer.Served awaitServedAfter(MirrorConsumer consumer, long nanos) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> consumer.firstServedAfter(nanos), Optional::isPresent).get();
    }

    /** Waits for the mirror to catch up with the source; returns how many rows still differ after 60 s. */
    static long awaitMirror(MirrorConsumer consumer, Map<Integer, Integer> source) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (consumer.rows().equals(source)) {
                return 0;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Map<Integer, Integer> mirror = consumer.rows();
        Map<Integer, Integer> differing = new HashMap<>(source);
        differing.entrySet().removeIf(e -> e.getValue().equals(mirror.get(e.getKey())));
        long extra = mirror.keySet().stream().filter(k -> !source.containsKey(k)).count();
        return differing.size() + extra;
    }
}
