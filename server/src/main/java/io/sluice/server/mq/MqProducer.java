package io.sluice.server.mq;

import java.util.List;

/**
 * A broker connection that publishes messages and reports when every one of them is confirmed. After a
 * failure the implementation discards its connection and opens a fresh one on the next call, so that a
 * half-failed session (Kafka's fenced or out-of-sequence producer, a closed AMQP channel) cannot poison the
 * retry.
 */
public interface MqProducer extends AutoCloseable {

    /**
     * Sends the messages in order and returns once the broker confirmed all of them.
     *
     * @throws PublishException when any message is not confirmed; some of them may have been written
     */
    void publish(List<MqMessage> messages) throws InterruptedException;

    @Override
    void close();

    /** The producer for the configured broker. */
    static MqProducer create(MqPublishSettings settings) {
        return switch (settings.broker()) {
            case KAFKA -> new KafkaMqProducer(settings.kafka());
            case RABBITMQ -> new RabbitMqProducer(settings.rabbitMq());
        };
    }
}
