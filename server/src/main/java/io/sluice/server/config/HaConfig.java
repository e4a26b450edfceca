package io.sluice.server.config;

/**
 * How this server takes part in HA when {@code canal.zkServers} is set.
 *
 * @param sessionTimeoutMs {@code sluice.zookeeper.session.timeout.ms}: how long ZooKeeper keeps a silent server's
 *                         session (and with it its running nodes); failover after a crash takes about this long.
 *                         ZooKeeper grants at least 2 × its tickTime (4 s with the default tickTime of 2 s)
 * @param takeoverDelayMs  {@code sluice.ha.takeover.delay.ms}: a standby's wait before it takes a free destination
 * @param rebalance        {@code sluice.ha.rebalance}: hand destinations to their preferred server as servers join
 */
public record HaConfig(int sessionTimeoutMs, long takeoverDelayMs, boolean rebalance) {
}
