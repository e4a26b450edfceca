package io.sluice.server.mq;

import java.util.Objects;

/**
 * One message for the broker: a FlatMessage JSON, a canal {@code Packet{MESSAGES}} or a Debezium change event, with
 * its topic and partition (Kafka; RabbitMQ publishes the topic as routing key and ignores the partition).
 *
 * @param key     the Kafka record key (Debezium: the primary key), null for canal's formats and keyless tables
 * @param payload the value; null only for a tombstone (Debezium format, after a delete), which has a key
 */
public record MqMessage(String topic, int partition, byte[] key, byte[] payload) {

    public MqMessage {
        Objects.requireNonNull(topic, "topic");
        if (payload == null && key == null) {
            throw new NullPointerException("payload (only a keyed tombstone may have none)");
        }
    }

    public MqMessage(String topic, int partition, byte[] payload) {
        this(topic, partition, null, Objects.requireNonNull(payload, "payload"));
    }

    @Override
    public String toString() {
        return topic + "/" + partition + " (" + (payload == null ? "tombstone" : payload.length + " bytes") + ")";
    }
}
