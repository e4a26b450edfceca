package io.sluice.server.mq;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What one destination's publisher needs, read from the merged view of {@code canal.properties} and the
 * destination's {@code instance.properties} (instance keys win, as in canal). Keys are canal's
 * (CANAL-PROTOCOL.md §4, §6.2–6.3); Sluice's own additions live under {@code sluice.mq.}.
 *
 * @param broker                 {@code canal.serverMode}
 * @param flatMessage            {@code canal.mq.flatMessage}: FlatMessage JSON (true) or canal's protobuf Packet
 * @param batchSize              {@code canal.mq.canalBatchSize}: fetch size of the in-process GET
 * @param getTimeoutMillis       {@code canal.mq.canalGetTimeout}
 * @param batchGrowth            {@code sluice.mq.batch.growth}: with a backlog the GET's fetch size grows up to this
 *                               many times {@code batchSize} ({@link BacklogFetchSize}); 1 = canal's fixed size
 * @param databaseHash           {@code canal.mq.database.hash}: seed partition hashes with the schema name
 * @param filterTransactionEntry {@code canal.instance.filter.transaction.entry}: omit BEGIN/END (protobuf mode)
 * @param topic                  {@code canal.mq.topic}: the default topic
 * @param dynamicTopic           {@code canal.mq.dynamicTopic}, "" when unset
 * @param partition              {@code canal.mq.partition}: the partition when no hash applies
 * @param partitionsNum          {@code canal.mq.partitionsNum}: partitions the hash spreads over (canal: 1 when unset)
 * @param partitionHash          {@code canal.mq.partitionHash}, "" when unset
 * @param dynamicTopicPartitionNum {@code canal.mq.dynamicTopicPartitionNum}, "" when unset
 * @param kafka                  every {@code kafka.<x>} key as producer property {@code <x>}
 * @param rabbitMq               the {@code rabbitmq.*} keys; null unless the broker is RabbitMQ
 * @param maxMessageBytes        {@code sluice.mq.max.message.bytes}: messages are split below this; defaults to
 *                               {@code kafka.max.request.size} (1 MiB) less a margin for Kafka's record framing
 * @param oversizePolicy         {@code sluice.mq.oversize.policy}: a single row above the limit stops or is skipped
 * @param retryBackoff           {@code sluice.mq.retry.backoff.ms}: first wait after a failed batch
 * @param retryBackoffMax        {@code sluice.mq.retry.backoff.max.ms}: the wait doubles up to this
 * @param canalCompatibleValues  {@code sluice.values.canal-compatible}: FlatMessage {@code old} accumulates the
 *                               changed columns of earlier rows of an UPDATE into later rows, as canal's does
 * @param mergeFlatRows          {@code sluice.mq.flat.merge.rows}: consecutive FlatMessages of one batch, transaction
 *                               and table with the same shape become one message with all their rows
 * @param format                 {@code sluice.mq.format}, {@code sluice.mq.ddl*}, {@code sluice.mq.binary.encoding},
 *                               {@code sluice.mq.debezium.*}: the message format (canal's by default)
 */
public record MqPublishSettings(Broker broker, boolean flatMessage, int batchSize, long getTimeoutMillis,
                                int batchGrowth,
                                boolean databaseHash, boolean filterTransactionEntry, String topic,
                                String dynamicTopic, int partition, int partitionsNum, String partitionHash,
                                String dynamicTopicPartitionNum, Map<String, String> kafka,
                                RabbitMqSettings rabbitMq, int maxMessageBytes, OversizePolicy oversizePolicy,
                                Duration retryBackoff, Duration retryBackoffMax, boolean canalCompatibleValues,
                                boolean mergeFlatRows, FormatSettings format) {

    /** canal's MQ consumer uses the official client's fixed id (CANAL-PROTOCOL.md §2.11). */
    public static final short CLIENT_ID = 1001;

    /** Room for Kafka's record and batch headers around the payload (record ~25 B, batch header 61 B). */
    static final int KAFKA_FRAMING_MARGIN = 1024;

    private static final int KAFKA_DEFAULT_MAX_REQUEST_SIZE = 1_048_576;

    public MqPublishSettings {
        kafka = Map.copyOf(kafka);
    }

    /** Reads and validates the settings; a bad value is an {@link MqSettingsException} naming key and value. */
    public static MqPublishSettings fromProperties(Properties properties) {
        Reader r = new Reader(properties);
        Broker broker = Broker.parse("canal.serverMode", r.string("canal.serverMode", ""));
        Map<String, String> kafka = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith("kafka.") && name.length() > "kafka.".length()) {
                kafka.put(name.substring("kafka.".length()), properties.getProperty(name).trim());
            }
        }
        // canal <= 1.1.4 named the broker address canal.mq.servers; canal still maps it
        String legacyServers = r.string("canal.mq.servers", "");
        if (!legacyServers.isEmpty()) {
            kafka.putIfAbsent("bootstrap.servers", legacyServers);
        }
        if (broker == Broker.KAFKA && kafka.getOrDefault("bootstrap.servers", "").isEmpty()) {
            throw new MqSettingsException("kafka.bootstrap.servers", "", "is required when canal.serverMode=kafka");
        }
        int maxRequestSize = kafka.containsKey("max.request.size")
                ? r.parseInt("kafka.max.request.size", kafka.get("max.request.size"), 4096)
                : KAFKA_DEFAULT_MAX_REQUEST_SIZE;
        int defaultMaxMessage = broker == Broker.KAFKA ? maxRequestSize - KAFKA_FRAMING_MARGIN
                : 16 * 1024 * 1024; // RabbitMQ 4's default max_message_size is 16 MiB (128 MiB in 3.x)
        int maxMessageBytes = r.integer("sluice.mq.max.message.bytes", defaultMaxMessage, 1024);
        if (broker == Broker.KAFKA && maxMessageBytes > maxRequestSize - KAFKA_FRAMING_MARGIN) {
            throw new MqSettingsException("sluice.mq.max.message.bytes", String.valueOf(maxMessageBytes),
                    "must leave " + KAFKA_FRAMING_MARGIN + " bytes below kafka.max.request.size=" + maxRequestSize);
        }

        String partitionHash = r.string("canal.mq.partitionHash", "");
        String dynamicTopic = r.string("canal.mq.dynamicTopic", "");
        String dynamicTopicPartitionNum = r.string("canal.mq.dynamicTopicPartitionNum", "");
        // parse the routing lists now so that a bad regex fails at start, naming the key
        PartitionRules.parse(partitionHash);
        TopicRouter.parse("", dynamicTopic);
        TopicPartitionCounts.parse(dynamicTopicPartitionNum, 1);

        String topic = r.string("canal.mq.topic", "");
        FormatSettings format = format(r);
        if (topic.isEmpty() && dynamicTopic.isEmpty() && format.topicPrefix().isEmpty()) {
            throw new MqSettingsException("canal.mq.topic", "", "is required (or canal.mq.dynamicTopic)");
        }
        Duration backoff = Duration.ofMillis(r.integer("sluice.mq.retry.backoff.ms", 1000, 1));
        Duration backoffMax = Duration.ofMillis(r.integer("sluice.mq.retry.backoff.max.ms", 30_000, 1));
        if (backoffMax.compareTo(backoff) < 0) {
            throw new MqSettingsException("sluice.mq.retry.backoff.max.ms", String.valueOf(backoffMax.toMillis()),
                    "is below sluice.mq.retry.backoff.ms=" + backoff.toMillis());
        }
        return new MqPublishSettings(broker,
                r.bool("canal.mq.flatMessage", true),
                r.integer("canal.mq.canalBatchSize", 50, 1),
                r.integer("canal.mq.canalGetTimeout", 100, 0),
                r.integer("sluice.mq.batch.growth", 16, 1),
                r.bool("canal.mq.database.hash", true),
                r.bool("canal.instance.filter.transaction.entry", false),
                topic, dynamicTopic,
                r.integer("canal.mq.partition", 0, 0),
                r.integer("canal.mq.partitionsNum", 1, 1),
                partitionHash, dynamicTopicPartitionNum, kafka,
                broker == Broker.RABBITMQ ? rabbitMq(r) : null,
                maxMessageBytes,
                OversizePolicy.parse("sluice.mq.oversize.policy", r.string("sluice.mq.oversize.policy", "stop")),
                backoff, backoffMax, r.bool("sluice.values.canal-compatible", false),
                r.bool("sluice.mq.flat.merge.rows", true), format);
    }

    private static FormatSettings format(Reader r) {
        MqFormat format = MqFormat.parse("sluice.mq.format", r.string("sluice.mq.format", "canal"));
        DdlRoute ddl = DdlRoute.parse("sluice.mq.ddl", r.string("sluice.mq.ddl", "same-topic"));
        String ddlTopic = r.string("sluice.mq.ddl.topic", "");
        if (ddl == DdlRoute.DDL_TOPIC && ddlTopic.isEmpty()) {
            throw new MqSettingsException("sluice.mq.ddl.topic", "", "is required when sluice.mq.ddl=ddl-topic");
        }
        String zone = r.string("sluice.values.time-zone", "");
        ZoneId timeZone;
        try {
            timeZone = zone.isEmpty() ? ZoneId.systemDefault() : ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new MqSettingsException("sluice.values.time-zone", zone, "is not a time zone id");
        }
        // Debezium's logical server name: its topic prefix, which also names the transaction and heartbeat topics
        String prefix = r.string("sluice.mq.debezium.topic.prefix", "");
        String logicalName = prefix.isEmpty() ? "sluice" : prefix;
        long heartbeatMs = r.integer("sluice.mq.debezium.heartbeat.interval.ms", 0, 0);
        return new FormatSettings(format, ddl, ddl == DdlRoute.DDL_TOPIC ? ddlTopic : "",
                BinaryEncoding.parse("sluice.mq.binary.encoding", r.string("sluice.mq.binary.encoding", "iso-8859-1")),
                r.bool("sluice.mq.debezium.schemas.enable", false),
                r.bool("sluice.mq.debezium.tombstones.on.delete", true),
                r.string("sluice.mq.debezium.topic.prefix", ""),
                DecimalHandling.parse("sluice.mq.debezium.decimal.handling.mode",
                        r.string("sluice.mq.debezium.decimal.handling.mode", "precise")),
                BigintUnsignedHandling.parse("sluice.mq.debezium.bigint.unsigned.handling.mode",
                        r.string("sluice.mq.debezium.bigint.unsigned.handling.mode", "long")),
                r.bool("sluice.mq.debezium.truncate", false),
                r.bool("sluice.mq.debezium.provide.transaction.metadata", false)
                        ? r.string("sluice.mq.debezium.transaction.topic", logicalName + ".transaction") : "",
                heartbeatMs, r.string("sluice.mq.debezium.heartbeat.topic", "__debezium-heartbeat." + logicalName),
                timeZone);
    }

    private static RabbitMqSettings rabbitMq(Reader r) {
        String hostPort = r.string("rabbitmq.host", r.string("canal.mq.servers", ""));
        if (hostPort.isEmpty()) {
            throw new MqSettingsException("rabbitmq.host", "", "is required when canal.serverMode=rabbitMQ");
        }
        String host = hostPort;
        int port = 5672;
        int colon = hostPort.lastIndexOf(':');
        if (colon > 0) {
            host = hostPort.substring(0, colon);
            port = r.parseInt("rabbitmq.host", hostPort.substring(colon + 1), 1);
        }
        // canal ships rabbitmq.deliveryMode empty: then an existing exchange is taken as it is (see RabbitMqProducer)
        String exchangeType = r.string("rabbitmq.deliveryMode", "").toLowerCase(Locale.ROOT);
        if (!exchangeType.isEmpty() && !exchangeType.matches("direct|topic|fanout|headers")) {
            throw new MqSettingsException("rabbitmq.deliveryMode", exchangeType,
                    "is not an exchange type (direct, topic, fanout, headers)");
        }
        String vhost = r.string("rabbitmq.virtual.host", "/");
        return new RabbitMqSettings(host, port, vhost.isEmpty() ? "/" : vhost, r.string("rabbitmq.exchange", ""),
                exchangeType, r.string("rabbitmq.queue", ""), r.string("rabbitmq.routingKey", ""),
                r.string("rabbitmq.username", "guest"), r.string("rabbitmq.password", "guest"));
    }

    /** The producer properties without values that must not reach a log (passwords, JAAS configs). */
    public Map<String, String> kafkaForLog() {
        Map<String, String> shown = new LinkedHashMap<>();
        kafka.forEach((k, v) -> shown.put(k, io.sluice.server.config.Secrets.mask(k, v)));
        return shown;
    }

    @Override
    public String toString() {
        return "MqPublishSettings[" + broker + " topic=" + topic + " dynamicTopic=" + dynamicTopic + " flat=" + flatMessage
                + (flatMessage ? " mergeRows=" + mergeFlatRows : "")
                + " format=" + format.format() + " ddl=" + format.ddl() + " binary=" + format.binary()
                + " partition=" + partition + " partitionsNum=" + partitionsNum + " partitionHash=" + partitionHash
                + " kafka=" + kafkaForLog() + (rabbitMq == null ? "" : " " + rabbitMq) + "]";
    }

    private record Reader(Properties properties) {

        String string(String key, String fallback) {
            String v = properties.getProperty(key);
            return v == null || v.isBlank() ? fallback : v.trim();
        }

        boolean bool(String key, boolean fallback) {
            String v = string(key, null);
            if (v == null) {
                return fallback;
            }
            if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(v);
            }
            throw new MqSettingsException(key, v, "must be true or false");
        }

        int integer(String key, int fallback, int min) {
            String v = string(key, null);
            return v == null ? fallback : parseInt(key, v, min);
        }

        int parseInt(String key, String v, int min) {
            try {
                int n = Integer.parseInt(v.trim());
                if (n < min) {
                    throw new MqSettingsException(key, v, "must be at least " + min);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new MqSettingsException(key, v, "is not a whole number");
            }
        }
    }
}
