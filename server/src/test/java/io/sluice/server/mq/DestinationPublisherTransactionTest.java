package io.sluice.server.mq;

import static io.sluice.server.mq.TestEntries.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.server.entry.StoredEntry;
import io.sluice.server.position.SourcePositions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The exactly-once publisher's rules, against a scripted Kafka whose commits the test controls: each batch is
 * committed with the position of its last entry; entries the committed position covers are acked and not published
 * again; a commit whose answer was lost is not repeated once the position read back shows it landed; a fenced
 * producer stops the publisher. ExactlyOnceKillIT runs the same mode against a real broker and kill -9.
 */
@Timeout(60)
class DestinationPublisherTransactionTest {

    /** Kafka as far as the publisher can tell: what was committed, and the last committed position. */
    private static final class ScriptedKafka implements TransactionalProducer {
        final List<List<MqMessage>> transactions = new ArrayList<>();
        volatile SourcePositions committed = SourcePositions.NONE;
        volatile int positionReads;
        volatile boolean loseNextAnswer;
        volatile boolean fenceNext;

        @Override
        public void open() {
        }

        @Override
        public SourcePositions committedPositions() {
            positionReads++;
            return committed;
        }

        @Override
        public synchronized void commit(List<MqMessage> messages, SourcePositions reached) {
            if (fenceNext) {
                throw new PublisherFencedException("scripted: fenced", null);
            }
            transactions.add(messages);
            committed = reached;
            if (loseNextAnswer) {
                loseNextAnswer = false;
                throw new PublishException("scripted: the commit's answer was lost", null);
            }
        }

        @Override
        public void publish(List<MqMessage> messages) {
            commit(messages, null);
        }

        synchronized int transactions() {
            return transactions.size();
        }

        @Override
        public void close() {
        }
    }

    private final TestEntries e = new TestEntries();

    /** One transaction of one row per batch (canalBatchSize 3 = BEGIN, the row, END). */
    private List<StoredEntry> rows(int from, int to) {
        List<StoredEntry> entries = new ArrayList<>();
        for (int id = from; id <= to; id++) {
            entries.addAll(List.of(e.begin(), e.insert(TestEntries.table("shop", "user"),
                    List.of(row("id", id, "name", "a", "score", "1.00", "note", null))), e.end()));
        }
        return entries;
    }

    private static DestinationPublisher publisher(InMemoryDestination d, ScriptedKafka kafka) {
        Properties p = MqPublishSettingsTest.props("canal.mq.canalBatchSize", "3");
        p.setProperty("sluice.mq.retry.backoff.ms", "50");
        p.setProperty("sluice.mq.retry.backoff.max.ms", "100");
        return new DestinationPublisher(d, MqPublishSettings.fromProperties(p), kafka).start();
    }

    @Test
    void eachBatchIsCommittedWithThePositionOfItsLastEntry() {
        InMemoryDestination d = new InMemoryDestination("eos");
        List<StoredEntry> entries = rows(1, 4);
        d.append(entries);
        ScriptedKafka kafka = new ScriptedKafka();
        try (DestinationPublisher p = publisher(d, kafka)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> d.ackedEntries() == entries.size());
            assertThat(kafka.transactions()).isEqualTo(4);
            assertThat(kafka.committed).isEqualTo(SourcePositions.of("", entries.get(entries.size() - 1).resume()));
            assertThat(p.publishedMessages()).isEqualTo(4);
        }
    }

    @Test
    void entriesTheCommittedPositionCoversAreAckedWithoutBeingPublishedAgain() {
        InMemoryDestination d = new InMemoryDestination("eos");
        List<StoredEntry> entries = rows(1, 5);
        d.append(entries);
        ScriptedKafka kafka = new ScriptedKafka();
        // a crash after the second transaction's commit, before meta.dat had its ack: Kafka is ahead of meta
        kafka.committed = SourcePositions.of("", entries.get(5).resume());
        try (DestinationPublisher p = publisher(d, kafka)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> d.ackedEntries() == entries.size());
            assertThat(kafka.transactions()).as("only the three rows Kafka did not have").isEqualTo(3);
            assertThat(p.alreadyCommittedEntries()).isEqualTo(6);
            assertThat(p.publishedMessages()).isEqualTo(3);
        }
    }

    @Test
    void aCommitWhoseAnswerWasLostIsNotRepeated() {
        InMemoryDestination d = new InMemoryDestination("eos");
        List<StoredEntry> entries = rows(1, 3);
        d.append(entries);
        ScriptedKafka kafka = new ScriptedKafka();
        kafka.loseNextAnswer = true;
        try (DestinationPublisher p = publisher(d, kafka)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> d.ackedEntries() == entries.size());
            assertThat(kafka.transactions()).as("the first batch landed once, despite the failure").isEqualTo(3);
            assertThat(kafka.positionReads).as("read again after the failure").isEqualTo(2);
            assertThat(d.rollbacks()).isPositive();
            assertThat(p.failedAttempts()).isEqualTo(1);
        }
    }

    @Test
    void aFencedProducerStopsPublishingAndAcksNothingMore() throws Exception {
        InMemoryDestination d = new InMemoryDestination("eos");
        d.append(rows(1, 2));
        ScriptedKafka kafka = new ScriptedKafka();
        try (DestinationPublisher p = publisher(d, kafka)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> d.ackedEntries() == 6);
            kafka.fenceNext = true;
            d.append(rows(3, 4));
            await().atMost(Duration.ofSeconds(10)).until(() -> p.state() == DestinationPublisher.State.STOPPED_FENCED);
            Thread.sleep(200);
            assertThat(d.ackedEntries()).isEqualTo(6);
            assertThat(kafka.transactions()).isEqualTo(2);
        }
    }
}
