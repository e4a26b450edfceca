package io.sluice.server.mq;

import io.sluice.server.instance.Batch;
import io.sluice.server.instance.Destination;
import io.sluice.server.meta.ClientIdentity;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * canal's MQ mode for one destination: an in-process consumer (client 1001) that gets a batch without ack,
 * publishes it, waits until the broker confirmed every message, and only then acks, so the acked position
 * in meta never passes an unconfirmed row. When the broker is down or refuses, the batch is rolled back and
 * published again after a doubling backoff; later batches never overtake it. After a crash, the destination
 * resumes from the last ack: at-least-once, never loss.
 *
 * <p>One thread per destination; {@link #close()} stops it and the producer.
 */
public final class DestinationPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DestinationPublisher.class);

    /** Where the publisher is, for status pages and tests. */
    public enum State {
        STARTING, RUNNING, RETRYING, STOPPED_ON_OVERSIZE_ROW, STOPPED_ON_SETTINGS, CLOSED
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
    private volatile State state = State.STARTING;
    private volatile boolean running = true;

    public DestinationPublisher(Destination destination, MqPublishSettings settings, MqProducer producer) {
        this(destination, settings, producer, System::currentTimeMillis);
    }

    DestinationPublisher(Destination destination, MqPublishSettings settings, MqProducer producer, LongSupplier clock) {
        this.destination = destination;
        this.settings = settings;
        this.producer = producer;
        this.builder = new MessageBuilder(settings, clock);
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
            while (running) {
                Batch batch = destination.getWithoutAck(client, settings.batchSize(), settings.getTimeoutMillis(),
                        TimeUnit.MILLISECONDS);
                if (batch.isEmpty()) {
                    continue;
                }
                try {
                    List<MqMessage> messages = builder.build(batch);
                    producer.publish(messages);
                    destination.ack(client, batch.id());
                    ackedBatches.incrementAndGet();
                    publishedMessages.addAndGet(messages.size());
                    publishedEntries.addAndGet(batch.entries().size());
                    if (state != State.RUNNING) {
                        log.info("destination {}: publishing again after {} failed attempts", destination.name(),
                                failedAttempts.get());
                        state = State.RUNNING;
                    }
                    backoff = settings.retryBackoff();
                } catch (OversizeRowException e) {
                    destination.rollback(client, 0);
                    state = State.STOPPED_ON_OVERSIZE_ROW;
                    log.error("destination {}: publishing stopped, nothing after the row is acked: {}",
                            destination.name(), e.getMessage());
                    return;
                } catch (MqSettingsException e) {
                    throw e;
                } catch (RuntimeException e) {
                    destination.rollback(client, 0);
                    if (e instanceof PublishException) {
                        // an expected condition (broker down, refusing, slow): one line, no stack trace
                        log.warn("destination {}: batch {} not published, retrying in {} ms: {}", destination.name(),
                                batch.id(), backoff.toMillis(), rootMessage(e));
                    } else {
                        log.error("destination {}: batch {} failed unexpectedly, retrying in {} ms", destination.name(),
                                batch.id(), backoff.toMillis(), e);
                    }
                    backoff = waitBeforeRetry(backoff);
                }
            }
        } catch (MqSettingsException e) {
            // the client library or the broker refused a setting: the same settings would fail forever
            destination.rollback(client, 0);
            state = State.STOPPED_ON_SETTINGS;
            log.error("destination {}: publishing stopped, nothing is acked until the setting is fixed: {}",
                    destination.name(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // the destination itself failed (stopped underneath us); the instance's owner restarts it
            log.error("destination {}: publisher stopped", destination.name(), e);
        } finally {
            if (state != State.STOPPED_ON_OVERSIZE_ROW && state != State.STOPPED_ON_SETTINGS) {
                state = State.CLOSED;
            }
        }
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
        state = state == State.STOPPED_ON_OVERSIZE_ROW || state == State.STOPPED_ON_SETTINGS ? state : State.CLOSED;
    }
}
