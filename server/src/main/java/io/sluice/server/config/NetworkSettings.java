package io.sluice.server.config;

/**
 * MySQL connection socket options ({@code canal.instance.network.*}).
 *
 * @param receiveBufferSize bytes
 * @param sendBufferSize    bytes
 * @param soTimeoutSeconds  read timeout of the replication socket
 */
public record NetworkSettings(int receiveBufferSize, int sendBufferSize, int soTimeoutSeconds) {
}
