package io.sluice.server.ha;

import io.sluice.server.meta.Fence;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.api.CuratorEventType;
import org.apache.curator.framework.api.CuratorListener;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server's part in electing the server that runs a destination, through canal's ephemeral {@code running}
 * node. The winner is activated with a {@link Fence}; the others watch the node and take over when it
 * disappears.
 *
 * <p>Unlike canal, a server whose ZooKeeper connection is suspended or whose session is lost is deactivated at
 * once: it cannot know whether another server has taken over, and two actives must never serve one destination.
 * After reconnecting with the same session it still owns the node and is activated again (with a new fence).
 *
 * <p>Elections run on one thread per election. Deactivation does not wait for that thread, which may sit in a
 * ZooKeeper call retrying through the outage: it happens on the thread that reports the trouble, the ZooKeeper
 * event thread (a disconnect or expiry, seen before Curator's own state events, which come later on another thread)
 * or Curator's state thread. Activation and deactivation are serialized, and an activation is dropped when a
 * disconnect was reported after its attempt began. Listener calls must return quickly (start or stop the instance
 * asynchronously).
 *
 * <p>Graceful handover ({@link #handOver}): an active server that stops cleanly creates the ephemeral
 * {@code sluice-handover} node; one standby claims it by creating {@code sluice-successor}, bumps the epoch (the
 * stopping server's cursors, flushed before, are final from then on: a later write of the old server fails), starts
 * the destination without serving ({@link Listener#prepare}) and marks the node ready. Only then does the old
 * server give the running node up; the successor takes it at once (no takeover delay) and serves.
 */
public final class DestinationElection implements AutoCloseable {

    /** Receives the election's decisions. */
    public interface Listener {

        void activated(String destination, Fence fence);

        void deactivated(String destination, String reason);

        /**
         * A stopping active server hands the destination to this standby: start it from the positions in
         * ZooKeeper under {@code fence}, without serving yet. The future completes once it could serve.
         */
        default CompletableFuture<Void> prepare(String destination, Fence fence) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("no graceful handover"));
        }
    }

    private static final Logger log = LoggerFactory.getLogger(DestinationElection.class);

    private final CuratorFramework zk;
    private final String destination;
    private final HaSettings settings;
    private final Listener listener;
    private final ScheduledExecutorService thread;
    private final ConnectionStateListener connectionListener = this::connectionChanged;
    private final CuratorListener sessionListener = this::sessionEvent;
    /** One watcher object, so that ZooKeeper keeps a single registration however often it is set again. */
    private final Watcher handoverWatcher = this::handoverChanged;
    /** Serializes activation and deactivation, which come from different threads. */
    private final Object transition = new Object();
    /** Counts disconnects and expiries, so that an attempt that straddles one does not activate. */
    private final AtomicLong troubles = new AtomicLong();
    private final PersistentNode member;

    private volatile boolean active;
    /** The fence of a handover this standby claimed, while it prepares or waits for the running node; else null. */
    private volatile Fence prepared;
    /** The server that hands over to this one, while {@link #prepared}. */
    private volatile String handoverFrom;
    // confined to `thread`
    private boolean closed;
    private long activeSinceNanos;
    private String lastOwner;

    public DestinationElection(CuratorFramework zk, String destination, HaSettings settings, Listener listener) {
        this.zk = zk;
        this.destination = destination;
        this.settings = settings;
        this.listener = listener;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ha-" + destination);
            t.setDaemon(true);
            return t;
        });
        this.member = new PersistentNode(zk, CreateMode.EPHEMERAL, false,
                ZkPaths.destinationClusterMember(destination, settings.address()), new byte[0]);
    }

    public void start() {
        member.start();
        zk.getConnectionStateListenable().addListener(connectionListener);
        zk.getCuratorListenable().addListener(sessionListener);
        onThread(() -> {
            watchMembers();
            scheduleAttempt(initialDelayMillis());
        });
    }

    /** True while this server is the destination's active server (as far as it can know). */
    public boolean isActive() {
        return active;
    }

    /** Gives the destination up on purpose (graceful stop): the running node is deleted at once. */
    @Override
    public void close() {
        submitAndWait(() -> {
            closed = true;
            if (prepared != null) {
                abandonPreparation("server stopping");
            }
            release("server stopping");
            return null;
        }, Duration.ofSeconds(30));
        zk.getConnectionStateListenable().removeListener(connectionListener);
        zk.getCuratorListenable().removeListener(sessionListener);
        try {
            member.close();
        } catch (Exception e) {
            log.warn("{}: could not remove cluster member node: {}", destination, e.getMessage());
        }
        thread.shutdownNow();
    }

    private long initialDelayMillis() {
        return isPreferred() ? 0 : settings.preferenceDelay().toMillis();
    }

    private void scheduleAttempt(long delayMillis) {
        thread.schedule(this::attempt, delayMillis, TimeUnit.MILLISECONDS);
    }

    private void attempt() {
        if (closed || active) {
            return;
        }
        String path = ZkPaths.running(destination);
        long troublesBefore = troubles.get();
        try {
            try {
                zk.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                        .forPath(path, new RunningInfo(true, settings.address()).toJson());
                activate("took the running node", troublesBefore);
            } catch (KeeperException.NodeExistsException e) {
                watchRunning();
            }
        } catch (Exception e) {
            log.warn("{}: election attempt failed ({}); retrying when ZooKeeper is reachable", destination, e.getMessage());
        }
    }

    /** Reads the running node with a watch; takes it when it is ours (same session), or waits for it to go. */
    private void watchRunning() throws Exception {
        long troublesBefore = troubles.get();
        Stat stat = new Stat();
        byte[] data;
        try {
            data = zk.getData().storingStatIn(stat).usingWatcher((Watcher) this::runningChanged)
                    .forPath(ZkPaths.running(destination));
        } catch (KeeperException.NoNodeException gone) {
            scheduleAttempt(0);
            return;
        }
        long session = zk.getZookeeperClient().getZooKeeper().getSessionId();
        if (stat.getEphemeralOwner() == session) {
            activate("still owns the running node", troublesBefore);
            return;
        }
        RunningInfo owner = RunningInfo.fromJson(data);
        if (!owner.address().equals(lastOwner)) {
            log.info("{}: standby, running on {}", destination, owner.address());
            lastOwner = owner.address();
        }
        if (prepared != null && !owner.address().equals(handoverFrom)) {
            abandonPreparation("the handover went to " + owner.address());
        }
        checkHandover();
    }

    private void runningChanged(WatchedEvent event) {
        if (event.getType() == Watcher.Event.EventType.NodeDeleted) {
            onThread(() -> {
                if (closed || active) {
                    return;
                }
                // every standby waits, the preferred one too: the old owner may not have heard yet that its
                // session is gone (ZooKeeper deletes the node before the old owner's client reports the expiry)
                // a standby prepared by a graceful handover is the one meant to take it: no delay either
                boolean wasOurs = settings.address().equals(lastOwner);
                long delay = wasOurs || prepared != null ? 0 : settings.takeoverDelay().toMillis();
                log.info("{}: running node of {} is gone; trying to take over in {} ms", destination, lastOwner, delay);
                scheduleAttempt(delay);
            });
        } else if (event.getType() != Watcher.Event.EventType.None) {
            onThread(() -> {
                try {
                    if (!active && !closed) {
                        watchRunning();
                    }
                } catch (Exception e) {
                    log.warn("{}: cannot watch the running node: {}", destination, e.getMessage());
                }
            });
        }
    }

    private void activate(String how, long troublesBefore) throws Exception {
        Fence fence = bumpEpoch();
        synchronized (transition) {
            if (troubles.get() != troublesBefore || !zk.getZookeeperClient().isConnected()) {
                log.info("{}: not activating: the ZooKeeper connection had trouble meanwhile; trying again", destination);
                scheduleAttempt(settings.takeoverDelay().toMillis());
                return;
            }
            active = true;
            activeSinceNanos = System.nanoTime();
            lastOwner = settings.address();
            log.info("{}: active on {} ({}, epoch {})", destination, settings.address(), how, fence.version());
            listener.activated(destination, fence);
        }
        if (prepared != null) {
            prepared = null;
            handoverFrom = null;
            deleteIfOurs(ZkPaths.successor(destination));
        }
    }

    private Fence bumpEpoch() throws Exception {
        String path = ZkPaths.epoch(destination);
        byte[] data = settings.address().getBytes(StandardCharsets.UTF_8);
        while (true) {
            try {
                return new Fence(path, zk.setData().forPath(path, data).getVersion());
            } catch (KeeperException.NoNodeException e) {
                try {
                    zk.create().creatingParentContainersIfNeeded().forPath(path, data);
                    return new Fence(path, 0);
                } catch (KeeperException.NodeExistsException raced) {
                    // another server created it first; bump it
                }
            }
        }
    }

    private void deactivate(String reason) {
        synchronized (transition) {
            if (active) {
                active = false;
                log.warn("{}: stopped serving: {}", destination, reason);
                listener.deactivated(destination, reason);
            }
        }
    }

    /** Raw ZooKeeper session events, delivered on its event thread before Curator's state events. */
    private void sessionEvent(CuratorFramework client, CuratorEvent event) {
        if (event.getType() != CuratorEventType.WATCHED || event.getWatchedEvent() == null
                || event.getWatchedEvent().getType() != Watcher.Event.EventType.None) {
            return;
        }
        switch (event.getWatchedEvent().getState()) {
            case Disconnected -> {
                troubles.incrementAndGet();
                deactivate("ZooKeeper connection lost; another server may take over");
                dropPreparation("ZooKeeper connection lost");
            }
            case Expired -> {
                troubles.incrementAndGet();
                deactivate("ZooKeeper session lost");
                dropPreparation("ZooKeeper session lost");
            }
            default -> {
            }
        }
    }

    private void release(String reason) {
        boolean wasActive = active;
        deactivate(reason);
        if (!wasActive) {
            return;
        }
        deleteIfOurs(ZkPaths.running(destination));
    }

    /** Deletes an ephemeral node of this server's session; one that is gone or another's is left alone. */
    private void deleteIfOurs(String path) {
        try {
            Stat stat = zk.checkExists().forPath(path);
            if (stat != null && stat.getEphemeralOwner() == zk.getZookeeperClient().getZooKeeper().getSessionId()) {
                zk.delete().guaranteed().forPath(path);
            }
        } catch (KeeperException.NoNodeException gone) {
            // deleted meanwhile
        } catch (Exception e) {
            log.warn("{}: could not delete {} ({}); it goes with the session", destination, path, e.getMessage());
        }
    }

    // --- graceful handover ------------------------------------------------------------------------------------

    /** True when another server is configured for the destination, so a handover has somewhere to go. */
    public boolean hasStandby() {
        return members().stream().anyMatch(m -> !m.equals(settings.address()));
    }

    /**
     * Hands the destination to a standby before letting it go (graceful stop). The caller has already stopped
     * handing out batches and written every cursor: from the moment a standby claims the handover, this server's
     * cursor writes are fenced. Waits up to {@code readyTimeout} for a standby to run the destination, then deletes
     * the running node and waits (within the same bound, at least 5 s) until the successor has taken it. This
     * server stays active as far as its election goes until {@link #close()}: it answers its clients (empty) until
     * the caller lets them go.
     *
     * @return the successor's address; empty when no standby was ready in time (the caller releases as usual, and
     * a standby that was still preparing takes the running node at once)
     */
    public Optional<String> handOver(Duration readyTimeout) {
        return submitAndWait(() -> handOverOnThread(readyTimeout, null), readyTimeout.plusSeconds(10));
    }

    /**
     * An operator's move ({@code POST /cluster/move}): hands the destination to the standby {@code target} alone, as
     * {@link #handOver} does, and then becomes a standby itself (the destination is stopped here and this server
     * watches the running node again). Nothing changes when {@code target} is not ready in time.
     *
     * @return the successor's address; empty when the move did not happen
     */
    public Optional<String> moveTo(String target, Duration readyTimeout) {
        return submitAndWait(() -> {
            Optional<String> to = handOverOnThread(readyTimeout, target);
            if (to.isPresent()) {
                deactivate("moved to " + to.get() + " by an operator");
                lastOwner = to.get();
                watchRunning();
            } else if (active && !closed) {
                // the instance was drained for the move: start it afresh here, from the cursors it just wrote
                log.warn("{}: the move to {} did not happen (not ready in time); running it here again", destination,
                        target);
                release("the move to " + target + " did not happen");
                scheduleAttempt(0);
            }
            return to;
        }, readyTimeout.plusSeconds(20));
    }

    private Optional<String> handOverOnThread(Duration readyTimeout, String target) throws Exception {
        if (closed || !active) {
            return Optional.empty();
        }
        String handover = ZkPaths.handover(destination);
        long started = System.nanoTime();
        long deadline = started + readyTimeout.toNanos();
        try {
            // line 1: who hands over; line 2, for a move only: the one standby meant to claim it
            zk.create().withMode(CreateMode.EPHEMERAL).forPath(handover,
                    (settings.address() + (target == null ? "" : "\n" + target)).getBytes(StandardCharsets.UTF_8));
            log.info("{}: handing over{}: waiting up to {} ms for a standby to run it", destination,
                    target == null ? "" : " to " + target, readyTimeout.toMillis());
            SuccessorInfo successor = awaitReadySuccessor(deadline);
            if (successor == null) {
                log.warn("{}: no standby was ready to take over within {} ms; releasing it the ordinary way",
                        destination, readyTimeout.toMillis());
                return Optional.empty();
            }
            long readyAt = System.nanoTime();
            // still "active" here, answering GETs empty (it hands nothing out any more), until the caller lets the
            // clients go: they are moved by the running node, not bounced with errors in between
            deleteIfOurs(ZkPaths.running(destination));
            boolean taken = awaitRunningOn(successor.address(),
                    Math.max(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(5)));
            log.info("{}: handed over to {}: ready after {} ms, running node {} {} ms later", destination,
                    successor.address(), TimeUnit.NANOSECONDS.toMillis(readyAt - started),
                    taken ? "taken by it" : "not yet taken by it",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - readyAt));
            return Optional.of(successor.address());
        } finally {
            deleteIfOurs(handover);
        }
    }

    /** The successor once it says ready; null when none is ready by the deadline or the one that claimed left. */
    private SuccessorInfo awaitReadySuccessor(long deadline) throws Exception {
        String path = ZkPaths.successor(destination);
        boolean claimed = false;
        while (true) {
            CountDownLatch changed = new CountDownLatch(1);
            Watcher wake = event -> changed.countDown();
            try {
                SuccessorInfo info = SuccessorInfo.fromJson(zk.getData().usingWatcher(wake).forPath(path));
                claimed = true;
                if (info.ready()) {
                    return info;
                }
            } catch (KeeperException.NoNodeException none) {
                if (claimed) {
                    log.warn("{}: the standby that answered the handover left before it was ready", destination);
                    return null;
                }
                if (zk.checkExists().usingWatcher(wake).forPath(path) != null) {
                    continue; // created between the two calls
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || !changed.await(left, TimeUnit.NANOSECONDS)) {
                return null;
            }
        }
    }

    private boolean awaitRunningOn(String address, long deadline) throws Exception {
        String path = ZkPaths.running(destination);
        while (true) {
            CountDownLatch changed = new CountDownLatch(1);
            Watcher wake = event -> changed.countDown();
            try {
                if (RunningInfo.fromJson(zk.getData().usingWatcher(wake).forPath(path)).address().equals(address)) {
                    return true;
                }
            } catch (KeeperException.NoNodeException none) {
                if (zk.checkExists().usingWatcher(wake).forPath(path) != null) {
                    continue;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || !changed.await(left, TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
    }

    private void handoverChanged(WatchedEvent event) {
        if (event.getType() != Watcher.Event.EventType.None) {
            onThread(() -> {
                try {
                    checkHandover();
                } catch (Exception e) {
                    log.warn("{}: cannot answer the handover: {}", destination, e.getMessage());
                }
            });
        }
    }

    /** Standby: watches the handover node and claims a handover that appears (one standby wins the claim). */
    private void checkHandover() throws Exception {
        if (closed || active || prepared != null) {
            return;
        }
        String handover = ZkPaths.handover(destination);
        if (zk.checkExists().usingWatcher(handoverWatcher).forPath(handover) == null) {
            return;
        }
        String from;
        try {
            from = new String(zk.getData().forPath(handover), StandardCharsets.UTF_8);
        } catch (KeeperException.NoNodeException gone) {
            return;
        }
        int newline = from.indexOf('\n');
        if (newline >= 0) {
            String target = from.substring(newline + 1).trim();
            from = from.substring(0, newline);
            if (!target.isEmpty() && !target.equals(settings.address())) {
                log.info("{}: {} moves it to {}, not here", destination, from, target);
                return;
            }
        }
        try {
            zk.create().withMode(CreateMode.EPHEMERAL).forPath(ZkPaths.successor(destination),
                    new SuccessorInfo(settings.address(), false).toJson());
        } catch (KeeperException.NodeExistsException taken) {
            log.info("{}: another standby answers the handover of {}", destination, from);
            return;
        }
        // from here on the stopping server's cursor writes fail: what it wrote before is what this server reads
        Fence fence = bumpEpoch();
        prepared = fence;
        handoverFrom = from;
        log.info("{}: {} hands it over; starting it here (epoch {})", destination, from, fence.version());
        long started = System.nanoTime();
        listener.prepare(destination, fence).whenComplete((ok, error) -> onThread(() -> preparedDone(fence, error,
                started)));
    }

    private void preparedDone(Fence fence, Throwable error, long started) {
        if (prepared != fence || closed || active) {
            return;
        }
        if (error != null) {
            log.warn("{}: could not start for the handover: {}", destination, error.toString());
            abandonPreparation("could not start for the handover");
            return;
        }
        try {
            zk.setData().forPath(ZkPaths.successor(destination), new SuccessorInfo(settings.address(), true).toJson());
            log.info("{}: ready to take over from {} ({} ms)", destination, handoverFrom,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } catch (Exception e) {
            log.warn("{}: cannot say it is ready for the handover: {}", destination, e.getMessage());
            abandonPreparation("cannot answer the handover");
        }
    }

    /** Stops what a claimed handover started here (it went elsewhere, or this server stops). */
    private void abandonPreparation(String reason) {
        dropPreparation(reason);
        deleteIfOurs(ZkPaths.successor(destination));
    }

    /** Like {@link #abandonPreparation} but without ZooKeeper calls, for ZooKeeper's own threads. */
    private void dropPreparation(String reason) {
        synchronized (transition) {
            if (prepared != null && !active) {
                prepared = null;
                handoverFrom = null;
                log.info("{}: handover preparation dropped: {}", destination, reason);
                listener.deactivated(destination, reason);
            }
        }
    }

    private void connectionChanged(CuratorFramework client, ConnectionState state) {
        switch (state) {
            case SUSPENDED -> {
                troubles.incrementAndGet();
                deactivate("ZooKeeper connection suspended; another server may take over");
                dropPreparation("ZooKeeper connection suspended");
            }
            case LOST -> {
                troubles.incrementAndGet();
                deactivate("ZooKeeper session lost");
                dropPreparation("ZooKeeper session lost");
            }
            case RECONNECTED -> onThread(() -> {
                if (!closed) {
                    watchMembers();
                    scheduleAttempt(0);
                }
            });
            default -> {
            }
        }
    }

    // --- load spreading ---------------------------------------------------------------------------------------

    private List<String> members() {
        try {
            return zk.getChildren().forPath(ZkPaths.destinationCluster(destination));
        } catch (Exception e) {
            return List.of(settings.address());
        }
    }

    /**
     * Watches the destination's member list and checks the balance against what it is now: a member that joined
     * before the watch was set (e.g. while the parent node did not exist yet) fires no event.
     */
    private void watchMembers() {
        if (closed) {
            return;
        }
        try {
            zk.getChildren().usingWatcher((Watcher) event -> onThread(this::watchMembers))
                    .forPath(ZkPaths.destinationCluster(destination));
        } catch (KeeperException.NoNodeException e) {
            thread.schedule(this::watchMembers, 200, TimeUnit.MILLISECONDS);
            return;
        } catch (Exception e) {
            log.debug("{}: cannot watch members: {}", destination, e.getMessage());
            return;
        }
        checkBalance();
    }

    private void checkBalance() {
        if (closed || !active || !settings.rebalance() || isPreferred()) {
            return;
        }
        long remaining = settings.rebalanceGrace().toNanos() - (System.nanoTime() - activeSinceNanos);
        if (remaining > 0) {
            thread.schedule(this::checkBalance, remaining, TimeUnit.NANOSECONDS);
            return;
        }
        String preferred = preferred(members());
        log.info("{}: handing over to its preferred server {}", destination, preferred);
        release("handed over to " + preferred + " to spread destinations");
        scheduleAttempt(settings.takeoverDelay().toMillis() + settings.preferenceDelay().toMillis());
    }

    private boolean isPreferred() {
        List<String> members = members();
        return members.isEmpty() || settings.address().equals(preferred(members));
    }

    /** The server an operator moved the destination to while it is live ({@link ZkPaths#pinned}), else the hash's. */
    private String preferred(List<String> members) {
        try {
            String pinned = new String(zk.getData().forPath(ZkPaths.pinned(destination)), StandardCharsets.UTF_8).trim();
            if (members.contains(pinned)) {
                return pinned;
            }
        } catch (KeeperException.NoNodeException none) {
            // never moved by an operator
        } catch (Exception e) {
            log.debug("{}: cannot read the pinned server: {}", destination, e.getMessage());
        }
        return preferredMember(destination, members);
    }

    /**
     * Rendezvous hashing: each destination prefers the live member with the highest score. Public so that
     * operators' tools and end-to-end tests can tell where a destination should settle.
     */
    public static String preferredMember(String destination, List<String> members) {
        return members.stream().max((a, b) -> Long.compare(score(destination, a), score(destination, b))).orElse(null);
    }

    private static long score(String destination, String member) {
        long h = (destination + "|" + member).hashCode() * 0x9E3779B97F4A7C15L;
        h ^= (h >>> 33);
        h *= 0xff51afd7ed558ccdL;
        return h ^ (h >>> 33);
    }

    /** Runs a task on the election thread unless the election is already closed. */
    private void onThread(Runnable task) {
        if (!thread.isShutdown()) {
            try {
                thread.execute(task);
            } catch (java.util.concurrent.RejectedExecutionException closedMeanwhile) {
                // a ZooKeeper callback raced with close(); there is nothing left to decide
            }
        }
    }

    private <T> T submitAndWait(java.util.concurrent.Callable<T> task, Duration timeout) {
        try {
            return thread.submit(task).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException(destination + ": election task failed: " + e.getMessage(), e);
        }
    }
}
