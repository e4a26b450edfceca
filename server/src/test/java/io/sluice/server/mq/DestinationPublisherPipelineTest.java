package io.sluice.server.mq;

import static io.sluice.server.mq.TestEntries.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The publisher's ack rules while several batches wait for the broker: a batch is acked only once it and every
 * earlier batch are confirmed, and a failure resends from the first unconfirmed batch. The broker's answers are
 * scripted here (a producer whose confirmations the test completes); KafkaPublishIT runs the same rules against a
 * real broker.
 */
@Timeout(60)
class DestinationPublisherPipelineTest {

    /** Records every send; the test confirms or fails each one. */
    private static final class ScriptedProducer implements MqProducer {

        record Send(String firstPayload, CompletableFuture<Void> answer) {
        }

        final List<Send> sends = new ArrayList<>();

        @Override
        public void open() {
        }

        @Override
        public void publish(List<MqMessage> messages) throws InterruptedException {
            send(messages).await();
        }

        @Override
        public synchronized Confirmation send(List<MqMessage> messages) {
            CompletableFuture<Void> answer = new CompletableFuture<>();
            sends.add(new Send(new String(messages.get(0).payload(), StandardCharsets.UTF_8), answer));
            return new Confirmation() {
                @Override
                public boolean isConfirmed() {
                    return answer.isDone() && !answer.isCompletedExceptionally();
                }

                @Override
                public void await() {
                    try {
                        answer.join();
                    } catch (CompletionException e) {
                        throw new PublishException("scripted failure", e.getCause());
                    }
                }
            };
        }

        @Override
        public int maxUnconfirmedSends() {
            return 4;
        }

        synchronized int count() {
            return sends.size();
        }

        synchronized Send get(int i) {
            return sends.get(i);
        }

        @Override
        public void close() {
        }
    }

    private final TestEntries e = new TestEntries();

    /** One transaction of one row per batch (canalBatchSize 3 = BEGIN, the row, END). */
    private InMemoryDestination destinationWithRows(int rows) {
        InMemoryDestination d = new InMemoryDestination("pipe");
        for (int id = 1; id <= rows; id++) {
            d.append(List.of(e.begin(), e.insert(TestEntries.table("shop", "user"),
                    List.of(row("id", id, "name", "a", "score", "1.00", "note", null))), e.end()));
        }
        return d;
    }

    /** Batches of exactly canalBatchSize: the in-memory destination always has a full batch waiting. */
    private static DestinationPublisher publisher(InMemoryDestination d, ScriptedProducer producer) {
        return publisher(d, producer, "1");
    }

    private static DestinationPublisher publisher(InMemoryDestination d, ScriptedProducer producer, String growth) {
        Properties p = MqPublishSettingsTest.props("canal.mq.canalBatchSize", "3");
        p.setProperty("sluice.mq.batch.growth", growth);
        p.setProperty("sluice.mq.retry.backoff.ms", "50");
        p.setProperty("sluice.mq.retry.backoff.max.ms", "100");
        return new DestinationPublisher(d, MqPublishSettings.fromProperties(p), producer).start();
    }

    @Test
    void laterBatchesAreSentBeforeTheFirstIsConfirmedAndAckedOnlyAfterEveryEarlierOne() throws Exception {
        InMemoryDestination d = destinationWithRows(6);
        ScriptedProducer producer = new ScriptedProducer();
        try (DestinationPublisher p = publisher(d, producer)) {
            // up to the window, sends do not wait for the broker
            await().atMost(Duration.ofSeconds(10)).until(() -> producer.count() == 4);
            producer.get(1).answer().complete(null);
            producer.get(2).answer().complete(null);
            Thread.sleep(300); // several get timeouts: an ack out of order would have happened by now
            assertThat(d.ackedEntries()).isZero();
            assertThat(producer.count()).isEqualTo(4);

            producer.get(0).answer().complete(null);
            await().atMost(Duration.ofSeconds(10)).until(() -> d.ackedEntries() == 9);
            await().atMost(Duration.ofSeconds(10)).until(() -> producer.count() == 6);
            for (int i = 3; i < 6; i++) {
                producer.get(i).answer().complete(null);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> d.ackedEntries() == d.size());
            assertThat(p.ackedBatches()).isEqualTo(6);
            assertThat(p.failedAttempts()).isZero();
        }
    }

    @Test
    void aFailedBatchIsResentFirstAfterTheConfirmedOnesBeforeItAreAcked() throws Exception {
        InMemoryDestination d = destinationWithRows(4);
        ScriptedProducer producer = new ScriptedProducer();
        try (DestinationPublisher p = publisher(d, producer)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> producer.count() == 4);
            producer.get(0).answer().complete(null);
            producer.get(1).answer().completeExceptionally(new IllegalStateException("broker gone"));
            producer.get(2).answer().complete(null); // confirmed, but after a failed batch: sent again
            await().atMost(Duration.ofSeconds(10)).until(() -> p.failedAttempts() == 1);
            assertThat(d.ackedEntries()).isEqualTo(3);

            // the resend starts with the failed batch (row 2), then rows 3 and 4
            await().atMost(Duration.ofSeconds(10)).until(() -> producer.count() == 7);
            assertThat(producer.get(4).firstPayload()).contains("\"id\":\"2\"");
            assertThat(producer.get(5).firstPayload()).contains("\"id\":\"3\"");
            assertThat(producer.get(6).firstPayload()).contains("\"id\":\"4\"");
            for (int i = 4; i < 7; i++) {
                producer.get(i).answer().complete(null);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> d.ackedEntries() == d.size());
            assertThat(p.state()).isEqualTo(DestinationPublisher.State.RUNNING);
        }
    }

    @Test
    void aDestinationThatIsBehindIsPublishedInGrowingBatchesInOrder() throws Exception {
        InMemoryDestination d = destinationWithRows(40); // 120 entries waiting: canalBatchSize 3 would be 40 batches
        ScriptedProducer producer = new ScriptedProducer();
        try (DestinationPublisher p = publisher(d, producer, "16")) {
            int answered = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (d.ackedEntries() < d.size() && System.nanoTime() < deadline) {
                while (answered < producer.count()) {
                    producer.get(answered++).answer().complete(null);
                }
                Thread.sleep(5);
            }
            assertThat(d.ackedEntries()).isEqualTo(d.size());
            // 3, 6, 12, 24, 48 entries, then the rest (27): six batches instead of forty
            assertThat(producer.count()).isEqualTo(6);
            assertThat(p.ackedBatches()).isEqualTo(6);
            int previous = 0;
            for (int i = 0; i < producer.count(); i++) {
                String first = producer.get(i).firstPayload();
                int id = Integer.parseInt(first.replaceAll("(?s).*\"id\":\"(\\d+)\".*", "$1"));
                assertThat(id).as("first row of batch %d", i).isGreaterThan(previous);
                previous = id;
            }
        }
    }
}
