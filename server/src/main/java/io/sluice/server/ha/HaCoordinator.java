package io.sluice.server.ha;

import io.sluice.server.meta.Fence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each destination on this server only while this server is its elected active server. Starting and
 * stopping a destination can take seconds (connecting to the master, flushing positions), so they run on one
 * thread per destination; the "no longer active" flag is cleared at once, before the stop, so clients are
 * refused from the first moment of doubt.
 */
public final class HaCoordinator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HaCoordinator.class);

    /** What to do when this server becomes, or stops being, a destination's active server. */
    public interface Activation {

        void start(Fence fence);

        void stop();

        /**
         * Graceful handover, on the standby: start the destination under {@code fence} as {@link #start} does, and
         * return once it could serve. It serves only after a following {@link #start}.
         */
        default void prepare(Fence fence) {
            start(fence);
        }

        /**
         * Graceful handover, on the active server: stop handing out batches, give the clients up to {@code drain}
         * to acknowledge the ones they hold, then refuse acks and write every cursor. Returns when they are final.
         */
        default void drain(Duration drain) {
        }
    }

    /** How long a stopping active server gives its clients to acknowledge the batches they hold. */
    public static final Duration HANDOVER_DRAIN = Duration.ofSeconds(2);
    /** How long a stopping active server waits for a standby to run a destination before releasing it anyway. */
    public static final Duration HANDOVER_READY = Duration.ofSeconds(20);

    private final CuratorFramework zk;
    private final HaSettings settings;
    private final ServerRegistration registration;
    private final Map<String, Managed> managed = new ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService moves;

    private final class Managed implements DestinationElection.Listener {
        final String destination;
        final Activation activation;
        final ExecutorService runner;
        final DestinationElection election;
        volatile boolean active;
        /** The fence a handover's prepare started the destination with, until it is activated or dropped. */
        volatile Fence preparedWith;
        /** Bumped by every decision, so that a start that finishes after a later stop does not count as active. */
        private long decisions;

        Managed(String destination, Activation activation) {
            this.destination = destination;
            this.activation = activation;
            this.runner = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "ha-run-" + destination);
                t.setDaemon(true);
                return t;
            });
            this.election = new DestinationElection(zk, destination, settings, this);
        }

        @Override
        public void activated(String dest, Fence fence) {
            long decision;
            synchronized (this) {
                decision = ++decisions;
            }
            if (preparedWith != null) {
                preparedWith = null;
                // already running from the handover's prepare, only the fence changes: done here and now, so the
                // clients that the new running node sends here are answered from the first moment
                try {
                    activation.start(fence);
                    synchronized (this) {
                        active = decisions == decision;
                    }
                    return;
                } catch (RuntimeException e) {
                    log.warn("{}: prepared start did not take the new fence ({}); starting again", dest, e.toString());
                }
            }
            runner.execute(() -> {
                try {
                    activation.start(fence);
                    synchronized (this) {
                        active = decisions == decision;
                    }
                } catch (RuntimeException e) {
                    log.error("{}: could not start after winning the election: {}", dest, e.toString(), e);
                }
            });
        }

        @Override
        public CompletableFuture<Void> prepare(String dest, Fence fence) {
            CompletableFuture<Void> ready = new CompletableFuture<>();
            runner.execute(() -> {
                try {
                    activation.prepare(fence);
                    preparedWith = fence;
                    ready.complete(null);
                } catch (RuntimeException e) {
                    log.error("{}: could not start for a handover: {}", dest, e.toString());
                    ready.completeExceptionally(e);
                }
            });
            return ready;
        }

        /** Graceful stop of an active destination: see {@link HaCoordinator#handOverAll}. */
        boolean handOver() {
            if (!active || !election.isActive() || !election.hasStandby()) {
                return false;
            }
            long started = System.nanoTime();
            activation.drain(HANDOVER_DRAIN);
            log.info("{}: cursors final after {} ms; handing over", destination,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return election.handOver(HANDOVER_READY).isPresent();
        }

        /** An operator's move: see {@link HaCoordinator#checkMoveRequests}. */
        boolean moveTo(String target) {
            if (!active || !election.isActive()) {
                return false;
            }
            activation.drain(HANDOVER_DRAIN);
            return election.moveTo(target, HANDOVER_READY).isPresent();
        }

        @Override
        public void deactivated(String dest, String reason) {
            preparedWith = null;
            synchronized (this) {
                decisions++;
                active = false;
            }
            runner.execute(() -> {
                try {
                    activation.stop();
                } catch (RuntimeException e) {
                    log.error("{}: did not stop cleanly: {}", dest, e.toString(), e);
                }
            });
        }

        void close() {
            election.close();
            runner.shutdown();
            try {
                if (!runner.awaitTermination(60, TimeUnit.SECONDS)) {
                    log.warn("{}: stop did not finish within 60 s", destination);
                    runner.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public HaCoordinator(CuratorFramework zk, HaSettings settings) {
        this.zk = zk;
        this.settings = settings;
        this.registration = new ServerRegistration(zk, settings.address());
        this.moves = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ha-moves");
            t.setDaemon(true);
            return t;
        });
        moves.scheduleWithFixedDelay(this::checkMoveRequests, 1, 1, TimeUnit.SECONDS);
        log.info("HA through ZooKeeper as {}", settings.address());
    }

    /**
     * Acts on operators' move requests ({@link ZkPaths#move}) for the destinations active here: a graceful
     * handover to the named server. Polled once a second: a move is rare and a second is nothing next to it.
     */
    private void checkMoveRequests() {
        if (!zk.getZookeeperClient().isConnected()) {
            return;
        }
        for (Managed m : managed.values()) {
            if (!m.active) {
                continue;
            }
            String path = ZkPaths.move(m.destination);
            String target;
            try {
                byte[] data = zk.getData().forPath(path);
                zk.delete().forPath(path);
                target = new String(data, java.nio.charset.StandardCharsets.UTF_8).trim();
            } catch (org.apache.zookeeper.KeeperException.NoNodeException none) {
                continue;
            } catch (Exception e) {
                log.warn("{}: cannot read the move request: {}", m.destination, e.getMessage());
                continue;
            }
            if (target.equals(settings.address())) {
                log.info("{}: move request to {}: it runs here already", m.destination, target);
                continue;
            }
            log.info("{}: moving it to {} as an operator asked", m.destination, target);
            try {
                boolean moved = m.moveTo(target);
                if (moved) {
                    pin(m.destination, target);
                }
                log.info("{}: move to {} {}", m.destination, target, moved ? "done" : "did not happen");
            } catch (RuntimeException e) {
                log.warn("{}: move to {} failed: {}", m.destination, target, e.getMessage());
            }
        }
    }

    /** Records where an operator moved the destination, so that spreading destinations leaves it there. */
    private void pin(String destination, String target) {
        byte[] data = target.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String path = ZkPaths.pinned(destination);
        try {
            try {
                zk.setData().forPath(path, data);
            } catch (org.apache.zookeeper.KeeperException.NoNodeException none) {
                zk.create().creatingParentContainersIfNeeded().forPath(path, data);
            }
        } catch (Exception e) {
            log.warn("{}: moved to {} but not pinned there ({}): spreading may move it back", destination, target,
                    e.getMessage());
        }
    }

    /** Addresses of the servers configured for the destination (its election's members), live ones only. */
    public List<String> members(String destination) {
        try {
            List<String> out = new ArrayList<>(zk.getChildren().forPath(ZkPaths.destinationCluster(destination)));
            out.sort(null);
            return out;
        } catch (Exception e) {
            return List.of();
        }
    }

    /** Takes part in the destination's election; {@code activation} runs while this server is its active one. */
    public void manage(String destination, Activation activation) {
        Managed m = new Managed(destination, activation);
        if (managed.putIfAbsent(destination, m) != null) {
            throw new IllegalStateException(destination + " is already managed");
        }
        m.election.start();
    }

    /** Leaves the destination's election (it was removed from the configuration); stops it here if it ran. */
    public void release(String destination) {
        Managed m = managed.remove(destination);
        if (m != null) {
            m.close();
        }
    }

    /** True while this server is the destination's active server and the destination has started. */
    public boolean isActive(String destination) {
        Managed m = managed.get(destination);
        return m != null && m.active;
    }

    /** The address of the destination's active server, from its running node. */
    public Optional<String> activeServer(String destination) {
        if (!zk.getZookeeperClient().isConnected()) {
            return Optional.empty(); // unknown; not worth waiting in Curator's retry loop for a status page
        }
        try {
            return Optional.of(RunningInfo.fromJson(zk.getData().forPath(ZkPaths.running(destination))).address());
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    public String address() {
        return settings.address();
    }

    /**
     * Graceful stop, before the clients are let go: each destination active here is handed to a standby, all at
     * once. Per destination: no more batches are handed out, the clients get {@link #HANDOVER_DRAIN} to acknowledge
     * what they hold, the cursors are written, a standby starts the destination from them and says it is ready,
     * and only then is the running node given up, which the standby takes at once. A destination with no standby
     * configured, or whose standby is not ready within {@link #HANDOVER_READY}, is left to {@link #close}.
     *
     * @return the destinations handed over
     */
    public List<String> handOverAll() {
        List<String> handed = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (Managed m : managed.values()) {
            Thread t = new Thread(() -> {
                try {
                    if (m.handOver()) {
                        synchronized (handed) {
                            handed.add(m.destination);
                        }
                    }
                } catch (RuntimeException e) {
                    log.warn("{}: handover failed ({}); releasing it the ordinary way", m.destination, e.toString());
                }
            }, "handover-" + m.destination);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        synchronized (handed) {
            return List.copyOf(handed);
        }
    }

    /** Releases every destination at once (graceful stop: standbys take over without waiting for a timeout). */
    @Override
    public void close() {
        moves.shutdownNow();
        managed.keySet().forEach(this::release);
        try {
            registration.close();
        } catch (Exception e) {
            log.warn("could not remove the cluster registration: {}", e.getMessage());
        }
    }

}
