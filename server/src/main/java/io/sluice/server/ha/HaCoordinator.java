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
        log.info("HA through ZooKeeper as {}", settings.address());
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
        managed.keySet().forEach(this::release);
        try {
            registration.close();
        } catch (Exception e) {
            log.warn("could not remove the cluster registration: {}", e.getMessage());
        }
    }

}
