package io.sluice.server.mq;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
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

    private final Map<String, String> userConfig;
    private Map<String, Object> config;
    private KafkaProducer<byte[], byte[]> producer;

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
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Future<RecordMetadata>> sent = new ArrayList<>(messages.size());
        try {
            open();
            for (MqMessage m : messages) {
                // once one record failed, sending more of the batch could put later rows ahead of it on retry
                if (failure.get() != null) {
                    break;
                }
                sent.add(producer.send(new ProducerRecord<>(m.topic(), m.partition(), null, m.payload()),
                        (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        }));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw fail(e.getCause() != null ? e.getCause() : e);
        } catch (InterruptException e) {
            discard();
            throw new InterruptedException("interrupted while publishing to Kafka");
        } catch (MqSettingsException | PublishException e) {
            throw e;
        } catch (RuntimeException e) {
            throw fail(e);
        }
        if (failure.get() != null) {
            throw fail(failure.get());
        }
    }

    private PublishException fail(Throwable cause) {
        discard();
        return new PublishException("Kafka did not confirm the batch: " + cause, cause);
    }

    private void discard() {
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
