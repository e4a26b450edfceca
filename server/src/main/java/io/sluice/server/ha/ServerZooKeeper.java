package io.sluice.server.ha;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one ZooKeeper client of a server ({@code canal.zkServers}), opened at its start and handed to every user:
 * the destinations' meta stores and schema histories, the HA elections, the destinations' definitions in
 * ZooKeeper. The server closes it last, after all of them.
 */
public final class ServerZooKeeper {

    private static final Logger log = LoggerFactory.getLogger(ServerZooKeeper.class);

    private ServerZooKeeper() {
    }

    /**
     * Connects (waiting up to 30 s) and, with a ZooKeeper identity configured, gives the nodes an earlier server
     * wrote world-writable Sluice's ACLs.
     *
     * @throws IOException ZooKeeper cannot be reached
     */
    public static CuratorFramework connect(String zkServers, ZkAccess access, int sessionTimeoutMs) throws Exception {
        CuratorFramework zk = access.builder(zkServers)
                .sessionTimeoutMs(sessionTimeoutMs)
                .connectionTimeoutMs(Math.min(15_000, sessionTimeoutMs))
                .retryPolicy(new ExponentialBackoffRetry(200, 10, 2000)).build();
        zk.start();
        try {
            if (!zk.blockUntilConnected(30, TimeUnit.SECONDS)) {
                throw new IOException("cannot reach ZooKeeper at " + zkServers + " (canal.zkServers) within 30 s");
            }
            if (access.restricts()) {
                // nodes written before ACLs were configured are world-writable: give them Sluice's ACLs
                access.secure(zk, "/sluice");
                access.secure(zk, ZkPaths.ROOT);
            } else {
                log.warn("ZooKeeper nodes are created world-readable and world-writable (canal's way): set "
                        + "sluice.zookeeper.digest (or sluice.zookeeper.sasl.principal) to protect them");
            }
            return zk;
        } catch (Exception e) {
            zk.close();
            throw e;
        }
    }
}
