package io.sluice.server.mq;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes to Kafka with the properties {@link KafkaProducerProperties} decides (idempotent, {@code acks=all}
 * unless the user chose otherwise). Records carry an explicit partition and no key, as canal's do. A producer
 * Kafka's client refuses to build is a configuration error ({@link MqSettingsException}); a broker that cannot
 * be reached or does not confirm is a {@link PublishException}, retried by the publisher.
 */
final class KafkaMqProducer implements MqProducer {

    private static final Logger log = LoggerFactory.getLogger(KafkaMqProducer.class);

    /** Batches sent and not yet confirmed at most, with the idempotent producer. */
    private static final int UNCONFIRMED_SENDS = 16;

    private final Map<String, String> userConfig;
    private Map<String, Object> config;
    private KafkaProducer<byte[], byte[]> producer;
    /** The first record of this producer that Kafka did not write; sends after it fail until reconnected. */
    private volatile AtomicReference<Exception> failure = new AtomicReference<>();

    KafkaMqProducer(Map<String, String> userConfig) {
        this.userConfig = Map.copyOf(userConfig);
    }

    @Override
    public void open() {
        if (producer != null) {
            return;
        }
        if (config == null) {
            // here rather than in the constructor: a refused key then stops the publisher like any refused setting
            config = KafkaProducerProperties.of(userConfig);
        }
        try {
            producer = new KafkaProducer<>(config);
        } catch (KafkaException e) {
            ConfigException refused = configCause(e);
            if (refused != null && String.valueOf(refused.getMessage()).contains("No resolvable bootstrap urls")) {
                // a broker name DNS does not know yet (a service still being created) is retried, not fatal
                throw new PublishException("Kafka's bootstrap servers " + config.get("bootstrap.servers")
                        + " do not resolve", refused);
            }
            if (refused != null) {
                throw KafkaProducerProperties.settingsError(refused, config);
            }
            // the client refused to start for another reason, in practice the security settings (SASL without
            // a JAAS entry, a missing key store): retrying the same settings cannot help
            String key = config.containsKey("security.protocol") ? "security.protocol" : "bootstrap.servers";
            throw new MqSettingsException("kafka." + key, String.valueOf(config.get(key)),
                    "Kafka's client refused the producer settings: " + rootMessage(e));
        }
    }

    private static ConfigException configCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConfigException c) {
                return c;
            }
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !text.toString().contains(t.getMessage())) {
                text.append(" <- ").append(t.getMessage());
            }
        }
        return text.toString();
    }

    @Override
    public void publish(List<MqMessage> messages) throws InterruptedException {
        if (messages.isEmpty()) {
            return;
        }
        Confirmation sent = send(messages);
        try {
            producer.flush();
        } catch (InterruptException e) {
            discard();
            throw new InterruptedException("interrupted while publishing to Kafka");
        } catch (RuntimeException e) {
            throw fail(e);
        }
        sent.await();
    }

    /**
     * Up to {@value #UNCONFIRMED_SENDS} batches wait for confirmation with the idempotent producer, which keeps a
     * partition's order across requests and retries; without it (canal's one request in flight, retries as
     * given), a failed request could be overtaken by a later batch, so each batch is confirmed before the next.
     */
    @Override
    public int maxUnconfirmedSends() {
        return config != null && "true".equals(String.valueOf(config.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)))
                ? UNCONFIRMED_SENDS : 1;
    }

    @Override
    public Confirmation send(List<MqMessage> messages) throws InterruptedException {
        if (messages.isEmpty()) {
            return Confirmation.CONFIRMED;
        }
        // once a record failed, records sent after it could reach the broker ahead of its retry
        if (failure.get() != null) {
            throw fail(failure.get());
        }
        Sent sent = new Sent(messages.size());
        try {
            open();
            AtomicReference<Exception> producerFailure = failure;
            for (MqMessage m : messages) {
                if (producerFailure.get() != null) {
                    throw fail(producerFailure.get());
                }
                sent.futures.add(producer.send(new ProducerRecord<>(m.topic(), m.partition(), m.key(), m.payload()),
                        (metadata, e) -> {
                            if (e != null) {
                                producerFailure.compareAndSet(null, e);
                                sent.failed = true;
                            } else {
                                sent.confirmed.incrementAndGet();
                            }
                        }));
            }
        } catch (InterruptException e) {
            discard();
            throw new InterruptedException("interrupted while publishing to Kafka");
        } catch (MqSettingsException | PublishException e) {
            throw e;
        } catch (RuntimeException e) {
            throw fail(e);
        }
        return sent;
    }

    /** The records of one send; confirmed when every callback reported success. */
    private final class Sent implements Confirmation {

        private final int records;
        private final List<Future<RecordMetadata>> futures;
        private final AtomicInteger confirmed = new AtomicInteger();
        private volatile boolean failed;

        Sent(int records) {
            this.records = records;
            this.futures = new ArrayList<>(records);
        }

        @Override
        public boolean isConfirmed() {
            return !failed && confirmed.get() == records;
        }

        @Override
        public void await() throws InterruptedException {
            try {
                for (Future<RecordMetadata> f : futures) {
                    f.get();
                }
            } catch (ExecutionException e) {
                throw fail(e.getCause() != null ? e.getCause() : e);
            }
            if (failed || futures.size() < records) {
                throw fail(failure.get() != null ? failure.get() : new IllegalStateException("records not sent"));
            }
        }
    }

    private PublishException fail(Throwable cause) {
        discard();
        return new PublishException("Kafka did not confirm the batch: " + cause, cause);
    }

    private void discard() {
        // a fresh producer starts without the failure: the publisher resends from the first unconfirmed batch
        failure = new AtomicReference<>();
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (RuntimeException e) {
                log.warn("closing the failed Kafka producer: {}", e.toString());
            }
            producer = null;
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
            producer = null;
        }
    }
}
