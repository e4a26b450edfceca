package io.sluice.server.ha;

import java.io.IOException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;

/**
 * This server's ephemeral {@code /otter/canal/cluster/<ip:port>} node, re-created by Curator after a session
 * loss, as canal's servers keep theirs.
 */
public final class ServerRegistration implements AutoCloseable {

    private final PersistentNode node;

    public ServerRegistration(CuratorFramework zk, String address) {
        this.node = new PersistentNode(zk, CreateMode.EPHEMERAL, false, ZkPaths.clusterMember(address), new byte[0]);
        node.start();
    }

    @Override
    public void close() throws IOException {
        node.close();
    }
}
