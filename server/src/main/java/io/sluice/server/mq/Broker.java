package io.sluice.server.mq;

import java.util.Locale;

/** The brokers Sluice publishes to, named as {@code canal.serverMode} names them. */
public enum Broker {
    KAFKA, RABBITMQ;

    static Broker parse(String key, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "kafka" -> KAFKA;
            case "rabbitmq" -> RABBITMQ;
            default -> throw new MqSettingsException(key, value,
                    "is not a broker Sluice publishes to (kafka or rabbitMQ; tcp means no MQ mode)");
        };
    }
}
