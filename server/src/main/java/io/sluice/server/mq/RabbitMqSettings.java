package io.sluice.server.mq;

/**
 * canal's {@code rabbitmq.*} keys. canal declares the queue (durable) and the exchange (of type
 * {@code rabbitmq.deliveryMode}, durable) and binds them with {@code rabbitmq.routingKey}; messages are
 * published to the exchange with the topic name as routing key.
 *
 * @param exchangeType {@code rabbitmq.deliveryMode} (canal's name for it): direct, topic, fanout or headers; empty
 *                     when unset: an existing exchange is used whatever its type, a missing one is declared direct
 * @param queue        empty: declare and bind nothing (the exchange and its bindings exist already)
 */
public record RabbitMqSettings(String host, int port, String virtualHost, String exchange, String exchangeType,
                               String queue, String routingKey, String username, String password) {

    @Override
    public String toString() {
        return "RabbitMqSettings[" + username + "@" + host + ":" + port + virtualHost + " exchange=" + exchange
                + " (" + (exchangeType.isEmpty() ? "existing or direct" : exchangeType) + ") queue=" + queue + " routingKey=" + routingKey + "]";
    }
}
