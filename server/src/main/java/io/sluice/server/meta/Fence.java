package io.sluice.server.meta;

/**
 * Proof of being the active server of a destination: the data version of the destination's epoch node that this
 * server set when it became active. A ZooKeeper write made in one transaction with {@code check(path, version)}
 * fails as soon as another server has become active since.
 *
 * <p>Owned here because it is what a position write checks; HA (ha/DestinationElection) makes it.
 *
 * @param path    the epoch node ({@code ZkPaths.epoch})
 * @param version its data version right after this server's activation
 */
public record Fence(String path, int version) {
}
