package io.sluice.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elects one active copy among the copies of a consumer (same destination and client id), as canal's
 * {@code ClientRunningMonitor} does and on canal's node, so canal's own clients and Sluice's exclude each other:
 * {@code /otter/canal/destinations/<dest>/<clientId>/running}, ephemeral, holding
 * {@code {"active":true,"address":"<ip:port>","clientId":1001}}.
 *
 * <p>The copy that creates the node is active; the others watch it and try again when it goes (its process died,
 * its session expired, or it closed the monitor). A copy stops being active as soon as its ZooKeeper connection is
 * suspended, not only when the session is declared lost: the session may already be gone on the server and
 * another copy active, so pulling on would break "one at a time". Once reconnected it is active again only if the
 * node is still its own (same session).
 *
 * <p>Use: {@link #awaitActive}, then pull while {@link #isActive()}; a batch received after the monitor turned
 * inactive must not be acked (it comes again to the new active, which resumes after the last ack).
 */
public final class ClientRunningMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClientRunningMonitor.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CuratorFramework zk;
    private final boolean ownsZk;
    private final String path;
    private final String address;
    private final byte[] data;
    private final ExecutorService elections;
    private final ConnectionStateListener stateListener = this::stateChanged;
    private final Object lock = new Object();
    private boolean active;
    private boolean closed;

    private ClientRunningMonitor(CuratorFramework zk, boolean ownsZk, String destination, short clientId,
                                 String address) {
        this.zk = zk;
        this.ownsZk = ownsZk;
        this.path = runningPath(destination, clientId);
        this.address = address;
        this.data = JSON.createObjectNode().put("active", true).put("address", address).put("clientId", clientId)
                .toString().getBytes(StandardCharsets.UTF_8);
        this.elections = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "client-running-" + destination + "-" + clientId);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * How a running node names this process: canal writes the client's ip:port; the process id stands for the port,
     * so that copies of one consumer on one host are told apart.
     */
    public static String processAddress() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostAddress();
        } catch (java.net.UnknownHostException e) {
            host = "127.0.0.1";
        }
        return host + ":" + ProcessHandle.current().pid();
    }

    /** canal's client running node of a consumer. */
    public static String runningPath(String destination, short clientId) {
        return "/otter/canal/destinations/" + destination + "/" + clientId + "/running";
    }

    /**
     * Joins the election with an own ZooKeeper client (closed with the monitor).
     *
     * @param address what the running node names this copy by (canal writes the client's ip:port)
     */
    public static ClientRunningMonitor start(String zkServers, Duration sessionTimeout, String destination,
                                             short clientId, String address) {
        CuratorFramework zk = CuratorFrameworkFactory.builder().connectString(zkServers)
                .sessionTimeoutMs((int) sessionTimeout.toMillis())
                .connectionTimeoutMs((int) Math.min(15_000, sessionTimeout.toMillis()))
                .retryPolicy(new ExponentialBackoffRetry(200, 10, 2000)).build();
        zk.start();
        return start(zk, true, destination, clientId, address);
    }

    /** Joins the election with a ZooKeeper client the caller owns. */
    public static ClientRunningMonitor start(CuratorFramework zk, String destination, short clientId, String address) {
        return start(zk, false, destination, clientId, address);
    }

    private static ClientRunningMonitor start(CuratorFramework zk, boolean ownsZk, String destination, short clientId,
                                              String address) {
        ClientRunningMonitor m = new ClientRunningMonitor(zk, ownsZk, destination, clientId, address);
        zk.getConnectionStateListenable().addListener(m.stateListener);
        m.elections.execute(m::contend);
        return m;
    }

    public boolean isActive() {
        synchronized (lock) {
            return active;
        }
    }

    /** Waits until this copy is the active one; false on timeout or when closed. */
    public boolean awaitActive(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (lock) {
            while (!active && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return active;
        }
    }

    public String address() {
        return address;
    }

    private void contend() {
        synchronized (lock) {
            if (closed) {
                return;
            }
        }
        try {
            while (true) {
                try {
                    zk.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, data);
                    becomeActive(true, "created " + path);
                    return;
                } catch (KeeperException.NodeExistsException taken) {
                    Stat stat = new Stat();
                    byte[] current;
                    try {
                        current = zk.getData().storingStatIn(stat).forPath(path);
                    } catch (KeeperException.NoNodeException gone) {
                        continue;
                    }
                    long session = zk.getZookeeperClient().getZooKeeper().getSessionId();
                    if (stat.getEphemeralOwner() == session) {
                        becomeActive(true, "the running node is still this copy's");
                        return;
                    }
                    becomeActive(false, "another copy is active: " + describe(current));
                    if (zk.checkExists().usingWatcher((Watcher) this::nodeChanged).forPath(path) != null) {
                        return; // the watch calls contend again when the node goes
                    }
                }
            }
        } catch (Exception e) {
            // an unreachable ZooKeeper: the connection listener calls contend again once reconnected
            becomeActive(false, "cannot reach ZooKeeper for " + path + ": " + e);
        }
    }

    private void nodeChanged(WatchedEvent event) {
        if (event.getType() == Watcher.Event.EventType.NodeDeleted) {
            schedule();
        } else if (event.getType() != Watcher.Event.EventType.None) {
            schedule(); // a data change re-arms the watch
        }
    }

    private void stateChanged(CuratorFramework client, ConnectionState state) {
        switch (state) {
            case SUSPENDED, LOST -> becomeActive(false, "ZooKeeper connection " + state.name().toLowerCase());
            case CONNECTED, RECONNECTED -> schedule();
            default -> {
            }
        }
    }

    private void schedule() {
        synchronized (lock) {
            if (closed) {
                return;
            }
        }
        elections.execute(this::contend);
    }

    private void becomeActive(boolean now, String why) {
        synchronized (lock) {
            if (closed || active == now) {
                return;
            }
            active = now;
            lock.notifyAll();
        }
        if (now) {
            log.info("consumer {} is active ({})", address, why);
        } else {
            log.info("consumer {} is standby ({})", address, why);
        }
    }

    private static String describe(byte[] running) {
        try {
            JsonNode node = JSON.readTree(running);
            return node.path("address").asText("?");
        } catch (java.io.IOException e) {
            return new String(running, StandardCharsets.UTF_8);
        }
    }

    /** Leaves the election; an active copy deletes its node so that a standby takes over at once. */
    @Override
    public void close() {
        boolean wasActive;
        synchronized (lock) {
            if (closed) {
                return;
            }
            wasActive = active;
            closed = true;
            active = false;
            lock.notifyAll();
        }
        zk.getConnectionStateListenable().removeListener(stateListener);
        elections.shutdownNow();
        if (wasActive) {
            try {
                Stat stat = zk.checkExists().forPath(path);
                if (stat != null && stat.getEphemeralOwner() == zk.getZookeeperClient().getZooKeeper().getSessionId()) {
                    zk.delete().guaranteed().withVersion(stat.getVersion()).forPath(path);
                }
            } catch (Exception e) {
                log.warn("consumer {}: running node {} not deleted ({}); it goes with the session", address, path,
                        e.toString());
            }
        }
        if (ownsZk) {
            zk.close();
        }
    }
}
