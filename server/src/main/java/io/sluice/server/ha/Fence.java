package io.sluice.server.ha;

/**
 * Proof of being the active server of a destination: the data version of the destination's epoch node that this
 * server set when it became active. A ZooKeeper write made in one transaction with {@code check(path, version)}
 * fails as soon as another server has become active since.
 *
 * @param path    the epoch node ({@link ZkPaths#epoch(String)})
 * @param version its data version right after this server's activation
 */
public record Fence(String path, int version) {
}
