package io.sluice.server.meta;

import org.apache.curator.framework.CuratorFramework;

/**
 * Who may touch the ZooKeeper nodes the meta store writes: the server's ZooKeeper identity and ACLs
 * ({@code ha/ZkAccess}, built from {@code sluice.zookeeper.*}). The meta store needs only this one thing of it:
 * taking over a node that canal's client created world-open before it subscribed.
 */
@FunctionalInterface
public interface NodeAccess {

    /** No identity configured: nodes stay world-open (canal's behaviour). */
    NodeAccess OPEN = (zk, path) -> 0;

    /**
     * Gives {@code path} and what lies below it the server's ACLs where they are world-writable.
     *
     * @return how many nodes were changed
     */
    int secure(CuratorFramework zk, String path) throws Exception;
}
