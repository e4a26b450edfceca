package io.sluice.server;

import io.sluice.server.clients.ClientStallWatch;
import io.sluice.server.clients.ClientsEndpoint;
import io.sluice.server.config.ConfigException;
import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.EarlierDataDir;
import io.sluice.server.config.ServerConfig;
import io.sluice.server.config.ServerMode;
import io.sluice.server.config.zookeeper.ZkConfigStore;
import io.sluice.server.console.ClusterEndpoint;
import io.sluice.server.console.ConsoleAssets;
import io.sluice.server.console.ConfigEndpoint;
import io.sluice.server.console.DestinationEndpoint;
import io.sluice.server.console.ServerCard;
import io.sluice.server.ha.ServerDirectory;
import io.sluice.server.files.OwnerOnly;
import io.sluice.server.ha.HaCoordinator;
import io.sluice.server.ha.HaSettings;
import io.sluice.server.ha.ServerZooKeeper;
import io.sluice.server.ha.ZkAccess;
import io.sluice.server.instance.DestinationInstance;
import io.sluice.server.instance.DestinationRegistry;
import io.sluice.server.instance.DestinationWiring;
import io.sluice.server.metrics.AdminCredentials;
import io.sluice.server.metrics.DestinationStatsCollector;
import io.sluice.server.metrics.SluiceMetrics;
import io.sluice.server.metrics.StatusServer;
import io.sluice.server.net.FailedLogins;
import io.sluice.server.net.NetServer;
import io.sluice.server.net.NetServerSettings;
import io.sluice.server.parser.ParserWarmup;
import io.sluice.server.snapshot.SnapshotService;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * One Sluice server: the destinations of a conf dir, canal's client protocol (or MQ publishing), the metrics and
 * status endpoint and, with {@code canal.zkServers}, HA through ZooKeeper. {@code main} is what
 * {@code bin/startup.sh} runs: {@code -Dsluice.conf=<dir>} (default {@code conf}), {@code -Dsluice.logs=<dir>}.
 *
 * <p>Stopping (SIGTERM, {@code bin/stop.sh}) first hands each destination it is HA-active for to a standby (see
 * {@link HaCoordinator#handOverAll}), then closes the client port, then stops every destination (their positions
 * are flushed), then gives up HA ownership so that standbys take over at once.
 */
public final class SluiceServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SluiceServer.class);

    private final ServerConfig config;
    private final ConfigLoader loader;
    private final Path readyFile;
    private final long startedAt = System.currentTimeMillis();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private CuratorFramework zk;
    private HaCoordinator ha;
    private DestinationWiring wiring;
    private DestinationStatsCollector stats;
    private DestinationRegistry registry;
    private NetServer net;
    private io.sluice.server.mq.MqPublishers publishers;
    private StatusServer status;
    private io.sluice.server.metrics.ProgressLog progress;
    private ClientStallWatch clientWatch;
    private boolean closed;
    private Path adminTokenFile;
    private ServerDirectory directory;
    /** How the console names this server without ZooKeeper (with it: the HA address). */
    private String cardAddress = "local";

    public SluiceServer(ServerConfig config, ConfigLoader loader, Path readyFile) {
        this.config = config;
        this.loader = loader;
        this.readyFile = readyFile;
    }

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger(); // mysql-binlog-connector-java logs through JUL
        SLF4JBridgeHandler.install();
        Path conf = Path.of(System.getProperty("sluice.conf", args.length > 0 ? args[0] : "conf"));
        Path logs = Path.of(System.getProperty("sluice.logs", "logs"));
        ConfigLoader loader = ConfigLoader.fromEnvironment();
        SluiceServer server;
        try {
            ServerConfig config = loader.loadServer(conf.resolve("canal.properties"));
            server = new SluiceServer(config, loader, logs.resolve("sluice.ready"));
        } catch (ConfigException e) {
            log.error("Sluice cannot start: {}", e.getMessage());
            System.err.println("Sluice cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "sluice-shutdown"));
        try {
            server.start();
        } catch (Exception e) {
            String reason = e instanceof ConfigException ? e.getMessage() : e.toString();
            log.error("Sluice cannot start: {}", reason, e instanceof ConfigException ? null : e);
            System.err.println("Sluice cannot start: " + reason);
            server.close();
            System.exit(1);
        }
        // one machine-readable line for scripts and test harnesses that start the server as a child process
        System.out.println("SLUICE_READY port=" + server.clientPort() + " status=" + server.statusPort());
        System.out.flush();
        server.awaitStop();
    }

    public synchronized void start() throws Exception {
        log.info("Sluice starting with {}", config);
        if (config.warmup()) {
            ParserWarmup.run();
        }
        warnAboutReadableSecrets();
        EarlierDataDir.adopt(config.earlierFileDataDir(), config.fileDataDir());
        if (config.hasZooKeeper()) {
            zk = ServerZooKeeper.connect(config.zkServers(),
                    ZkAccess.of(config.security().zkDigest(), config.security().zkSaslPrincipal()),
                    config.ha().sessionTimeoutMs());
            ha = new HaCoordinator(zk, new HaSettings(advertisedAddress(),
                    Duration.ofMillis(config.ha().takeoverDelayMs()), Duration.ofSeconds(1), config.ha().rebalance(),
                    Duration.ofSeconds(10)));
        }
        wiring = new DestinationWiring(config, zk);
        registry = new DestinationRegistry(config, loader, wiring, ha);
        stats = new DestinationStatsCollector(registry::instances, wiring::parserStatus, ha);
        registry.start();

        String listening;
        if (config.serverMode() == ServerMode.TCP && !config.withoutNetty()) {
            net = new NetServer(new NetServerSettings(config.ip(), config.port(), config.user(), config.passwordHash(),
                    NetServerSettings.DEFAULT_MAX_FRAME, 0, NetServerSettings.DEFAULT_BLOCKING_THREADS,
                    NetServerSettings.DEFAULT_AUTH_TIMEOUT, true, true), registry,
                    new FailedLogins("client port " + config.port(), config.security().maxFailedLogins(),
                            Duration.ofMinutes(1)));
            net.start();
            listening = "canal protocol on " + net.localAddress().getHostString() + ":" + net.localAddress().getPort();
        } else if (config.serverMode() == ServerMode.TCP) {
            listening = "no client port (canal.withoutNetty=true)";
        } else {
            publishers = new io.sluice.server.mq.MqPublishers(registry);
            publishers.start();
            listening = "publishing to " + config.serverMode();
        }
        SluiceMetrics metrics = new SluiceMetrics(stats, () -> net == null ? 0 : net.connectionCount());
        if (config.metricsPort() > 0) {
            String token = config.security().adminToken().isEmpty() ? generatedAdminToken() : config.security().adminToken();
            status = new StatusServer(config.security().adminIp(), config.metricsPort(),
                    new AdminCredentials(config.user(), config.passwordHash(), token),
                    new FailedLogins("admin port " + config.metricsPort(), config.security().maxFailedLogins(),
                            Duration.ofMinutes(1)), metrics, this::serverInfo, stats);
            // the console's page and script, which hold no data: what they show comes from the gated endpoints
            status.addOpenHandler("/console", new ConsoleAssets());
            status.addHandler("/snapshot", new SnapshotService(wiring::snapshotSources).httpHandler());
            if (config.serverMode() == ServerMode.TCP) {
                // MQ modes consume with the publisher's own id, which an operator must not drop
                status.addHandler("/clients", new ClientsEndpoint(registry::instance));
            }
            if (zk != null && ha != null) {
                directory = new ServerDirectory(zk, ha.address(), this::card);
            } else {
                cardAddress = config.registerIp().isEmpty() ? InetAddress.getLocalHost().getHostAddress() + ":"
                        + clientPort() : config.registerIp() + ":" + clientPort();
            }
            status.addHandler("/cluster", new ClusterEndpoint(this::card, directory, ha, zk));
            status.addHandler("/destination", new DestinationEndpoint(registry::instance, wiring::schemaHistory,
                    stats, stats.errors()::of));
            status.addHandler("/config", new ConfigEndpoint(config, loader,
                    zk != null && config.configSource() == io.sluice.server.config.ConfigSource.ZOOKEEPER
                            ? new ZkConfigStore(zk) : null, registry::runningConfigText));
            status.start();
            if (directory != null) {
                directory.start();
            }
        }
        progress = new io.sluice.server.metrics.ProgressLog(stats, Duration.ofSeconds(5));
        progress.start();
        if (config.serverMode() == ServerMode.TCP) {
            clientWatch = new ClientStallWatch(registry::instances, config.clients());
            clientWatch.start();
        }
        String ready = listening + (status == null ? "" : ", status on port " + status.port());
        writeReadyFile(ready);
        log.info("Sluice started: {} destination(s) {}; {}", registry.instances().size(),
                registry.instances().stream().map(DestinationInstance::name).toList(), ready);
    }

    /**
     * One WARN per file other users of the host can read although it holds a secret (a password, a token), and for
     * a readable data dir (positions, table layouts).
     */
    private void warnAboutReadableSecrets() {
        List<Path> files = new ArrayList<>(List.of(config.canalProperties()));
        config.destinations().forEach(d -> files.add(config.instanceProperties(d)));
        for (Path p : files) {
            if (holdsSecrets(p)) {
                OwnerOnly.readableByOthers(p).ifPresent(mode -> log.warn("{} holds a password or key and is readable "
                        + "by other users of this host ({}): chmod 600 it (docs/security.md)", p, mode));
            }
        }
        OwnerOnly.readableByOthers(config.fileDataDir()).ifPresent(mode -> log.warn("{} (canal.file.data.dir) is "
                + "readable by other users of this host ({}): chmod 700 it (docs/security.md)", config.fileDataDir(), mode));
    }

    private static boolean holdsSecrets(Path file) {
        java.util.Properties p = new java.util.Properties();
        try (java.io.Reader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            return false; // the loader reports unreadable files
        }
        return p.stringPropertyNames().stream()
                .anyMatch(k -> io.sluice.server.config.Secrets.isSecretKey(k) && !p.getProperty(k).isBlank());
    }

    /**
     * Without {@code sluice.admin.token}, a random token per start lets the operator's scripts on this host in:
     * written owner-only next to the ready file, where {@code bin/status.sh} and {@code bin/snapshot.sh} read it.
     */
    private String generatedAdminToken() throws IOException {
        byte[] bytes = new byte[24];
        new java.security.SecureRandom().nextBytes(bytes);
        String token = java.util.HexFormat.of().formatHex(bytes);
        if (readyFile != null) {
            adminTokenFile = readyFile.resolveSibling("sluice.admin.token");
            OwnerOnly.writeString(adminTokenFile, token + System.lineSeparator());
        }
        return token;
    }

    /** Where clients and ZooKeeper find this server: canal.register.ip (or canal.ip, or this host) and canal.port. */
    private String advertisedAddress() throws IOException {
        String ip = config.registerIp().isEmpty() ? InetAddress.getLocalHost().getHostAddress() : config.registerIp();
        return ip + ":" + config.port();
    }

    private void writeReadyFile(String text) throws IOException {
        if (readyFile != null) {
            OwnerOnly.writeString(readyFile, text + System.lineSeparator());
        }
    }

    public void awaitStop() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public DestinationRegistry registry() {
        return registry;
    }

    /** The client port actually bound (0 when none), e.g. when canal.port is 0 in tests. */
    public int clientPort() {
        return net == null ? 0 : net.localAddress().getPort();
    }

    public int statusPort() {
        return status == null ? 0 : status.port();
    }

    Map<String, Object> serverInfo() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("server", "sluice");
        info.put("version", SluiceServer.class.getPackage().getImplementationVersion() == null ? "dev"
                : SluiceServer.class.getPackage().getImplementationVersion());
        info.put("mode", config.serverMode().toString());
        info.put("clientPort", clientPort());
        info.put("connections", net == null ? 0 : net.connectionCount());
        info.put("zooKeeper", config.zkServers());
        info.put("haAddress", ha == null ? "" : ha.address());
        info.put("uptimeSeconds", (System.currentTimeMillis() - startedAt) / 1000);
        // lets an operator (and the overload test) see that a full store keeps the heap bounded
        Runtime rt = Runtime.getRuntime();
        info.put("heapUsedBytes", rt.totalMemory() - rt.freeMemory());
        info.put("heapMaxBytes", rt.maxMemory());
        return info;
    }

    /** This server as the console's overview shows it (published in ZooKeeper for the other servers' consoles). */
    Map<String, Object> card() {
        return ServerCard.of(ha == null ? cardAddress : ha.address(), statusPort(), serverInfo(), stats.get());
    }

    /** With HA: each destination active here goes to a standby while the clients are still connected. */
    private void handOver() {
        if (ha != null && registry != null) {
            // the clients stay connected (answered empty) until the standby can serve, then are let go
            List<String> handed = ha.handOverAll();
            if (!handed.isEmpty()) {
                log.info("handed over {}; letting the clients go", handed);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("Sluice stopping");
        handOver();
        if (directory != null) {
            directory.close();
        }
        if (progress != null) {
            progress.close();
        }
        if (clientWatch != null) {
            clientWatch.close();
        }
        if (net != null) {
            net.close();
        }
        if (publishers != null) {
            publishers.close();
        }
        if (registry != null) {
            registry.close(); // stops every destination; each flushes its positions
        }
        if (ha != null) {
            ha.close();
        }
        if (status != null) {
            status.close();
        }
        if (zk != null) {
            zk.close(); // last: every user of it (meta stores, schema histories, elections, definitions) is closed
        }
        try {
            if (readyFile != null) {
                Files.deleteIfExists(readyFile);
            }
            if (adminTokenFile != null) {
                Files.deleteIfExists(adminTokenFile);
            }
        } catch (IOException e) {
            log.debug("could not delete {}: {}", readyFile, e.getMessage());
        }
        log.info("Sluice stopped");
        stopped.countDown();
    }
}
