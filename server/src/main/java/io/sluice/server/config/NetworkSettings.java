package io.sluice.server.config;

/**
 * MySQL connection socket options ({@code canal.instance.network.*}).
 *
 * @param receiveBufferSize bytes; canal's default {@value #CANAL_DEFAULT_BUFFER} leaves the OS's sizing
 * @param sendBufferSize    bytes; likewise
 * @param soTimeoutSeconds  read timeout of the replication socket
 */
public record NetworkSettings(int receiveBufferSize, int sendBufferSize, int soTimeoutSeconds) {

    /** canal's default and shipped value of both buffer sizes. */
    public static final int CANAL_DEFAULT_BUFFER = 16384;
}
