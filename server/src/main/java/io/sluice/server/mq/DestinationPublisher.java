package io.sluice.server.mq;

import io.sluice.server.entry.StoredEntry;
import io.sluice.server.instance.Batch;
import io.sluice.server.instance.Destination;
import io.sluice.server.meta.ClientIdentity;
import io.sluice.server.position.SourcePositions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * canal's MQ mode for one destination: an in-process consumer (client 1001) that gets a batch without ack,
 * publishes it and acks it once the broker confirmed every message of it and of every earlier batch, so the
 * acked position in meta never passes an unconfirmed row. While the broker confirms a batch, the next ones are
 * fetched, built and sent (up to {@link MqProducer#maxUnconfirmedSends()}; Kafka's idempotent producer keeps
 * their order). When the broker is down or refuses, every unacked batch is rolled back and published again,
 * from the first unconfirmed one, after a doubling backoff; later batches never overtake it. After a crash, the
 * destination resumes from the last ack: at-least-once, never loss. A destination that is behind gets larger
 * batches than {@code canal.mq.canalBatchSize} ({@link BacklogFetchSize}), so fewer, fuller messages.
 *
 * <p>With a {@link TransactionalProducer} (exactly-once mode) each batch is instead one transaction together with
 * the position it reaches, committed before the next batch is fetched (no pipelining: Kafka allows one open
 * transaction per producer). The committed position, read back from Kafka at start and after every failure,
 * wins over the acked position in meta, which can only lag it (meta is written after the commit): entries it
 * covers are acked without being published again.
 *
 * <p>One thread per destination; {@link #close()} stops it and the producer.
 */
public final class DestinationPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DestinationPublisher.class);

    /** Where the publisher is, for status pages and tests. */
    public enum State {
        STARTING, RUNNING, RETRYING, STOPPED_ON_OVERSIZE_ROW, STOPPED_ON_SETTINGS, STOPPED_FENCED, CLOSED
    }

    private final Destination destination;
    private final MqPublishSettings settings;
    private final MqProducer producer;
    private final MessageBuilder builder;
    private final ClientIdentity client;
    private final Thread thread;
    private final AtomicLong ackedBatches = new AtomicLong();
    private final AtomicLong publishedMessages = new AtomicLong();
    private final AtomicLong publishedEntries = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong alreadyCommittedEntries = new AtomicLong();
    private volatile State state = State.STARTING;
    private volatile boolean running = true;

    public DestinationPublisher(Destination destination, MqPublishSettings settings, MqProducer producer) {
        this(destination, settings, producer, System::currentTimeMillis);
    }

    DestinationPublisher(Destination destination, MqPublishSettings settings, MqProducer producer, LongSupplier clock) {
        this(destination, settings, producer, clock, true);
    }

    /** @param directFlat false: FlatMessages through the object path only (for benchmarks comparing the two) */
    DestinationPublisher(Destination destination, MqPublishSettings settings, MqProducer producer, LongSupplier clock,
                         boolean directFlat) {
        this.destination = destination;
        this.settings = settings;
        this.producer = producer;
        this.builder = new MessageBuilder(settings, clock, directFlat);
        this.client = new ClientIdentity(destination.name(), MqPublishSettings.CLIENT_ID);
        this.thread = new Thread(this::run, "mq-" + settings.broker().name().toLowerCase() + "-" + destination.name());
    }

    /** Starts publishing; returns at once. */
    public DestinationPublisher start() {
        thread.start();
        return this;
    }

    public State state() {
        return state;
    }

    public long ackedBatches() {
        return ackedBatches.get();
    }

    public long publishedMessages() {
        return publishedMessages.get();
    }

    /** Entries of acked batches (BEGIN/END included), the pace of the destination's store. */
    public long publishedEntries() {
        return publishedEntries.get();
    }

    public long failedAttempts() {
        return failedAttempts.get();
    }

    /** Exactly-once mode: entries fetched again after a restart that Kafka already had, acked unpublished. */
    public long alreadyCommittedEntries() {
        return alreadyCommittedEntries.get();
    }

    public long skippedRows() {
        return builder.skippedRows();
    }

    private void run() {
        log.info("publishing destination {} to {} (topic {}, {})", destination.name(), settings.broker(),
                settings.topic(), settings.format().format() == MqFormat.DEBEZIUM ? "Debezium JSON"
                        : settings.flatMessage() ? "FlatMessage" : "protobuf");
        Duration backoff = settings.retryBackoff();
        try {
            if (!destination.isSubscribed(client)) {
                destination.subscribe(client, "");
            }
            // batches handed out before a restart of this publisher were never confirmed
            destination.rollback(client, 0);
            // connect before the first batch: a refused setting is reported at start, not at the first row
            while (running) {
                try {
                    producer.open();
                    break;
                } catch (PublishException e) {
                    log.warn("destination {}: {} cannot be reached, retrying in {} ms: {}", destination.name(),
                            settings.broker(), backoff.toMillis(), rootMessage(e));
                    backoff = waitBeforeRetry(backoff);
                }
            }
            state = State.RUNNING;
            if (producer instanceof TransactionalProducer transactional) {
                publishInTransactions(transactional);
                return;
            }
            int window = Math.max(1, producer.maxUnconfirmedSends());
            Deque<Unconfirmed> unconfirmed = new ArrayDeque<>();
            BacklogFetchSize fetchSize = new BacklogFetchSize(settings.batchSize(), settings.batchGrowth(),
                    settings.getTimeoutMillis());
            while (running) {
                try {
                    ackConfirmed(unconfirmed, false);
                } catch (MqSettingsException e) {
                    throw e;
                } catch (RuntimeException e) {
                    backoff = retry(unconfirmed, null, e, backoff);
                    continue;
                }
                long asked = System.nanoTime();
                Batch batch = destination.getWithoutAck(client, fetchSize.current(), settings.getTimeoutMillis(),
                        TimeUnit.MILLISECONDS);
                fetchSize.after(!batch.isEmpty(), System.nanoTime() - asked);
                try {
                    if (batch.isEmpty()) {
                        // nothing more for now: confirm what is out so the acked position does not lag
                        ackConfirmed(unconfirmed, true);
                        continue;
                    }
                    List<MqMessage> messages;
                    try {
                        messages = builder.build(batch);
                    } catch (OversizeRowException e) {
                        // every batch before the oversize row is published and acked, nothing after it
                        ackConfirmed(unconfirmed, true);
                        throw e;
                    }
                    unconfirmed.addLast(new Unconfirmed(batch, messages.size(), producer.send(messages)));
                    // the next batch is fetched and built while the broker confirms this one, up to the window
                    while (unconfirmed.size() >= window) {
                        unconfirmed.peekFirst().confirmation().await();
                        ackConfirmed(unconfirmed, false);
                    }
                    backoff = state == State.RUNNING ? settings.retryBackoff() : backoff;
                } catch (OversizeRowException e) {
                    destination.rollback(client, 0);
                    state = State.STOPPED_ON_OVERSIZE_ROW;
                    log.error("destination {}: publishing stopped, nothing after the row is acked: {}",
                            destination.name(), e.getMessage());
                    return;
                } catch (MqSettingsException e) {
                    throw e;
                } catch (RuntimeException e) {
                    backoff = retry(unconfirmed, batch, e, backoff);
                }
            }
        } catch (MqSettingsException e) {
            // the client library or the broker refused a setting: the same settings would fail forever
            destination.rollback(client, 0);
            state = State.STOPPED_ON_SETTINGS;
            log.error("destination {}: publishing stopped, nothing is acked until the setting is fixed: {}",
                    destination.name(), e.getMessage());
        } catch (PublisherFencedException e) {
            destination.rollback(client, 0);
            state = State.STOPPED_FENCED;
            log.error("destination {}: publishing stopped, nothing more is acked here: {}", destination.name(),
                    e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // the destination itself failed (stopped underneath us); the instance's owner restarts it
            log.error("destination {}: publisher stopped", destination.name(), e);
        } finally {
            if (!stopped(state)) {
                state = State.CLOSED;
            }
        }
    }

    private static boolean stopped(State s) {
        return s == State.STOPPED_ON_OVERSIZE_ROW || s == State.STOPPED_ON_SETTINGS || s == State.STOPPED_FENCED;
    }

    /**
     * Exactly-once mode: one batch at a time, each committed with the position it reaches. Entries the committed
     * position already covers (published before a crash, acked in meta or not) are acked without publishing.
     */
    private void publishInTransactions(TransactionalProducer transactional) throws InterruptedException {
        Duration backoff = settings.retryBackoff();
        SourcePositions committed = null; // null: read it from Kafka (at start, and after any failure)
        long coveredInARow = 0;
        while (running) {
            Batch batch = null;
            try {
                if (committed == null) {
                    committed = transactional.committedPositions();
                    log.info("destination {}: exactly-once, resuming after the position committed in Kafka: {}",
                            destination.name(), committed.isEmpty() ? "none yet (starting from meta)" : committed);
                }
                batch = destination.getWithoutAck(client, settings.batchSize(), settings.getTimeoutMillis(),
                        TimeUnit.MILLISECONDS);
                if (batch.isEmpty()) {
                    continue;
                }
                List<StoredEntry> fresh = new ArrayList<>(batch.entries().size());
                SourcePositions reached = committed;
                for (StoredEntry e : batch.entries()) {
                    if (!committed.covers(e.source(), e.resume())) {
                        fresh.add(e);
                        reached = reached.max(SourcePositions.of(e.source(), e.resume()));
                    }
                }
                int known = batch.entries().size() - fresh.size();
                coveredInARow += known;
                if (!fresh.isEmpty() && coveredInARow > 0) {
                    // meta.dat is written after the commit, so after a crash it can lag Kafka by the last batches
                    log.info("destination {}: {} entries were already committed to Kafka (the stored ack lagged);"
                            + " acked without publishing them again", destination.name(), coveredInARow);
                    coveredInARow = 0;
                }
                if (!fresh.isEmpty()) {
                    List<MqMessage> messages = builder.build(new Batch(batch.id(), fresh));
                    transactional.commit(messages, reached);
                    committed = reached;
                    publishedMessages.addAndGet(messages.size());
                }
                destination.ack(client, batch.id());
                ackedBatches.incrementAndGet();
                publishedEntries.addAndGet(fresh.size());
                alreadyCommittedEntries.addAndGet(known);
                if (state != State.RUNNING) {
                    publishingAgain();
                }
                backoff = settings.retryBackoff();
            } catch (OversizeRowException e) {
                destination.rollback(client, 0);
                state = State.STOPPED_ON_OVERSIZE_ROW;
                log.error("destination {}: publishing stopped, nothing after the row is acked: {}",
                        destination.name(), e.getMessage());
                return;
            } catch (MqSettingsException | PublisherFencedException e) {
                throw e; // stops publishing, see run()
            } catch (RuntimeException e) {
                // a commit whose answer was lost may have succeeded: the position is read again before going on
                committed = null;
                backoff = retry(new ArrayDeque<>(), batch, e, backoff);
            }
        }
    }

    /** A batch sent to the broker and not acked yet, oldest first. */
    private record Unconfirmed(Batch batch, int messages, MqProducer.Confirmation confirmation) {
    }

    /**
     * Acks the batches at the head that the broker confirmed, in order; with {@code all}, waits for every one.
     * A batch is acked only once it and every earlier batch are confirmed.
     */
    private void ackConfirmed(Deque<Unconfirmed> unconfirmed, boolean all) throws InterruptedException {
        while (!unconfirmed.isEmpty()) {
            Unconfirmed head = unconfirmed.peekFirst();
            if (all) {
                head.confirmation().await();
            } else if (!head.confirmation().isConfirmed()) {
                return;
            }
            destination.ack(client, head.batch().id());
            unconfirmed.pollFirst();
            ackedBatches.incrementAndGet();
            publishedMessages.addAndGet(head.messages());
            publishedEntries.addAndGet(head.batch().entries().size());
            if (state != State.RUNNING) {
                publishingAgain();
            }
        }
    }

    private void publishingAgain() {
        log.info("destination {}: publishing again after {} failed attempts", destination.name(), failedAttempts.get());
        state = State.RUNNING;
    }

    /**
     * After a failure: acks what the broker confirmed in order before it, rolls back the rest (the first
     * unconfirmed batch is published again first) and waits the backoff.
     */
    private Duration retry(Deque<Unconfirmed> unconfirmed, Batch current, RuntimeException e, Duration backoff)
            throws InterruptedException {
        long first = current == null ? -1 : current.id();
        try {
            ackConfirmed(unconfirmed, false);
        } catch (RuntimeException ackFailed) {
            // the destination refused the ack: everything unacked goes back
            e.addSuppressed(ackFailed);
        }
        if (!unconfirmed.isEmpty()) {
            first = unconfirmed.peekFirst().batch().id();
        }
        unconfirmed.clear();
        destination.rollback(client, 0);
        if (e instanceof PublishException) {
            // an expected condition (broker down, refusing, slow): one line, no stack trace
            log.warn("destination {}: batch {} not published, retrying in {} ms: {}", destination.name(),
                    first, backoff.toMillis(), rootMessage(e));
        } else {
            log.error("destination {}: batch {} failed unexpectedly, retrying in {} ms", destination.name(),
                    first, backoff.toMillis(), e);
        }
        return waitBeforeRetry(backoff);
    }

    /** Counts the failed attempt, sleeps {@code backoff} and returns the next one (doubled, capped). */
    private Duration waitBeforeRetry(Duration backoff) throws InterruptedException {
        failedAttempts.incrementAndGet();
        state = State.RETRYING;
        Thread.sleep(backoff.toMillis());
        Duration next = backoff.multipliedBy(2);
        return next.compareTo(settings.retryBackoffMax()) > 0 ? settings.retryBackoffMax() : next;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null && !text.toString().contains(t.getMessage())) {
                text.append(" <- ").append(t.getMessage());
            }
        }
        return text.toString();
    }

    /** Stops after the batch in hand (unacked, so it is published again on the next start) and closes the producer. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
        state = stopped(state) ? state : State.CLOSED;
    }
}
