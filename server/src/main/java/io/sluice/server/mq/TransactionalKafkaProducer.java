package io.sluice.server.mq;

import io.sluice.server.position.SourcePositions;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's transactional producer for the exactly-once mode: each {@link #commit} is one transaction holding the
 * batch's messages and the destination's position record (topic {@link ExactlyOnceSettings#positionTopic()}, key =
 * destination), so a {@code read_committed} consumer sees both or neither. The {@code transactional.id} is stable per
 * destination: opening the producer fences the producer of a killed or stale server and aborts its open
 * transaction before the committed position is read back.
 *
 * <p>Any failure other than being fenced closes the producer; the next call opens a new one (aborting what the
 * failed transaction left open), and the caller reads the committed position again.
 */
final class TransactionalKafkaProducer implements TransactionalProducer {

    private static final Logger log = LoggerFactory.getLogger(TransactionalKafkaProducer.class);

    /** How long reading the committed position may wait for other producers' open transactions to end. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final String destination;
    private final Map<String, String> userConfig;
    private final ExactlyOnceSettings settings;
    private Map<String, Object> config;
    private KafkaProducer<byte[], byte[]> producer;
    private boolean topicChecked;

    TransactionalKafkaProducer(String destination, Map<String, String> userConfig, ExactlyOnceSettings settings) {
        this.destination = destination;
        this.userConfig = Map.copyOf(userConfig);
        this.settings = settings;
    }

    @Override
    public void open() throws InterruptedException {
        if (producer != null) {
            return;
        }
        if (config == null) {
            Map<String, Object> c = KafkaProducerProperties.of(userConfig);
            if (!"true".equals(String.valueOf(c.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)))) {
                throw new MqSettingsException(ExactlyOnceSettings.KEY, "true", "needs Kafka's idempotent producer:"
                        + " remove kafka.enable.idempotence = false and kafka.acks other than all");
            }
            c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
            config = c;
        }
        if (!topicChecked) {
            createPositionTopic();
            topicChecked = true;
        }
        KafkaProducer<byte[], byte[]> p;
        try {
            p = new KafkaProducer<>(config);
        } catch (KafkaException e) {
            ConfigException refused = cause(e, ConfigException.class);
            if (refused != null) {
                throw KafkaProducerProperties.settingsError(refused, config);
            }
            throw new MqSettingsException("kafka.bootstrap.servers", String.valueOf(config.get("bootstrap.servers")),
                    "Kafka's client refused the producer settings: " + e.getMessage());
        }
        try {
            // fences every earlier producer with this id and aborts (or finishes) its open transaction
            p.initTransactions();
        } catch (RuntimeException e) {
            p.close(Duration.ZERO);
            throw translate(e, "initializing the transactional producer " + settings.transactionalId());
        }
        producer = p;
    }

    @Override
    public SourcePositions committedPositions() throws InterruptedException {
        open();
        byte[] key = PositionRecord.key(destination);
        try (Admin admin = Admin.create(clientConfig(AdminClientConfig.configNames()));
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig())) {
            List<PartitionInfo> infos = consumer.partitionsFor(settings.positionTopic(), ADMIN_TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                return SourcePositions.NONE;
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            // read up to the high watermark, not just the stable offset: a transaction of another destination that
            // was open when this read began could hide this destination's later committed record behind it
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest,
                    new org.apache.kafka.clients.admin.ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
                    .all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            byte[] last = null;
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (!reached(consumer, partitions, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new PublishException("the committed position of " + destination + " in "
                            + settings.positionTopic() + " could not be read within " + READ_TIMEOUT.toSeconds()
                            + " s (a transaction of another producer stays open)", null);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (Arrays.equals(key, r.key())) {
                        last = r.value(); // null: a tombstone an operator wrote to forget the position
                    }
                }
            }
            return last == null ? SourcePositions.NONE : PositionRecord.positions(last);
        } catch (IOException e) {
            // a record Sluice did not write under its key: resuming from a guess would lose or repeat rows
            throw new MqSettingsException(ExactlyOnceSettings.KEY + ".position.topic", settings.positionTopic(),
                    "the record for " + destination + " is not a Sluice position record: " + e.getMessage());
        } catch (ExecutionException e) {
            throw translate(e.getCause() != null ? e.getCause() : e, "reading the committed position");
        } catch (TimeoutException e) {
            throw new PublishException("reading the committed position: Kafka did not answer in time", e);
        } catch (InterruptException e) {
            throw new InterruptedException("interrupted while reading the committed position");
        } catch (MqSettingsException | PublishException | PublisherFencedException e) {
            throw e;
        } catch (RuntimeException e) {
            throw translate(e, "reading the committed position");
        }
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
                                   Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends) {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp) < ends.get(tp).offset()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void commit(List<MqMessage> messages, SourcePositions reached) throws InterruptedException {
        open();
        try {
            producer.beginTransaction();
            for (MqMessage m : messages) {
                producer.send(new ProducerRecord<>(m.topic(), m.partition(), m.key(), m.payload()));
            }
            if (reached != null) {
                producer.send(new ProducerRecord<>(settings.positionTopic(), PositionRecord.key(destination),
                        PositionRecord.value(destination, reached)));
            }
            // flushes, and fails when any send of the transaction failed
            producer.commitTransaction();
        } catch (RuntimeException e) {
            InvalidProducerEpochException bumped = cause(e, InvalidProducerEpochException.class);
            throw bumped != null && producer != null ? abortAfterEpochBump(bumped) : translate(e, "committing the batch");
        }
    }

    /**
     * The coordinator bumped this producer's epoch: either a successor with the same id took over, or the coordinator
     * aborted a transaction that outlived {@code transaction.timeout.ms}. Kafka lets the producer abort and go on in
     * the second case and fences it in the first, so the producer aborts and is kept: a new producer would fence the
     * successor. The batch is published again after the committed position was read again.
     */
    private RuntimeException abortAfterEpochBump(InvalidProducerEpochException e) throws InterruptedException {
        try {
            producer.abortTransaction();
        } catch (RuntimeException abortFailed) {
            return translate(abortFailed, "aborting after " + e.getMessage());
        }
        return new PublishException("Kafka aborted the transaction (producer epoch bumped): " + e.getMessage(), e);
    }

    @Override
    public void publish(List<MqMessage> messages) throws InterruptedException {
        commit(messages, null);
    }

    /** Closes the producer (a new one aborts what is left open) and says what the caller can do about {@code e}. */
    private RuntimeException translate(Throwable e, String doing) throws InterruptedException {
        discard();
        if (e instanceof InterruptException || e instanceof InterruptedException) {
            throw new InterruptedException("interrupted while " + doing);
        }
        ProducerFencedException fenced = cause(e, ProducerFencedException.class);
        if (fenced != null) {
            return new PublisherFencedException("Kafka fenced transactional.id " + settings.transactionalId()
                    + ": another producer with this id took over (" + fenced.getMessage() + ")", fenced);
        }
        if (cause(e, AuthorizationException.class) != null || cause(e, UnsupportedVersionException.class) != null) {
            return new MqSettingsException(ExactlyOnceSettings.KEY, "true", "Kafka refused transactions for "
                    + settings.transactionalId() + " while " + doing + ": " + e.getMessage());
        }
        return new PublishException("Kafka did not commit (" + doing + "): " + e, e);
    }

    private void createPositionTopic() {
        NewTopic topic = new NewTopic(settings.positionTopic(), Optional.of(1), Optional.empty())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        try (Admin admin = Admin.create(clientConfig(AdminClientConfig.configNames()))) {
            admin.createTopics(List.of(topic)).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            log.info("created the compacted position topic {}", settings.positionTopic());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                // it may exist already under rights that do not include creating topics; the commit says if not
                log.warn("the position topic {} could not be created: {}", settings.positionTopic(),
                        e.getCause() == null ? e.toString() : e.getCause().getMessage());
            }
        } catch (TimeoutException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("the position topic {} could not be created: {}", settings.positionTopic(), e.toString());
        }
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> c = clientConfig(ConsumerConfig.configNames());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return c;
    }

    /** The connection keys of the user's {@code kafka.*} settings (servers, security) that {@code names} knows. */
    private Map<String, Object> clientConfig(Set<String> names) {
        Map<String, Object> c = new HashMap<>();
        userConfig.forEach((k, v) -> {
            if (names.contains(k) && !k.startsWith("key.") && !k.startsWith("value.") && !k.equals("client.id")
                    && !k.startsWith("metric") && !k.startsWith("interceptor")) {
                c.put(k, v);
            }
        });
        return c;
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private void discard() {
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (RuntimeException e) {
                log.warn("closing the failed transactional Kafka producer: {}", e.toString());
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
