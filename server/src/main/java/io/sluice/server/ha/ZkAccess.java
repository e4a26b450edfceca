package io.sluice.server.ha;

import io.sluice.server.meta.NodeAccess;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who Sluice is to ZooKeeper and who may touch the nodes it creates (docs/security.md, "ZooKeeper"). The
 * ZooKeeper client of the server and that of {@code bin/config.sh} are built by {@link #builder}: with
 * {@code sluice.zookeeper.digest} it authenticates with that digest identity, with
 * {@code sluice.zookeeper.sasl.principal} through SASL (the JAAS {@code Client} section), and every node it
 * creates carries {@link #aclFor(String) these ACLs}:
 * <ul>
 *   <li>Sluice's identity: all permissions, on every node;</li>
 *   <li>anyone: READ on canal's layout ({@code /otter/canal/...}), because canal's {@code ClusterCanalConnector}
 *       and canal's tools read the cluster members, the running server and the cursors without authenticating;</li>
 *   <li>anyone: also CREATE and DELETE on {@code /otter/canal/destinations/<d>} and its {@code <clientId>}
 *       nodes, because canal's client registers (and removes) its own ephemeral
 *       {@code <d>/<clientId>/running} node there without authenticating;</li>
 *   <li>nobody else: anything under {@code /sluice} (instance.properties with the master password and its
 *       history) and Sluice's fence ({@code sluice-epoch}).</li>
 * </ul>
 * Without either key, nodes are created world-open as before (canal's behaviour).
 */
public final class ZkAccess implements ACLProvider, NodeAccess {

    private static final Logger log = LoggerFactory.getLogger(ZkAccess.class);

    private static final Id ANYONE = ZooDefs.Ids.ANYONE_ID_UNSAFE;

    private final List<Id> identities;
    /** {@code user:password} of the digest identity, "" for none. */
    private final String digest;

    private ZkAccess(List<Id> identities, String digest) {
        this.identities = List.copyOf(identities);
        this.digest = digest;
    }

    /**
     * The access of {@code sluice.zookeeper.digest} and {@code sluice.zookeeper.sasl.principal}; world-open when both
     * are empty.
     */
    public static ZkAccess of(String digest, String saslPrincipal) {
        List<Id> ids = new ArrayList<>();
        if (!digest.isEmpty()) {
            ids.add(new Id("digest", digest(digest)));
        }
        if (!saslPrincipal.isEmpty()) {
            ids.add(new Id("sasl", saslPrincipal));
        }
        return new ZkAccess(ids, digest);
    }

    /** A client builder with this identity and these ACLs; the caller sets timeouts and the retry policy. */
    public CuratorFrameworkFactory.Builder builder(String connect) {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder().connectString(connect)
                .aclProvider(this);
        if (!digest.isEmpty()) {
            builder.authorization("digest", digest.getBytes(StandardCharsets.UTF_8));
        }
        return builder;
    }

    public boolean restricts() {
        return !identities.isEmpty();
    }

    @Override
    public List<ACL> getDefaultAcl() {
        return aclFor("/sluice");
    }

    @Override
    public List<ACL> getAclForPath(String path) {
        return aclFor(path);
    }

    /** The ACL a node at {@code path} is created with. */
    public List<ACL> aclFor(String path) {
        if (identities.isEmpty()) {
            return ZooDefs.Ids.OPEN_ACL_UNSAFE;
        }
        List<ACL> acl = new ArrayList<>();
        identities.forEach(id -> acl.add(new ACL(ZooDefs.Perms.ALL, id)));
        int world = worldPermissions(path);
        if (world != 0) {
            acl.add(new ACL(world, ANYONE));
        }
        return acl;
    }

    /** What an unauthenticated client may do at {@code path} (canal's clients are such clients). */
    static int worldPermissions(String path) {
        if (path.equals("/otter") || path.equals(ZkPaths.ROOT) || path.equals(ZkPaths.CLUSTER)
                || path.startsWith(ZkPaths.CLUSTER + "/") || path.equals(ZkPaths.DESTINATIONS)) {
            return ZooDefs.Perms.READ;
        }
        if (!path.startsWith(ZkPaths.DESTINATIONS + "/")) {
            return 0; // /sluice/... and anything else of Sluice's
        }
        String[] parts = path.substring(ZkPaths.DESTINATIONS.length() + 1).split("/");
        if (parts.length == 1 || (parts.length == 2 && isClientId(parts[1]))) {
            // <d> and <d>/<clientId>: canal's ClientRunningMonitor creates <clientId> and <clientId>/running
            return ZooDefs.Perms.READ | ZooDefs.Perms.CREATE | ZooDefs.Perms.DELETE;
        }
        if (parts.length == 2 && parts[1].equals("sluice-epoch")) {
            return 0;
        }
        return ZooDefs.Perms.READ; // running, cluster members, cursor, filter
    }

    private static boolean isClientId(String name) {
        return !name.isEmpty() && name.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /**
     * Gives nodes created before ACLs were configured (world-writable) Sluice's ACLs: {@code path} and everything
     * below it. Nodes that already carry Sluice's identity are left alone; nodes created by canal clients are
     * adopted too (their open ACL lets us).
     *
     * @return how many nodes were changed
     */
    @Override
    public int secure(CuratorFramework zk, String path) throws Exception {
        if (identities.isEmpty()) {
            return 0;
        }
        int changed = 0;
        Stat stat = new Stat();
        List<ACL> current;
        try {
            current = zk.getACL().storingStatIn(stat).forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return 0;
        }
        List<ACL> wanted = aclFor(path);
        if (!current.equals(wanted) && current.stream().anyMatch(a -> a.getId().equals(ANYONE)
                && (a.getPerms() & ZooDefs.Perms.ADMIN) != 0)) {
            zk.setACL().withVersion(stat.getAversion()).withACL(wanted).forPath(path);
            changed++;
        }
        List<String> children;
        try {
            children = zk.getChildren().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return changed;
        }
        for (String child : children) {
            changed += secure(zk, (path.equals("/") ? "" : path) + "/" + child);
        }
        if (changed > 0 && (path.equals(ZkPaths.ROOT) || path.equals("/sluice"))) {
            log.info("ZooKeeper: gave {} node(s) under {} Sluice's ACLs (they were world-writable)", changed, path);
        }
        return changed;
    }

    private static String digest(String userPassword) {
        try {
            return DigestAuthenticationProvider.generateDigest(userPassword);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-1", e);
        }
    }
}
