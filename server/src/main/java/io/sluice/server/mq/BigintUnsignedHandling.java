package io.sluice.server.mq;

import java.util.Locale;

/**
 * Debezium's {@code bigint.unsigned.handling.mode} for BIGINT UNSIGNED columns
 * ({@code sluice.mq.debezium.bigint.unsigned.handling.mode}): {@code long} (Debezium's default: int64, values above
 * 2^63-1 wrap to negative numbers) or {@code precise} (Kafka Connect's {@code Decimal} with scale 0 and precision 20,
 * which carries the whole range, e.g. into a numeric(20,0) column of a JDBC sink).
 */
public enum BigintUnsignedHandling {
    LONG, PRECISE;

    static BigintUnsignedHandling parse(String key, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "long" -> LONG;
            case "precise" -> PRECISE;
            default -> throw new MqSettingsException(key, value, "must be long or precise");
        };
    }
}
