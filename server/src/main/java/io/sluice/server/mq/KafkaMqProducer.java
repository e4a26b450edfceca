package io.sluice.server.mq;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes to Kafka with an idempotent producer and {@code acks=all} unless the user chose otherwise. Records
 * carry an explicit partition and no key, as canal's do. Ordering: with idempotence Kafka keeps the order of a
 * partition's records for up to 5 in-flight requests per connection; without it (the user set {@code acks} to
 * 0/1 or disabled idempotence) one in-flight request is the only safe setting, as canal forces.
 */
final class KafkaMqProducer implements MqProducer {

    private static final Logger log = LoggerFactory.getLogger(KafkaMqProducer.class);

    private static final int MAX_IN_FLIGHT_WITH_IDEMPOTENCE = 5;

    private final Map<String, Object> config;
    private KafkaProducer<byte[], byte[]> producer;

    KafkaMqProducer(Map<String, String> userConfig) {
        this.config = producerConfig(userConfig);
    }

    static Map<String, Object> producerConfig(Map<String, String> userConfig) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, String.valueOf(MAX_IN_FLIGHT_WITH_IDEMPOTENCE));
        for (Map.Entry<String, String> e : userConfig.entrySet()) {
            if (e.getKey().startsWith("kerberos.")) {
                // canal's kafka.kerberos.* keys set JVM-wide system properties; Sluice takes the standard
                // sasl.* / security.protocol keys instead (sasl.kerberos.service.name, sasl.jaas.config)
                log.warn("kafka.{} is canal's Kerberos shortcut and is not applied; use kafka.security.protocol, "
                        + "kafka.sasl.kerberos.service.name and kafka.sasl.jaas.config", e.getKey());
                continue;
            }
            config.put(e.getKey(), e.getValue());
        }
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());

        String acks = String.valueOf(config.get(ProducerConfig.ACKS_CONFIG)).trim().toLowerCase(Locale.ROOT);
        boolean idempotent = Boolean.parseBoolean(String.valueOf(config.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).trim());
        if (idempotent && !(acks.equals("all") || acks.equals("-1"))) {
            // Kafka refuses idempotence without acks=all; the user asked for weaker acks, so idempotence goes
            log.warn("kafka.acks={} disables the idempotent producer; publishing with one request in flight to keep order",
                    acks);
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
            idempotent = false;
        }
        int inFlight = Integer.parseInt(String.valueOf(config.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION)).trim());
        int safe = idempotent ? MAX_IN_FLIGHT_WITH_IDEMPOTENCE : 1;
        if (inFlight > safe) {
            log.warn("kafka.max.in.flight.requests.per.connection={} could reorder records on retry; using {}", inFlight, safe);
            config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, String.valueOf(safe));
        }
        return config;
    }

    @Override
    public void publish(List<MqMessage> messages) throws InterruptedException {
        if (messages.isEmpty()) {
            return;
        }
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Future<RecordMetadata>> sent = new ArrayList<>(messages.size());
        try {
            if (producer == null) {
                producer = new KafkaProducer<>(config);
            }
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
