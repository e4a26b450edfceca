package io.sluice.server.mq;

import java.util.Objects;

/**
 * One message for the broker: a FlatMessage JSON or a canal {@code Packet{MESSAGES}}, with its topic and
 * partition (Kafka; RabbitMQ publishes the topic as routing key and ignores the partition).
 */
public record MqMessage(String topic, int partition, byte[] payload) {

    public MqMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
    }

    @Override
    public String toString() {
        return topic + "/" + partition + " (" + payload.length + " bytes)";
    }
}
