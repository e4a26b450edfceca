package io.sluice.server.config;

import io.sluice.server.meta.MetaMode;
import io.sluice.server.sink.lookup.LookupSettings;
import io.sluice.server.sink.rows.RowContentFilter;
import io.sluice.server.sink.CanalRegexFilter;
import io.sluice.server.sink.ColumnSelection;
import io.sluice.server.sink.FilterSettings;
import io.sluice.server.sink.FilterSyntaxException;
import io.sluice.server.store.BatchMode;
import io.sluice.server.store.StoreSettings;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads {@code canal.properties} and {@code <dest>/instance.properties} into {@link ServerConfig} and
 * {@link InstanceConfig}: the one reader of configuration values. Keys set in a file that {@link ConfigKeys}
 * does not know are warned about once, and so are keys Sluice does not apply when their value is not canal's
 * default.
 */
public final class ConfigLoader {

    /** Built-in transforms by short name (sluice.instance.transforms accepts either form). */
    static final Map<String, String> TRANSFORM_ALIASES = Map.of(
            "drop-columns", "io.sluice.server.sink.DropColumnsTransform",
            "mask-columns", "io.sluice.server.sink.MaskColumnsTransform");

    private static final Pattern DESTINATION_NAME = Pattern.compile("[A-Za-z0-9_.\\-]+");
    private static final Pattern SOURCE_NAME = Pattern.compile("[A-Za-z0-9_\\-]+");
    private static final Pattern EXPR = Pattern.compile("^(.*)\\{(\\d+)-(\\d+)\\}(.*)$");
    private static final Pattern HEX40 = Pattern.compile("[0-9a-fA-F]{40}");
    private final Properties system;
    private final Map<String, String> env;
    private final ConfigNotices notices;

    public ConfigLoader(Properties system, Map<String, String> env, ConfigNotices notices) {
        this.system = system;
        this.env = Map.copyOf(env);
        this.notices = notices;
    }

    /** A loader reading this JVM's system properties and environment. */
    public static ConfigLoader fromEnvironment() {
        return new ConfigLoader(System.getProperties(), System.getenv(), new ConfigNotices());
    }

    public ConfigNotices notices() {
        return notices;
    }

    public ServerConfig loadServer(Path canalProperties) {
        Path file = canalProperties.toAbsolutePath().normalize();
        ConfigValues.Layer layer = ConfigValues.readFile(file);
        ConfigValues v = ConfigValues.of(system, env, List.of(layer));
        Path base = file.getParent();

        String ip = v.string("canal.ip", "");
        String registerIp = v.string("canal.register.ip", ip);
        int port = v.integer("canal.port", 11111, 1, 65535);
        int metricsPort = v.integer("canal.metrics.pull.port", 11112, 0, 65535);
        String user = v.string("canal.user", "");
        ConfigValues.Value passwd = v.find("canal.passwd");
        String passwordHash = "";
        if (passwd != null) {
            if (!HEX40.matcher(passwd.text()).matches()) {
                throw v.error("canal.passwd", passwd,
                        "must be 40 hex digits: SHA1(SHA1(password)), e.g. MySQL's PASSWORD('x') without the '*'");
            }
            passwordHash = passwd.text().toUpperCase(Locale.ROOT);
        } else if (!user.isEmpty()) {
            throw new ConfigException(file.toString(), "canal.passwd", "",
                    "must be set when canal.user is set (canal 1.1.8 refuses this too)");
        }
        String zkServers = v.string("canal.zkServers", "");
        long zkFlush = v.longValue("canal.zookeeper.flush.period", 1000, 0, Long.MAX_VALUE);
        ServerMode mode = serverMode(v);
        boolean withoutNetty = v.bool("canal.withoutNetty", false) || mode != ServerMode.TCP;
        Path workDir = canalWorkingDir(base);
        Path confDir = path(v, "canal.conf.dir", workDir, base);
        Path dataDir = path(v, "canal.file.data.dir", workDir, confDir);
        long fileFlush = v.longValue("canal.file.flush.period", 1000, 0, Long.MAX_VALUE);
        List<String> destinations = destinations(v);
        boolean autoScan = v.bool("canal.auto.scan", true);
        int autoScanInterval = v.integer("canal.auto.scan.interval", 5, 1, 86_400);
        boolean autoReset = v.bool("canal.auto.reset.latest.pos.mode", false);
        globalMode(v, "canal.instance.global.mode");
        boolean lazy = v.bool("canal.instance.global.lazy", false);
        MetaMode metaMode = metaMode(v, "canal.instance.global.spring.xml", MetaMode.FILE);

        MqSettings mq = new MqSettings(v.bool("canal.mq.flatMessage", true),
                v.integer("canal.mq.canalBatchSize", 50, 1, Integer.MAX_VALUE),
                v.longValue("canal.mq.canalGetTimeout", 100, 0, Long.MAX_VALUE),
                v.bool("canal.mq.database.hash", true), v.withPrefix("kafka."));

        HaConfig ha = new HaConfig(v.integer("sluice.zookeeper.session.timeout.ms", 4000, 1000, 600_000),
                v.longValue("sluice.ha.takeover.delay.ms", 300, 0, 600_000),
                v.bool("sluice.ha.rebalance", true));

        ConfigSource configSource = v.enumValue("sluice.config.source", ConfigSource.class, ConfigSource.FILE);
        if (configSource == ConfigSource.ZOOKEEPER && zkServers.isEmpty()) {
            throw v.error("sluice.config.source", v.find("sluice.config.source"), "needs canal.zkServers to be set");
        }

        boolean warmup = v.bool("sluice.warmup", true);
        ClientLifecycleConfig clients = new ClientLifecycleConfig(
                v.longValue("sluice.client.stall.warn.seconds", ClientLifecycleConfig.DEFAULTS.stallWarnSeconds(), 0,
                        86_400_000),
                v.longValue("sluice.client.idle.expire.seconds", 0, 0, 86_400_000));

        SecuritySettings security = security(v, ip);

        ServerConfig server = new ServerConfig(file, confDir, ip, registerIp, port, metricsPort, user, passwordHash,
                zkServers, zkFlush, withoutNetty, mode, dataDir, fileFlush, destinations, autoScan, autoScanInterval,
                autoReset, lazy, metaMode, mq, layer.values(), ha, configSource, warmup,
                earlierDataDir(v, base, dataDir), clients, security);

        // canal.properties may hold instance defaults: validate them now (a bad default fails startup, not the
        // first destination)
        readInstance(ConfigValues.of(system, env, List.of(layer)), server, "", null, null);
        reportKeys(v, layer, true);
        if (server.hasZooKeeper() && metaMode == MetaMode.FILE) {
            notices.notice("zk-file-meta", file + ": canal.zkServers is set but acknowledged positions stay in each "
                    + "server's own meta.dat (canal.instance.global.spring.xml = file-instance.xml): a server that "
                    + "takes a destination over resumes from its own, older file and delivers again what was acked "
                    + "elsewhere; keep positions in ZooKeeper with canal.instance.global.spring.xml = "
                    + "classpath:spring/default-instance.xml");
        }
        return server;
    }

    /** Reads a destination's instance.properties over canal.properties. A missing file means defaults only. */
    public InstanceConfig loadInstance(ServerConfig server, String destination) {
        checkDestinationName(server.canalProperties().toString(), destination);
        Path file = server.instanceProperties(destination);
        ConfigValues.Layer instanceLayer = Files.isRegularFile(file) ? ConfigValues.readFile(file) : null;
        return loadInstance(server, destination, instanceLayer, instanceLayer == null ? null : file);
    }

    /**
     * Reads a destination's instance.properties given as text (e.g. kept in ZooKeeper) over canal.properties,
     * with the same validation as a file; {@code origin} names the text in error messages.
     */
    public InstanceConfig loadInstance(ServerConfig server, String destination, String origin, String text) {
        checkDestinationName(server.canalProperties().toString(), destination);
        return loadInstance(server, destination, ConfigValues.readText(origin, text), null);
    }

    private InstanceConfig loadInstance(ServerConfig server, String destination, ConfigValues.Layer instanceLayer,
                                        Path file) {
        List<ConfigValues.Layer> layers = new ArrayList<>();
        if (instanceLayer != null) {
            layers.add(instanceLayer);
        }
        layers.add(new ConfigValues.Layer(server.canalProperties().toString(), server.fileValues(), true));
        ConfigValues v = ConfigValues.of(system, env, layers, destination);
        InstanceConfig config = readInstance(v, server, destination, file, instanceLayer);
        if (instanceLayer != null) {
            reportKeys(v, instanceLayer, false);
        }
        return config;
    }

    /**
     * The destinations to run: those listed in canal.properties, plus, with {@code canal.auto.scan}, every
     * directory of the conf dir holding an instance.properties (except canal's {@code spring} folder).
     */
    public List<String> destinations(ServerConfig server) {
        Set<String> out = new LinkedHashSet<>(server.destinations());
        if (server.autoScan()) {
            out.addAll(scanConfDir(server.confDir()));
        }
        return List.copyOf(out);
    }

    static List<String> scanConfDir(Path confDir) {
        if (!Files.isDirectory(confDir)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(confDir)) {
            return dirs.filter(Files::isDirectory)
                    .filter(d -> !d.getFileName().toString().equals("spring"))
                    .filter(d -> Files.isRegularFile(d.resolve("instance.properties")))
                    .map(d -> d.getFileName().toString())
                    .filter(n -> DESTINATION_NAME.matcher(n).matches())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new ConfigException(confDir, "cannot be listed: " + e.getMessage(), e);
        }
    }

    private InstanceConfig readInstance(ConfigValues v, ServerConfig server, String destination, Path file,
                                        ConfigValues.Layer instanceLayer) {
        // store
        int bufferSize = v.integer("canal.instance.memory.buffer.size", 16384, 1, 1 << 30);
        if (Integer.bitCount(bufferSize) != 1) {
            throw v.error("canal.instance.memory.buffer.size", v.find("canal.instance.memory.buffer.size"),
                    "must be a power of 2 (the store is a ring indexed by a bit mask)");
        }
        int memUnit = v.integer("canal.instance.memory.buffer.memunit", 1024, 1, 1 << 30);
        BatchMode batchMode = v.enumValue("canal.instance.memory.batch.mode", BatchMode.class, BatchMode.MEMSIZE);
        boolean ddlIsolation = v.bool("canal.instance.get.ddl.isolation", false);
        StoreSettings store = new StoreSettings(bufferSize, memUnit, batchMode, ddlIsolation);

        // filters
        FilterSettings filters = new FilterSettings(
                v.string("canal.instance.filter.regex", ""),
                v.string("canal.instance.filter.black.regex", ""),
                v.string("canal.instance.filter.field", ""),
                v.string("canal.instance.filter.black.field", ""),
                v.bool("canal.instance.filter.query.dcl", false),
                v.bool("canal.instance.filter.query.dml", false),
                v.bool("canal.instance.filter.query.ddl", false),
                v.bool("canal.instance.filter.rows", false),
                v.bool("canal.instance.filter.transaction.entry", false),
                v.bool("canal.instance.filter.dml.insert", false),
                v.bool("canal.instance.filter.dml.update", false),
                v.bool("canal.instance.filter.dml.delete", false));
        validateRegexList(v, "canal.instance.filter.regex");
        validateRegexList(v, "canal.instance.filter.black.regex");
        validateFieldList(v, "canal.instance.filter.field");
        validateFieldList(v, "canal.instance.filter.black.field");
        boolean tableError = v.bool("canal.instance.filter.table.error", false);

        // masters
        String username = v.string("canal.instance.dbUsername", "canal");
        String password = password(v, v.string("canal.instance.dbPassword", "canal"));
        long slaveId = v.longValue("canal.instance.mysql.slaveId", 0, Long.MIN_VALUE, 0xffffffffL);
        List<SourceConfig> sources = new ArrayList<>();
        String mergeList = v.string("sluice.instance.merge.sources", "");
        if (mergeList.isEmpty()) {
            sources.add(new SourceConfig("", host(v, "canal.instance.master.address", "127.0.0.1:3306"),
                    port(v, "canal.instance.master.address", "127.0.0.1:3306"), username, password, slaveId,
                    start(v, "canal.instance.master.")));
        } else {
            Set<String> names = new LinkedHashSet<>();
            for (String name : mergeList.split(",")) {
                String n = name.trim();
                if (!SOURCE_NAME.matcher(n).matches() || !names.add(n)) {
                    throw v.error("sluice.instance.merge.sources", v.find("sluice.instance.merge.sources"),
                            "needs distinct names of letters, digits, '_' or '-' (bad: '" + n + "')");
                }
            }
            for (String n : names) {
                String p = "sluice.instance.merge." + n + ".";
                if (v.find(p + "address") == null) {
                    throw new ConfigException(originOf(v, "sluice.instance.merge.sources"), p + "address", "",
                            "is required for merge source " + n);
                }
                sources.add(new SourceConfig(n, host(v, p + "address", null), port(v, p + "address", null),
                        v.string(p + "dbUsername", username), password(v, v.string(p + "dbPassword", password)),
                        v.longValue(p + "slaveId", slaveId, Long.MIN_VALUE, 0xffffffffL), start(v, p)));
            }
        }
        long mergeWait = v.longValue("sluice.instance.merge.max.wait.ms", 1000, 0, 3_600_000);
        SourceConfig standby = null;
        if (v.find("canal.instance.standby.address") != null) {
            standby = new SourceConfig("", host(v, "canal.instance.standby.address", null),
                    port(v, "canal.instance.standby.address", null), username, password, slaveId,
                    start(v, "canal.instance.standby."));
        }
        String routeFrom = v.string("sluice.instance.route.from", "");
        if (!routeFrom.isEmpty()) {
            if (!mergeList.isEmpty()) {
                throw v.error("sluice.instance.route.from", v.find("sluice.instance.route.from"),
                        "cannot be combined with sluice.instance.merge.sources");
            }
            if (routeFrom.equals(destination) || !DESTINATION_NAME.matcher(routeFrom).matches()) {
                throw v.error("sluice.instance.route.from", v.find("sluice.instance.route.from"),
                        "must name another destination");
            }
        }
        String defaultDb = v.string("canal.instance.defaultDatabaseName", "");
        Charset charset = charset(v);
        boolean gtidOn = v.bool("canal.instance.gtidon", false);

        // meta and lifecycle
        String perDest = "canal.instance." + destination + ".";
        globalMode(v, perDest + "mode");
        MetaMode metaMode = metaMode(v, perDest + "spring.xml", server.globalMetaMode());
        boolean lazy = v.bool(perDest + "lazy", server.globalLazy());

        List<String> transforms = new ArrayList<>();
        for (String t : v.string("sluice.instance.transforms", "").split(",")) {
            String name = t.trim();
            if (!name.isEmpty()) {
                transforms.add(TRANSFORM_ALIASES.getOrDefault(name, name));
            }
        }
        boolean canalValues = v.bool("sluice.values.canal-compatible", false);
        ZoneId zone = zone(v);

        NetworkSettings network = new NetworkSettings(
                v.integer("canal.instance.network.receiveBufferSize", 16384, 1, Integer.MAX_VALUE),
                v.integer("canal.instance.network.sendBufferSize", 16384, 1, Integer.MAX_VALUE),
                v.integer("canal.instance.network.soTimeout", 30, 0, 86_400));
        DetectingSettings detecting = new DetectingSettings(v.bool("canal.instance.detecting.enable", false),
                v.string("canal.instance.detecting.sql", "select 1"),
                v.integer("canal.instance.detecting.interval.time", 3, 1, 86_400),
                v.integer("canal.instance.detecting.retry.threshold", 3, 1, 1_000_000),
                v.bool("canal.instance.detecting.heartbeatHaEnable", false));
        int transactionSize = v.integer("canal.instance.transaction.size", 1024, 1, 1 << 24);
        int fallback = v.integer("canal.instance.fallbackIntervalInSeconds", 60, 0, 86_400 * 365);
        Set<String> formats = upperList(v, "canal.instance.binlog.format", "ROW,STATEMENT,MIXED",
                Set.of("ROW", "STATEMENT", "MIXED"));
        if (!formats.contains("ROW")) {
            // Sluice decodes row events only and refuses a master whose binlog_format is not ROW; canal's check
            // (the master's format must be listed) is then met exactly when ROW is listed
            throw v.error("canal.instance.binlog.format", v.find("canal.instance.binlog.format"),
                    "does not list ROW: Sluice reads row-based binlogs only, so no master would be accepted");
        }
        Set<String> images = upperList(v, "canal.instance.binlog.image", "FULL,MINIMAL,NOBLOB",
                Set.of("FULL", "MINIMAL", "NOBLOB"));
        boolean tsdb = v.bool("canal.instance.tsdb.enable", true);
        String sslMode = v.string("canal.instance.master.sslMode", "DISABLED").toUpperCase(Locale.ROOT);
        if (!SslSettings.MODES.contains(sslMode)) {
            throw v.error("canal.instance.master.sslMode", v.find("canal.instance.master.sslMode"),
                    "is not one of " + SslSettings.MODES);
        }
        SslSettings ssl = new SslSettings(sslMode, v.string("canal.instance.master.tlsVersions", ""),
                v.string("canal.instance.master.trustCertificateKeyStoreUrl", ""),
                v.string("canal.instance.master.trustCertificateKeyStoreType", ""),
                v.string("canal.instance.master.trustCertificateKeyStorePassword", ""),
                v.string("canal.instance.master.clientCertificateKeyStoreUrl", ""),
                v.string("canal.instance.master.clientCertificateKeyStoreType", ""),
                v.string("canal.instance.master.clientCertificateKeyStorePassword", ""),
                v.bool("sluice.instance.master.allowPublicKeyRetrieval", false));
        if (ssl.unknownTlsVersion() != null) {
            throw v.error("canal.instance.master.tlsVersions", v.find("canal.instance.master.tlsVersions"),
                    "names '" + ssl.unknownTlsVersion() + "', not one of " + SslSettings.TLS_VERSIONS);
        }
        MqDestinationSettings mq = new MqDestinationSettings(v.string("canal.mq.topic", "example"),
                v.string("canal.mq.dynamicTopic", ""), v.integer("canal.mq.partition", 0, 0, Integer.MAX_VALUE),
                v.find("canal.mq.partitionsNum") == null ? null
                        : v.integer("canal.mq.partitionsNum", 1, 1, Integer.MAX_VALUE),
                v.string("canal.mq.partitionHash", ""), v.string("canal.mq.dynamicTopicPartitionNum", ""));

        // what MQ publishing, row filters, lookups, snapshots and transforms read: resolved like every other
        // key, so that overrides and placeholders reach kafka.*, rabbitmq.*, canal.mq.*, sluice.* too
        Map<String, String> properties = v.resolvedView(ConfigLoader::isOverridable, ConfigLoader::appliedKey);

        // row filters and lookups are validated here so that a bad change is refused before anything restarts
        RowContentFilter rowFilter;
        try {
            rowFilter = RowContentFilter.parse(v.string("sluice.filter.rows", ""),
                    v.bool("sluice.filter.rows.transitions", false));
        } catch (IllegalArgumentException e) {
            throw v.error("sluice.filter.rows", v.find("sluice.filter.rows"), "is invalid: " + e.getMessage());
        }
        List<LookupSettings> lookups;
        try {
            Properties all = new Properties();
            all.putAll(properties);
            SourceConfig master = sources.get(0);
            // TLS and public key retrieval towards the master are added where the lookup connects
            lookups = LookupSettings.fromProperties(all, "jdbc:mariadb://" + master.address() + "/?permitMysqlScheme",
                    master.username(), master.password());
        } catch (IllegalArgumentException e) {
            // the message names the full key and its value
            throw new ConfigException(instanceLayer != null ? instanceLayer.origin() : server.canalProperties().toString(),
                    e.getMessage(), null);
        }
        return new InstanceConfig(destination, file, sources, standby, routeFrom, mergeWait, defaultDb, charset,
                gtidOn, filters, tableError, store, metaMode, lazy, transforms, canalValues, zone, network,
                detecting, transactionSize, fallback, formats, images, tsdb, ssl, mq, properties, rowFilter, lookups,
                server.autoResetLatestPosMode());
    }

    /**
     * One line per key a file sets that no part of Sluice knows, per canal.properties key misplaced in an
     * instance.properties, and per key Sluice does not apply whose value (from the file or an override) is not
     * canal's default. Each is logged once per server.
     */
    private void reportKeys(ConfigValues v, ConfigValues.Layer file, boolean isCanalProperties) {
        Set<String> helpers = v.placeholderNames();
        for (String k : new java.util.TreeSet<>(file.values().keySet())) {
            ConfigKeys.Key entry = ConfigKeys.find(k);
            if (entry == null) {
                if (!helpers.contains(k)) {
                    notices.unknownKey(file.origin(), k);
                }
            } else if (!isCanalProperties && entry.serverOnly()) {
                notices.serverKeyInInstance(file.origin(), k);
            } else {
                warnIfNotApplied(v, k, entry);
            }
        }
        for (String k : v.overrideKeys(ConfigLoader::isOverridable)) {
            ConfigKeys.Key entry = ConfigKeys.find(k);
            if (entry != null) {
                warnIfNotApplied(v, k, entry);
            }
        }
    }

    private void warnIfNotApplied(ConfigValues v, String key, ConfigKeys.Key entry) {
        ConfigValues.Value raw = v.raw(key);
        if (raw != null && entry.differsFromCanal(raw.text())) {
            notices.notApplied(raw.origin(), key, raw.text(), entry.instead());
        }
    }

    /** An unresolvable placeholder is an error for the keys Sluice applies, "" (as in canal) for the others. */
    private static boolean appliedKey(String key) {
        ConfigKeys.Key entry = ConfigKeys.find(key);
        return entry != null && entry.applied();
    }

    private static ServerMode serverMode(ConfigValues v) {
        ServerMode mode = v.enumValue("canal.serverMode", ServerMode.class, ServerMode.TCP);
        if (mode == ServerMode.ROCKETMQ || mode == ServerMode.PULSARMQ) {
            throw v.error("canal.serverMode", v.find("canal.serverMode"), "is not supported: Sluice serves canal's "
                    + "TCP protocol (tcp) or publishes to Kafka (kafka) or RabbitMQ (rabbitMQ)");
        }
        return mode;
    }

    private static void globalMode(ConfigValues v, String key) {
        ConfigValues.Value mode = v.find(key);
        if (mode != null && !mode.text().equalsIgnoreCase("spring")) {
            throw v.error(key, mode, "is not supported: Sluice reads instance.properties files (mode 'spring')");
        }
    }

    /** canal selects the meta manager through the Spring XML an instance is built from (§6.4). */
    private static MetaMode metaMode(ConfigValues v, String key, MetaMode defaultMode) {
        ConfigValues.Value xml = v.find(key);
        if (xml == null) {
            return defaultMode;
        }
        String name = xml.text().substring(xml.text().lastIndexOf('/') + 1);
        return switch (name) {
            case "memory-instance.xml" -> MetaMode.MEMORY;
            case "file-instance.xml" -> MetaMode.FILE;
            case "default-instance.xml" -> MetaMode.ZOOKEEPER;
            case "group-instance.xml" -> throw v.error(key, xml,
                    "is not supported: merge several masters with sluice.instance.merge.sources instead");
            default -> throw v.error(key, xml,
                    "is not one of memory-instance.xml, file-instance.xml, default-instance.xml");
        };
    }

    private List<String> destinations(ConfigValues v) {
        Set<String> out = new LinkedHashSet<>();
        ConfigValues.Value list = v.find("canal.destinations");
        if (list != null) {
            for (String d : list.text().split(",")) {
                String name = d.trim();
                if (name.isEmpty()) {
                    continue;
                }
                if (!DESTINATION_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
                    throw v.error("canal.destinations", list, "holds an invalid destination name '" + name + "'");
                }
                out.add(name);
            }
        }
        ConfigValues.Value expr = v.find("canal.destinations.expr");
        if (expr != null) {
            Matcher m = EXPR.matcher(expr.text());
            if (!m.matches()) {
                throw v.error("canal.destinations.expr", expr, "is not of the form prefix{from-to}");
            }
            long from = Long.parseLong(m.group(2));
            long to = Long.parseLong(m.group(3));
            if (from > to || to - from > 10_000) {
                throw v.error("canal.destinations.expr", expr, "has an empty or too large range");
            }
            for (long i = from; i <= to; i++) {
                out.add(m.group(1) + i + m.group(4));
            }
        }
        return List.copyOf(out);
    }

    private static void checkDestinationName(String origin, String destination) {
        if (!DESTINATION_NAME.matcher(destination).matches() || destination.equals(".")
                || destination.equals("..")) {
            throw new ConfigException(origin, "canal.destinations", destination, "is not a valid destination name");
        }
    }

    /** Keys a system property or environment variable may set without a file naming them. */
    static boolean isOverridable(String key) {
        return key.startsWith("canal.") || key.startsWith("sluice.") || key.startsWith("kafka.")
                || key.startsWith("rabbitmq.") || key.startsWith("rocketmq.") || key.startsWith("pulsarmq.");
    }

    /**
     * The directory canal resolves relative paths from: its startup.sh runs the server from {@code bin/}, the
     * sibling of the {@code conf/} holding canal.properties, so canal's shipped {@code ../conf} names the conf
     * directory and a meta.dat written by canal is found where canal left it.
     */
    static Path canalWorkingDir(Path confFileDir) {
        Path parent = confFileDir.getParent();
        return parent == null ? confFileDir : parent.resolve("bin");
    }

    /**
     * Where Sluice before placeholder resolution put the data dir for this file: the values as written (a
     * folder literally named {@code ${canal.conf.dir}}), relative to canal.properties' directory and the conf
     * dir. Null when that is the data dir itself or cannot be a path.
     */
    private static Path earlierDataDir(ConfigValues v, Path base, Path dataDir) {
        try {
            ConfigValues.Value conf = v.raw("canal.conf.dir");
            Path confDir = conf == null ? base : base.resolve(conf.text()).normalize();
            ConfigValues.Value data = v.raw("canal.file.data.dir");
            Path earlier = data == null ? confDir : confDir.resolve(data.text()).normalize();
            return earlier.equals(dataDir) ? null : earlier;
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    private static Path path(ConfigValues v, String key, Path base, Path defaultPath) {
        ConfigValues.Value p = v.find(key);
        if (p == null) {
            return defaultPath;
        }
        try {
            return base.resolve(p.text()).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw v.error(key, p, "is not a valid path");
        }
    }

    private static String originOf(ConfigValues v, String key) {
        ConfigValues.Value val = v.find(key);
        return val == null ? "configuration" : val.origin();
    }

    private static String host(ConfigValues v, String key, String defaultAddress) {
        return splitAddress(v, key, defaultAddress)[0];
    }

    private static int port(ConfigValues v, String key, String defaultAddress) {
        return Integer.parseInt(splitAddress(v, key, defaultAddress)[1]);
    }

    private static String[] splitAddress(ConfigValues v, String key, String defaultAddress) {
        ConfigValues.Value val = v.find(key);
        String text = val == null ? defaultAddress : val.text();
        if (text == null) {
            throw new ConfigException("configuration", key, "", "is required");
        }
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? text : text.substring(0, colon);
        String port = colon < 0 ? "3306" : text.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int p = Integer.parseInt(port);
            if (host.isEmpty() || p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new ConfigException(val == null ? "default" : val.origin(), key, text, "is not host:port");
        }
        return new String[] {host, port};
    }

    private static StartPosition start(ConfigValues v, String prefix) {
        String journal = v.string(prefix + "journal.name", "");
        Long position = v.optionalLong(prefix + "position", 0);
        Long timestamp = v.optionalLong(prefix + "timestamp", 0);
        String gtid = v.string(prefix + "gtid", "");
        if (position != null && journal.isEmpty()) {
            throw v.error(prefix + "position", v.find(prefix + "position"),
                    "needs " + prefix + "journal.name (a position is an offset in one binlog file)");
        }
        return new StartPosition(journal, position, timestamp, gtid);
    }

    private static SecuritySettings security(ConfigValues v, String canalIp) {
        String digest = v.string("sluice.zookeeper.digest", "");
        if (!digest.isEmpty() && (digest.indexOf(':') <= 0 || digest.indexOf(':') == digest.length() - 1)) {
            throw v.error("sluice.zookeeper.digest", v.find("sluice.zookeeper.digest"), "must be user:password");
        }
        return new SecuritySettings(v.string("sluice.admin.ip", canalIp), v.string("sluice.admin.token", ""),
                v.integer("sluice.auth.max.failures", 10, 0, 1_000_000), digest,
                v.string("sluice.zookeeper.sasl.principal", ""));
    }

    /** With {@code enableDruid}, dbPassword is Druid's RSA-encrypted form; decrypt with its ConfigTools. */
    private static String password(ConfigValues v, String configured) {
        if (!v.bool("canal.instance.enableDruid", false)) {
            v.find("canal.instance.pwdPublicKey");
            return configured;
        }
        String publicKey = v.string("canal.instance.pwdPublicKey", "");
        try {
            return publicKey.isEmpty() ? com.alibaba.druid.filter.config.ConfigTools.decrypt(configured)
                    : com.alibaba.druid.filter.config.ConfigTools.decrypt(publicKey, configured);
        } catch (Exception e) {
            ConfigValues.Value pw = v.find("canal.instance.dbPassword");
            throw new ConfigException(pw == null ? "configuration" : pw.origin(), "canal.instance.dbPassword",
                    "****", "cannot be decrypted with canal.instance.pwdPublicKey (enableDruid=true): "
                            + e.getMessage());
        }
    }

    private static Charset charset(ConfigValues v) {
        ConfigValues.Value c = v.find("canal.instance.connectionCharset");
        if (c == null) {
            return StandardCharsets.UTF_8;
        }
        String name = c.text();
        // MySQL's names for UTF-8; canal maps UTF8MB4 the same way
        if (name.equalsIgnoreCase("utf8mb4") || name.equalsIgnoreCase("utf8mb3") || name.equalsIgnoreCase("utf8")) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw v.error("canal.instance.connectionCharset", c, "is not a charset this JVM knows");
        }
    }

    private static ZoneId zone(ConfigValues v) {
        ConfigValues.Value z = v.find("sluice.values.time-zone");
        if (z == null) {
            return ZoneId.systemDefault();
        }
        try {
            return ZoneId.of(z.text());
        } catch (DateTimeException e) {
            throw v.error("sluice.values.time-zone", z, "is not a time zone id (e.g. UTC, Asia/Shanghai, +08:00)");
        }
    }

    private static Set<String> upperList(ConfigValues v, String key, String defaultValue, Set<String> allowed) {
        ConfigValues.Value val = v.find(key);
        String text = val == null ? defaultValue : val.text();
        Set<String> out = new LinkedHashSet<>();
        for (String s : text.split(",")) {
            String u = s.trim().toUpperCase(Locale.ROOT);
            if (u.isEmpty()) {
                continue;
            }
            if (!allowed.contains(u)) {
                throw v.error(key, val, "holds '" + s.trim() + "', not one of " + allowed);
            }
            out.add(u);
        }
        return out;
    }

    private static void validateRegexList(ConfigValues v, String key) {
        ConfigValues.Value val = v.find(key);
        if (val == null) {
            return;
        }
        try {
            CanalRegexFilter.compile(val.text());
        } catch (FilterSyntaxException e) {
            throw v.error(key, val, e.getMessage());
        }
    }

    private static void validateFieldList(ConfigValues v, String key) {
        ConfigValues.Value val = v.find(key);
        if (val == null) {
            return;
        }
        try {
            ColumnSelection.parse(val.text());
        } catch (FilterSyntaxException e) {
            throw v.error(key, val, e.getMessage());
        }
    }
}
