package io.sluice.server.mq;

import java.time.ZoneId;

/**
 * The message format of a destination's publisher, read with the other MQ keys by {@link MqPublishSettings}.
 *
 * @param format            {@code sluice.mq.format}: canal (default) or debezium
 * @param ddl               {@code sluice.mq.ddl}: where statement messages go (canal format; Debezium data topics
 *                          never carry them, so there {@code same-topic} means none)
 * @param ddlTopic          {@code sluice.mq.ddl.topic}: the topic of {@link DdlRoute#DDL_TOPIC}, "" otherwise
 * @param binary            {@code sluice.mq.binary.encoding}: binary values in FlatMessage
 * @param debeziumSchemas   {@code sluice.mq.debezium.schemas.enable}: Kafka Connect's {@code {"schema","payload"}}
 *                          wrapping of key and value (JsonConverter {@code schemas.enable=true}); false: payload only
 * @param tombstones        {@code sluice.mq.debezium.tombstones.on.delete}: a record with the key and a null value
 *                          after each delete, for compacted topics (Debezium's default: true)
 * @param topicPrefix       {@code sluice.mq.debezium.topic.prefix}: when set, each table's topic is
 *                          {@code <prefix>.<db>.<table>} (Debezium's naming) instead of canal's routing; also the
 *                          {@code source.name}
 * @param decimalHandling   {@code sluice.mq.debezium.decimal.handling.mode}
 * @param bigintUnsigned    {@code sluice.mq.debezium.bigint.unsigned.handling.mode}
 * @param emitTruncate      {@code sluice.mq.debezium.truncate}: TRUNCATE as an {@code op = "t"} event; Debezium's MySQL
 *                          connector skips them by default ({@code skipped.operations = t}), and so does Sluice
 * @param transactionTopic  {@code sluice.mq.debezium.provide.transaction.metadata}: the topic of the transaction
 *                          BEGIN / END records ({@code sluice.mq.debezium.transaction.topic}, default
 *                          {@code <prefix>.transaction}), and a {@code transaction} block in each data event; ""
 *                          when off (the default)
 * @param heartbeatIntervalMs {@code sluice.mq.debezium.heartbeat.interval.ms}: at most one heartbeat record per
 *                          interval while batches are published; 0 (the default) for none
 * @param heartbeatTopic    {@code sluice.mq.debezium.heartbeat.topic}, default {@code __debezium-heartbeat.<prefix>}
 * @param timeZone          {@code sluice.values.time-zone}: the zone TIMESTAMP values were rendered in, to give
 *                          Debezium's UTC {@code ZonedTimestamp}
 */
public record FormatSettings(MqFormat format, DdlRoute ddl, String ddlTopic, BinaryEncoding binary,
                             boolean debeziumSchemas, boolean tombstones, String topicPrefix,
                             DecimalHandling decimalHandling, BigintUnsignedHandling bigintUnsigned,
                             boolean emitTruncate, String transactionTopic, long heartbeatIntervalMs,
                             String heartbeatTopic, ZoneId timeZone) {

    boolean transactionMetadata() {
        return !transactionTopic.isEmpty();
    }
}
