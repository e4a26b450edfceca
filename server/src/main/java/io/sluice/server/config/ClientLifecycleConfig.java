package io.sluice.server.config;

/**
 * What the server does about client ids that hold the store back (canal.properties).
 *
 * @param stallWarnSeconds  {@code sluice.client.stall.warn.seconds}: warn (naming the id and how to drop it) once
 *                          the store has been full this long without an ack freeing anything; 0 = never (default 60)
 * @param idleExpireSeconds {@code sluice.client.idle.expire.seconds}: drop a client id that made no request for this
 *                          long, as {@code bin/clients.sh drop} would; 0 = never (default)
 */
public record ClientLifecycleConfig(long stallWarnSeconds, long idleExpireSeconds) {

    public static final ClientLifecycleConfig DEFAULTS = new ClientLifecycleConfig(60, 0);
}
