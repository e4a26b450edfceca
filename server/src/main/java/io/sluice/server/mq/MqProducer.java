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
     * Opens the broker connection unless it is open; {@link #publish} does the same. The publisher calls it at
     * start so that a setting the client library refuses is reported before the first batch.
     *
     * @throws MqSettingsException when the client library or the broker refuses a setting (retrying cannot help)
     * @throws PublishException    when the broker cannot be reached now
     */
    void open() throws InterruptedException;

    /**
     * Sends the messages in order and returns once the broker confirmed all of them.
     *
     * @throws PublishException when any message is not confirmed; some of them may have been written
     * @throws MqSettingsException when a setting is refused (see {@link #open()})
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
