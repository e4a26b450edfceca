package io.sluice.server.ha;

/**
 * canal's ZooKeeper layout (canal 1.1.8 {@code ZookeeperPathUtils}), so canal's tools and its
 * {@code ClusterCanalConnector} find Sluice servers where they find canal's, plus Sluice's own fencing node.
 */
public final class ZkPaths {

    public static final String ROOT = "/otter/canal";
    public static final String CLUSTER = ROOT + "/cluster";
    public static final String DESTINATIONS = ROOT + "/destinations";

    private ZkPaths() {
    }

    /** Ephemeral, one per live server: {@code /otter/canal/cluster/<ip:port>}. */
    public static String clusterMember(String address) {
        return CLUSTER + "/" + address;
    }

    public static String destination(String destination) {
        return DESTINATIONS + "/" + destination;
    }

    /** Ephemeral JSON of the server that runs the destination. */
    public static String running(String destination) {
        return destination(destination) + "/running";
    }

    /** Parent of the ephemeral nodes of every server configured for the destination. */
    public static String destinationCluster(String destination) {
        return destination(destination) + "/cluster";
    }

    public static String destinationClusterMember(String destination, String address) {
        return destinationCluster(destination) + "/" + address;
    }

    public static String client(String destination, short clientId) {
        return destination(destination) + "/" + clientId;
    }

    public static String cursor(String destination, short clientId) {
        return client(destination, clientId) + "/cursor";
    }

    public static String filter(String destination, short clientId) {
        return client(destination, clientId) + "/filter";
    }

    /** Ephemeral node of the active consumer among copies of one client (canal's ClientRunningMonitor). */
    public static String clientRunning(String destination, short clientId) {
        return client(destination, clientId) + "/running";
    }

    /**
     * Sluice only: a persistent node whose data version is bumped by every new active server of the destination.
     * Position writes are made conditional on the version the writer saw when it became active, so a server that
     * lost its session (and with it the running node) can never overwrite what the new active wrote.
     */
    public static String epoch(String destination) {
        return destination(destination) + "/sluice-epoch";
    }

    /**
     * Sluice only: ephemeral, created by an active server that is stopping cleanly and wants a standby to take the
     * destination over before it lets its clients go (data: the stopping server's address).
     */
    public static String handover(String destination) {
        return destination(destination) + "/sluice-handover";
    }

    /**
     * Sluice only: ephemeral, created by the standby that answers a handover ({@link SuccessorInfo}); it says
     * "ready" once that standby runs the destination from the final cursors and can serve.
     */
    public static String successor(String destination) {
        return destination(destination) + "/sluice-successor";
    }

    /**
     * Sluice only: persistent, an operator's request ({@code POST /cluster/move}) that the destination's active
     * server hand it to the server named in the data (its {@code ip:port}); deleted by the active when it acts on it.
     */
    public static String move(String destination) {
        return destination(destination) + "/sluice-move";
    }

    /**
     * Sluice only: persistent, the server an operator last moved the destination to ({@code ip:port}); while that
     * server is live it counts as the destination's preferred server, so spreading does not move it back.
     */
    public static String pinned(String destination) {
        return destination(destination) + "/sluice-pinned";
    }

    /** Sluice only: ephemeral, one per live server: what the console shows of it ({@code ServerDirectory}). */
    public static final String SERVERS = "/sluice/servers";
}
