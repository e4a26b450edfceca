package io.sluice.server.mq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.ShutdownSignalException;
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

    @Override
    public void open() {
        try {
            channel();
        } catch (MqSettingsException e) {
            discard();
            throw e;
        } catch (IOException | TimeoutException | RuntimeException e) {
            discard();
            throw new PublishException("RabbitMQ at " + settings.host() + ":" + settings.port() + " cannot be used now: "
                    + e, e);
        }
    }

    private Channel channel() throws IOException, TimeoutException {
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        discard();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(settings.host());
        factory.setPort(settings.port());
        factory.setVirtualHost(settings.virtualHost());
        factory.setUsername(settings.username());
        factory.setPassword(settings.password());
        // recovery would replay publishes behind our back; the publisher retries whole batches itself
        factory.setAutomaticRecoveryEnabled(false);
        factory.setConnectionTimeout(10_000);
        try {
            connection = factory.newConnection("sluice-mq");
        } catch (AuthenticationFailureException e) {
            throw new MqSettingsException("rabbitmq.username", settings.username(),
                    "the broker refused the login with this user and rabbitmq.password (" + e.getMessage() + ")");
        } catch (IOException e) {
            int code = replyCode(e);
            if (code == AMQP.NOT_ALLOWED || code == AMQP.ACCESS_REFUSED) {
                throw new MqSettingsException("rabbitmq.virtual.host", settings.virtualHost(),
                        "the broker refused user '" + settings.username() + "' on this virtual host (" + replyText(e) + ")");
            }
            throw e;
        }
        declare();
        Channel ch = connection.createChannel();
        ch.confirmSelect();
        ch.addReturnListener(r -> returned.compareAndSet(null, "exchange '" + r.getExchange() + "' routed message with key '"
                + r.getRoutingKey() + "' to no queue (" + r.getReplyText() + ")"));
        channel = ch;
        return ch;
    }

    /**
     * canal's declarations: the queue (durable) when {@code rabbitmq.queue} is set, the exchange, and their
     * binding. Without {@code rabbitmq.deliveryMode} (canal ships it empty) an existing exchange is used as it
     * is, whatever its type, and a missing one is declared {@code direct}. A declaration the broker refuses
     * closes the channel and names the key that asked for it.
     */
    private void declare() throws IOException, TimeoutException {
        Channel ch = connection.createChannel();
        String exchange = settings.exchange();
        String key = "rabbitmq.queue";
        String value = settings.queue();
        try {
            if (!settings.queue().isEmpty()) {
                ch.queueDeclare(settings.queue(), true, false, false, null);
            }
            if (!exchange.isEmpty()) {
                key = settings.exchangeType().isEmpty() ? "rabbitmq.exchange" : "rabbitmq.deliveryMode";
                value = settings.exchangeType().isEmpty() ? exchange : settings.exchangeType();
                if (settings.exchangeType().isEmpty()) {
                    ch = declareUnlessPresent(ch, exchange);
                } else {
                    ch.exchangeDeclare(exchange, settings.exchangeType(), true, false, false, null);
                }
                if (!settings.queue().isEmpty()) {
                    key = "rabbitmq.routingKey";
                    value = settings.routingKey();
                    ch.queueBind(settings.queue(), exchange, settings.routingKey());
                }
            }
        } catch (IOException e) {
            int code = replyCode(e);
            if (code == AMQP.PRECONDITION_FAILED || code == AMQP.ACCESS_REFUSED || code == AMQP.NOT_ALLOWED) {
                throw new MqSettingsException(key, value, "the broker refused it: " + replyText(e));
            }
            throw e;
        }
        if (ch.isOpen()) {
            ch.close();
        }
    }

    private Channel declareUnlessPresent(Channel ch, String exchange) throws IOException, TimeoutException {
        try {
            ch.exchangeDeclarePassive(exchange);
            return ch;
        } catch (IOException e) {
            if (replyCode(e) != AMQP.NOT_FOUND) {
                throw e;
            }
            // the failed passive declare closed that channel
            Channel fresh = connection.createChannel();
            fresh.exchangeDeclare(exchange, "direct", true, false, false, null);
            return fresh;
        }
    }

    /** The AMQP reply code of the channel or connection close behind {@code e}, or 0. */
    private static int replyCode(Throwable e) {
        ShutdownSignalException s = shutdown(e);
        if (s != null && s.getReason() instanceof AMQP.Channel.Close c) {
            return c.getReplyCode();
        }
        if (s != null && s.getReason() instanceof AMQP.Connection.Close c) {
            return c.getReplyCode();
        }
        return 0;
    }

    private static String replyText(Throwable e) {
        ShutdownSignalException s = shutdown(e);
        if (s != null && s.getReason() instanceof AMQP.Channel.Close c) {
            return c.getReplyText();
        }
        if (s != null && s.getReason() instanceof AMQP.Connection.Close c) {
            return c.getReplyText();
        }
        return String.valueOf(e.getMessage());
    }

    private static ShutdownSignalException shutdown(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ShutdownSignalException s) {
                return s;
            }
        }
        return null;
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
        } catch (MqSettingsException e) {
            discard();
            throw e;
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
