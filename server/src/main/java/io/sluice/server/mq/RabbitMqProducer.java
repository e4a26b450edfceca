package io.sluice.server.mq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes to a RabbitMQ exchange with the topic as routing key (canal's {@code CanalRabbitMQProducer}), as
 * persistent messages, with publisher confirms: a batch counts as written only when the broker acked every
 * message. Unlike canal, messages are published {@code mandatory}: a message that no queue receives comes
 * back and fails the batch instead of vanishing.
 */
final class RabbitMqProducer implements MqProducer {

    private static final Logger log = LoggerFactory.getLogger(RabbitMqProducer.class);

    private static final long CONFIRM_TIMEOUT_MILLIS = 30_000;

    private final RabbitMqSettings settings;
    private Connection connection;
    private Channel channel;
    private final AtomicReference<String> returned = new AtomicReference<>();

    RabbitMqProducer(RabbitMqSettings settings) {
        this.settings = settings;
    }

    private Channel channel() throws IOException, TimeoutException {
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(settings.host());
        factory.setPort(settings.port());
        factory.setVirtualHost(settings.virtualHost());
        factory.setUsername(settings.username());
        factory.setPassword(settings.password());
        // recovery would replay publishes behind our back; the publisher retries whole batches itself
        factory.setAutomaticRecoveryEnabled(false);
        factory.setConnectionTimeout(10_000);
        connection = factory.newConnection("sluice-mq");
        Channel ch = connection.createChannel();
        ch.confirmSelect();
        ch.addReturnListener(r -> returned.compareAndSet(null, "exchange '" + r.getExchange() + "' routed message with key '"
                + r.getRoutingKey() + "' to no queue (" + r.getReplyText() + ")"));
        if (!settings.queue().isEmpty()) {
            ch.queueDeclare(settings.queue(), true, false, false, null);
        }
        if (!settings.exchange().isEmpty()) {
            ch.exchangeDeclare(settings.exchange(), settings.exchangeType(), true, false, false, null);
            if (!settings.queue().isEmpty()) {
                ch.queueBind(settings.queue(), settings.exchange(), settings.routingKey());
            }
        }
        channel = ch;
        return ch;
    }

    @Override
    public void publish(List<MqMessage> messages) throws InterruptedException {
        if (messages.isEmpty()) {
            return;
        }
        returned.set(null);
        try {
            Channel ch = channel();
            AMQP.BasicProperties props = MessageProperties.PERSISTENT_BASIC;
            for (MqMessage m : messages) {
                ch.basicPublish(settings.exchange(), m.topic(), true, props, m.payload());
            }
            ch.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MILLIS);
        } catch (IOException | TimeoutException | RuntimeException e) {
            discard();
            throw new PublishException("RabbitMQ did not confirm the batch: " + e, e);
        }
        String unroutable = returned.get();
        if (unroutable != null) {
            throw new PublishException("RabbitMQ returned a message: " + unroutable, null);
        }
    }

    private void discard() {
        Connection c = connection;
        connection = null;
        channel = null;
        if (c != null) {
            try {
                c.abort(2_000);
            } catch (RuntimeException e) {
                log.warn("aborting the failed RabbitMQ connection: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        Connection c = connection;
        connection = null;
        channel = null;
        if (c != null && c.isOpen()) {
            try {
                c.close(5_000);
            } catch (IOException e) {
                log.warn("closing the RabbitMQ connection: {}", e.toString());
            }
        }
    }
}
