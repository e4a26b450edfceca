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

    /**
     * Sends the messages in order, after those of earlier sends, and returns without waiting for the broker
     * (a producer that cannot overlap publishes and returns a confirmed send). After one send failed, later
     * sends fail too until the producer reconnected, so a batch never reaches the broker ahead of an earlier
     * one that did not.
     *
     * @throws PublishException    when the producer already knows the messages cannot be written
     * @throws MqSettingsException when a setting is refused (see {@link #open()})
     */
    default Confirmation send(List<MqMessage> messages) throws InterruptedException {
        publish(messages);
        return Confirmation.CONFIRMED;
    }

    /**
     * How many sends may wait for the broker's confirmation while the publisher builds and sends later batches;
     * 1 = none (each batch is confirmed before the next is fetched). Known once {@link #open()} returned.
     */
    default int maxUnconfirmedSends() {
        return 1;
    }

    /** The broker's answer to one {@link #send}. */
    interface Confirmation {

        Confirmation CONFIRMED = new Confirmation() {
            @Override
            public boolean isConfirmed() {
                return true;
            }

            @Override
            public void await() {
            }
        };

        /** True once the broker confirmed every message of the send; false while waiting and after a failure. */
        boolean isConfirmed();

        /**
         * Returns once the broker confirmed every message of the send.
         *
         * @throws PublishException when a message is not confirmed; some of them may have been written
         */
        void await() throws InterruptedException;
    }

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
