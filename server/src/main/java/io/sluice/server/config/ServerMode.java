package io.sluice.server.config;

/** {@code canal.serverMode}: serve canal's TCP protocol, or publish to a broker. */
public enum ServerMode {
    TCP, KAFKA, ROCKETMQ, RABBITMQ, PULSARMQ
}
