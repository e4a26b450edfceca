package io.sluice.server.mq;

import java.util.Locale;

/**
 * Debezium's {@code decimal.handling.mode} for DECIMAL columns ({@code sluice.mq.debezium.decimal.handling.mode}):
 * {@code precise} (Debezium's default: Kafka Connect's {@code Decimal}, the unscaled value's big-endian two's
 * complement bytes, Base64 in JSON), {@code string} (the exact digits as text; what Flink's {@code debezium-json}
 * reads into a DECIMAL) or {@code double} (lossy).
 */
public enum DecimalHandling {
    PRECISE, STRING, DOUBLE;

    static DecimalHandling parse(String key, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "precise" -> PRECISE;
            case "string" -> STRING;
            case "double" -> DOUBLE;
            default -> throw new MqSettingsException(key, value, "must be precise, string or double");
        };
    }
}
