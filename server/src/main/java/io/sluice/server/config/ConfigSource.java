package io.sluice.server.config;

/**
 * Where a server reads its destinations' instance.properties ({@code sluice.config.source}): the conf dir, or
 * the nodes under {@code /sluice/config/destinations} so that every server of a cluster runs a destination with
 * the same settings. canal.properties is always local. One server uses one source for all its destinations.
 */
public enum ConfigSource {
    FILE,
    ZOOKEEPER
}
