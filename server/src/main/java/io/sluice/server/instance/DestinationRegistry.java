package io.sluice.server.instance;

import io.sluice.server.config.ConfigException;
import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.ConfigSource;
import io.sluice.server.config.InstanceConfig;
import io.sluice.server.config.ServerConfig;
import io.sluice.server.ha.HaCoordinator;
import io.sluice.server.meta.Fence;
import io.sluice.server.meta.MetaStore;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The destinations one server runs (canal's CanalController): builds a {@link DestinationInstance} per
 * configured destination, put together by {@link DestinationWiring}, starts them (lazy ones on their first
 * subscribe), and with {@code canal.auto.scan} watches the conf dir every {@code canal.auto.scan.interval}
 * seconds: a new destination directory starts an instance, a removed one stops it, a changed
 * instance.properties restarts it with the new settings (from its last ack). A change that does not load
 * is reported and the instance keeps running with its previous settings. The same pass restarts an
 * instance whose source has failed for good. With {@code sluice.config.source=zookeeper} the destinations and their
 * instance.properties come from the nodes under {@code /sluice/config/destinations} instead, watched: the same
 * pass runs at once on every change there.
 */
public final class DestinationRegistry implements Destinations, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DestinationRegistry.class);
    /** How long a handover's successor waits for its first decoded entry before it says it is ready anyway. */
    private static final java.time.Duration FIRST_ENTRY_WAIT = java.time.Duration.ofSeconds(3);

    private record Running(DestinationInstance instance, MetaStore meta, Long fingerprint, boolean leader) {
    }

    private final ServerConfig server;
    private final ConfigLoader loader;
    private final DestinationWiring wiring;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final Map<String, RouteGroup> groups = new HashMap<>();
    private final Map<String, Long> reportedBad = new HashMap<>();
    private ScheduledExecutorService scanner;
    /** Null without HA: every destination runs here. */
    private final HaCoordinator ha;
    /** The fence of each destination this server is currently the elected active server of. */
    private final Map<String, Fence> activeFences = new ConcurrentHashMap<>();
    private DestinationDefinitions definitions;

    /** Without ZooKeeper and HA, every destination reading through {@code sources} (tests). */
    public DestinationRegistry(ServerConfig server, ConfigLoader loader, ChangeSourceFactory sources) {
        this(server, loader, new DestinationWiring(server, null, sources), null);
    }

    /**
     * @param wiring builds each destination's parts (with the server's ZooKeeper client, if any)
     * @param ha     with HA, a destination runs here only while this server is its elected active server
     */
    public DestinationRegistry(ServerConfig server, ConfigLoader loader, DestinationWiring wiring, HaCoordinator ha) {
        this.server = server;
        this.loader = loader;
        this.wiring = wiring;
        this.ha = ha;
    }

    /**
     * Starts every configured destination. One whose configuration does not load, or that fails to start, is
     * logged with the reason (file and key for configuration) and left stopped while the others run; auto-scan
     * starts it once its configuration is changed and loads. Then starts the scanner.
     */
    public synchronized void start() {
        definitions = server.configSource() == ConfigSource.ZOOKEEPER
                ? new ZooKeeperDefinitions(server, loader, wiring.zooKeeper())
                : new ConfDirDefinitions(server, loader);
        Map<String, InstanceConfig> configs = new LinkedHashMap<>();
        for (String name : definitions.names()) {
            try {
                configs.put(name, definitions.load(name));
            } catch (ConfigException e) {
                reportedBad.put(name, definitions.fingerprint(name)); // auto-scan retries once the file changes
                LOG.error("destination {} not started: {}", name, e.getMessage());
            }
        }
        Set<String> leaders = leaders(configs.values());
        for (InstanceConfig c : configs.values()) {
            try {
                launch(c, leaders, configs);
            } catch (ConfigException e) {
                reportedBad.put(c.destination(), definitions.fingerprint(c.destination()));
                LOG.error("destination {} not started: {}", c.destination(), e.getMessage());
            } catch (RuntimeException e) {
                // a corrupt meta.dat, an unreachable ZooKeeper: only this destination stops; the others keep
                // serving, and this one stays registered, not running, until fixed
                LOG.error("destination {} did not start: {}", c.destination(), e.getMessage());
            }
        }
        scanner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "destination-scan");
            t.setDaemon(true);
            return t;
        });
        long period = server.autoScanIntervalSeconds();
        scanner.scheduleWithFixedDelay(this::scanQuietly, period, period, TimeUnit.SECONDS);
        ScheduledExecutorService s = scanner;
        definitions.watch(() -> {
            if (!s.isShutdown()) {
                s.execute(this::scanQuietly);
            }
        });
    }

    @Override
    public Optional<Destination> find(String name) {
        Running r = running.get(name);
        if (r == null || (!r.instance().isRunning() && !r.instance().config().lazy())) {
            return Optional.empty();
        }
        if (ha != null && !ha.isActive(name)) {
            return Optional.empty(); // a standby answers as canal's standby does: "should start first"
        }
        return Optional.of(r.instance());
    }

    /** The configuration text the destination runs with, when its source keeps it (ZooKeeper configuration). */
    public Optional<String> runningConfigText(String name) {
        DestinationDefinitions d = definitions;
        return d == null ? Optional.empty() : d.lastLoaded(name);
    }

    /** The instance of a destination, started or not. */
    public Optional<DestinationInstance> instance(String name) {
        Running r = running.get(name);
        return r == null ? Optional.empty() : Optional.of(r.instance());
    }

    public Collection<DestinationInstance> instances() {
        return running.values().stream().map(Running::instance).toList();
    }

    private void scanQuietly() {
        try {
            scan();
        } catch (DefinitionsUnavailableException e) {
            LOG.warn("destination scan skipped: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("destination scan failed: {}", e.toString(), e);
        }
    }

    /** One pass of auto-scan (when enabled) and of the failed-source check. */
    public synchronized void scan() {
        if (server.autoScan() || server.configSource() == ConfigSource.ZOOKEEPER) {
            rescanConfiguration();
        }
        for (Running r : running.values()) {
            DestinationInstance i = r.instance();
            if (i.hasFailedSource()) {
                LOG.warn("destination {}: its source stopped; restarting it from the last ack", i.name());
                try {
                    i.restart();
                } catch (RuntimeException e) {
                    LOG.error("destination {} did not restart: {}", i.name(), e.toString());
                }
            }
        }
    }

    private void rescanConfiguration() {
        List<String> names = definitions.names();
        for (String name : List.copyOf(running.keySet())) {
            if (!names.contains(name)) {
                LOG.info("destination {} was removed from {}; stopping it", name, definitions.describe());
                if (ha != null) {
                    ha.release(name);
                }
                running.remove(name).instance().stop();
                reportedBad.remove(name);
            }
        }
        Map<String, InstanceConfig> configs = new LinkedHashMap<>();
        Map<String, Boolean> changed = new LinkedHashMap<>();
        for (String name : names) {
            Running r = running.get(name);
            Long modified = definitions.fingerprint(name);
            boolean isNew = r == null;
            boolean isChanged = r != null && !Objects.equals(r.fingerprint(), modified);
            if (!isNew && !isChanged) {
                configs.put(name, r.instance().config());
                continue;
            }
            if (modified != null && modified.equals(reportedBad.get(name))) {
                if (r != null) {
                    configs.put(name, r.instance().config());
                }
                continue;
            }
            try {
                configs.put(name, definitions.load(name));
                changed.put(name, true);
                reportedBad.remove(name);
            } catch (ConfigException e) {
                reportedBad.put(name, modified);
                if (r != null) {
                    LOG.error("destination {}: the changed configuration is rejected and the running instance keeps"
                            + " its previous settings: {}", name, e.getMessage());
                    configs.put(name, r.instance().config());
                } else {
                    LOG.error("destination {} not started: {}", name, e.getMessage());
                }
            }
        }
        Set<String> leaders = leaders(configs.values());
        for (InstanceConfig c : configs.values()) {
            Running r = running.get(c.destination());
            boolean leaderChanged = r != null && r.leader() != leaders.contains(c.destination());
            boolean routedLeaderRestarted = c.isRouted() && changed.containsKey(c.routeFrom());
            if (r == null || changed.containsKey(c.destination()) || leaderChanged || routedLeaderRestarted) {
                if (r != null) {
                    LOG.info("destination {}: configuration changed; restarting it from its last ack", c.destination());
                    // stays in running so that launch replaces it in place: with HA the election of the
                    // destination goes on and the new instance starts only where it is active
                    r.instance().stop();
                }
                try {
                    launch(c, leaders, configs);
                } catch (RuntimeException e) {
                    LOG.error("destination {} did not start: {}", c.destination(), e.toString());
                }
            }
        }
    }

    private static Set<String> leaders(Collection<InstanceConfig> configs) {
        Set<String> out = new HashSet<>();
        for (InstanceConfig c : configs) {
            if (c.isRouted()) {
                out.add(c.routeFrom());
            }
        }
        return out;
    }

    private void launch(InstanceConfig config, Set<String> leaders, Map<String, InstanceConfig> all) {
        String name = config.destination();
        InstanceConfig effective = config;
        ChangeSourceFactory factory = wiring.sources();
        if (config.isRouted()) {
            InstanceConfig leader = all.get(config.routeFrom());
            if (leader == null) {
                throw new ConfigException(String.valueOf(config.file()), "sluice.instance.route.from",
                        config.routeFrom(), "names no configured destination");
            }
            if (leader.isRouted() || leader.isMerged()) {
                throw new ConfigException(String.valueOf(config.file()), "sluice.instance.route.from",
                        config.routeFrom(), "names a destination that is itself routed or merged");
            }
            effective = config.withSources(leader.sources());
            factory = group(leader).factory();
        } else if (leaders.contains(name)) {
            factory = group(config).factory();
        }
        MetaStore meta = wiring.meta(effective, this::stopFenced);
        DestinationInstance instance = new DestinationInstance(effective, meta, factory);
        Running previous = running.put(name, new Running(instance, meta, definitions.fingerprint(name), leaders.contains(name)));
        if (ha == null) {
            if (!config.lazy()) {
                instance.start();
            }
        } else if (previous == null) {
            ha.manage(name, new ElectedRun(name));
        } else {
            Fence fence = activeFences.get(name);
            if (fence != null) {
                startFenced(running.get(name), fence);
            }
        }
    }

    /**
     * Starts and stops a destination as the HA election decides. Runs on the election's runner thread and never
     * takes the registry's lock (the registry may be waiting for this thread while it releases an election).
     */
    private final class ElectedRun implements HaCoordinator.Activation {
        private final String name;

        ElectedRun(String name) {
            this.name = name;
        }

        @Override
        public void start(Fence fence) {
            activeFences.put(name, fence);
            Running r = running.get(name);
            if (r != null) {
                startFenced(r, fence);
            }
        }

        /** A handover's successor is ready once it has decoded something (bounded: an idle master sends nothing). */
        @Override
        public void prepare(Fence fence) {
            start(fence);
            Running r = running.get(name);
            if (r == null || !r.instance().isRunning()) {
                throw new IllegalStateException("destination " + name + " did not start");
            }
            r.instance().awaitFirstEntry(FIRST_ENTRY_WAIT);
        }

        @Override
        public void drain(java.time.Duration drain) {
            Running r = running.get(name);
            if (r != null) {
                r.instance().drainForHandover(drain);
            }
        }

        @Override
        public void stop() {
            activeFences.remove(name);
            Running r = running.get(name);
            if (r != null) {
                r.instance().stop();
            }
        }
    }

    private static void startFenced(Running r, Fence fence) {
        r.meta().useFence(fence);
        r.instance().start();
    }

    private RouteGroup group(InstanceConfig leader) {
        RouteGroup g = groups.computeIfAbsent(leader.destination(), n -> new RouteGroup(n, leader, wiring.sources()));
        g.leaderConfig(leader);
        return g;
    }

    /** Another server owns the destination's ZooKeeper positions now: it stops here, off the meta store's thread. */
    private void stopFenced(String name) {
        LOG.error("destination {} stops: another server owns its positions now", name);
        Thread t = new Thread(() -> instance(name).ifPresent(DestinationInstance::stop), "fenced-" + name);
        t.setDaemon(true);
        t.start();
    }

    /**
     * Stops the scanner and every instance (positions are flushed by each instance's meta). The server's ZooKeeper
     * client is not closed here: the server closes it after every user of it.
     */
    @Override
    public synchronized void close() {
        if (scanner != null) {
            scanner.shutdownNow();
            try {
                scanner.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            scanner = null;
        }
        if (definitions != null) {
            definitions.close();
        }
        if (ha != null) {
            running.keySet().forEach(ha::release); // graceful: standbys take over at once
        }
        for (Running r : running.values()) {
            try {
                r.instance().stop();
            } catch (RuntimeException e) {
                LOG.error("destination {} did not stop cleanly: {}", r.instance().name(), e.toString(), e);
            }
        }
        running.clear();
    }
}
