package io.sluice.server.mq;

import java.util.Locale;

/**
 * What a message looks like ({@code sluice.mq.format}): canal's (FlatMessage JSON or protobuf, as
 * {@code canal.mq.flatMessage} says) or Debezium's JSON change-event envelope, which Kafka Connect sinks, Flink's
 * {@code debezium-json} and ClickHouse read.
 */
public enum MqFormat {
    CANAL, DEBEZIUM;

    static MqFormat parse(String key, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "canal" -> CANAL;
            case "debezium", "debezium-json" -> DEBEZIUM;
            default -> throw new MqSettingsException(key, value, "must be canal or debezium");
        };
    }
}
