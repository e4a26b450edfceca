package io.sluice.server.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every configuration key Sluice knows: each key of canal 1.1.7's shipped {@code canal.properties},
 * {@code canal_local.properties} and {@code instance.properties}, every key docs/configuration.md names, and
 * Sluice's own. A key is either applied, or not applied; a key that is not applied carries canal's default
 * (as shipped, placeholders unresolved) and what to use instead, so that a value other than canal's default is
 * named once at startup in a WARN (a user relying on it learns it has no effect) while canal's shipped files
 * start without noise. Tests hold this list against canal's files and against docs/configuration.md.
 *
 * <p>Names are exact, or have {@code <dest>} / {@code <name>} for one path segment (a destination, a merge
 * source), or end in {@code .*} for every key under a prefix.
 */
public final class ConfigKeys {

    /** canal's default of a key nobody needs to hear about whatever its value (e.g. keys of a refused mode). */
    static final String ANY = "\u0000any";

    /**
     * One key.
     *
     * @param name         exact name, a pattern with {@code <dest>}/{@code <name>}, or a prefix ending in {@code .*}
     * @param applied      Sluice uses the value
     * @param canalDefault for a key not applied: canal's default as written in its shipped files (null = unset);
     *                     a value other than this is warned about
     * @param instead      for a key not applied: why, and what to use instead
     * @param serverOnly   read from canal.properties only (canal ignores it in instance.properties too)
     */
    public record Key(String name, boolean applied, String canalDefault, String instead, boolean serverOnly) {

        boolean isPrefix() {
            return name.endsWith(".*");
        }

        boolean isPattern() {
            return name.contains("<");
        }

        /** The value differs from canal's default (ignoring case and blanks around list commas). */
        boolean differsFromCanal(String value) {
            if (applied || ANY.equals(canalDefault)) {
                return false;
            }
            String v = normalize(value);
            return canalDefault == null ? !v.isEmpty() : !v.equals(normalize(canalDefault));
        }

        private static String normalize(String s) {
            return s == null ? "" : s.trim().replaceAll("\\s*,\\s*", ",").toLowerCase(Locale.ROOT);
        }
    }

    private static final Map<String, Key> EXACT = new LinkedHashMap<>();
    private static final List<Key> PATTERNS = new ArrayList<>();
    private static final Map<Key, Pattern> PATTERN_REGEX = new LinkedHashMap<>();
    private static final List<Key> PREFIXES = new ArrayList<>();

    private static final String HEARTBEATS = "Sluice watches the master connection through replication heartbeats: "
            + "tune canal.instance.network.soTimeout; to move to another master use canal.instance.gtidon = true and "
            + "change canal.instance.master.address (auto-scan restarts the destination from its last ack)";
    private static final String NO_ADMIN = "Sluice does not connect to canal-admin: configure it through its files "
            + "(canal.auto.scan reloads them) or ZooKeeper (sluice.config.source = zookeeper)";
    private static final String TSDB = "the table-structure history is kept in Sluice's own file "
            + "<canal.file.data.dir>/<destination>/<destination>.schema-history.json; turn it off with "
            + "canal.instance.tsdb.enable = false";
    private static final String NO_STANDBY = "there is no automatic switch to a standby master; " + HEARTBEATS;

    /** While the static block registers canal.properties' own keys. */
    private static boolean registeringServerKeys;

    static {
        // --- canal.properties: server
        registeringServerKeys = true;
        applied("canal.ip", "canal.register.ip", "canal.port", "canal.metrics.pull.port", "canal.user",
                "canal.passwd", "canal.zkServers", "canal.zookeeper.flush.period", "canal.withoutNetty",
                "canal.serverMode", "canal.file.data.dir", "canal.file.flush.period", "canal.destinations",
                "canal.destinations.expr", "canal.conf.dir", "canal.auto.scan", "canal.auto.scan.interval",
                "canal.auto.reset.latest.pos.mode",
                "canal.instance.global.mode", "canal.instance.global.lazy", "canal.instance.global.spring.xml",
                "canal.instance.<dest>.mode", "canal.instance.<dest>.lazy", "canal.instance.<dest>.spring.xml",
                "sluice.config.source", "sluice.warmup", "sluice.zookeeper.session.timeout.ms",
                "sluice.ha.takeover.delay.ms", "sluice.ha.rebalance", "sluice.client.stall.warn.seconds",
                "sluice.client.idle.expire.seconds", "sluice.admin.ip", "sluice.admin.token", "sluice.auth.max.failures",
                "sluice.zookeeper.digest", "sluice.zookeeper.sasl.principal");
        notApplied("canal.id", "1", "canal 1.1.x does not use it either; servers are told apart by "
                + "canal.register.ip and canal.port");
        notApplied("canal.admin.manager", null, NO_ADMIN);
        notApplied("canal.admin.port", "11110", NO_ADMIN);
        notApplied("canal.admin.user", "admin", NO_ADMIN);
        notApplied("canal.admin.passwd", "4ACFE3202A5FF5CF467898FC58AAB1D615029441", NO_ADMIN);
        notApplied("canal.admin.register.auto", "true", NO_ADMIN);
        notApplied("canal.admin.register.cluster", null, NO_ADMIN);
        notApplied("canal.admin.register.name", null, NO_ADMIN);
        notApplied("canal.instance.global.manager.address", "${canal.admin.manager}", NO_ADMIN);
        notApplied("canal.instance.<dest>.manager.address", null, NO_ADMIN);
        notApplied("canal.aliyun.accessKey", null, "Aliyun cloud MQ is not supported");
        notApplied("canal.aliyun.secretKey", null, "Aliyun cloud MQ is not supported");
        notApplied("canal.aliyun.uid", null, "Aliyun cloud MQ is not supported");
        notApplied("canal.mq.accessChannel", "local", "Aliyun cloud MQ is not supported");
        notApplied("canal.mq.send.thread.size", "30", "each destination publishes from its own thread");
        notApplied("canal.mq.build.thread.size", "8", "each destination builds its messages on its own thread");
        notApplied("kafka.kerberos.enable", "false", "canal's Kerberos switch: set the Kafka client's own keys "
                + "instead (kafka.security.protocol = SASL_PLAINTEXT, kafka.sasl.mechanism = GSSAPI, "
                + "kafka.sasl.jaas.config) and -Djava.security.krb5.conf");
        notApplied("kafka.kerberos.krb5.file", "../conf/kerberos/krb5.conf", "see kafka.kerberos.enable");
        notApplied("kafka.kerberos.jaas.file", "../conf/kerberos/jaas.conf", "see kafka.kerberos.enable");
        notApplied("rocketmq.*", ANY, "canal.serverMode = rocketMQ is refused at startup");
        notApplied("pulsarmq.*", ANY, "canal.serverMode = pulsarMQ is refused at startup");

        // --- instance keys (instance.properties, or defaults for every destination in canal.properties)
        registeringServerKeys = false;
        // canal reads these from canal.properties only; Sluice's publisher reads them per destination, with
        // instance.properties winning, so they are not misplaced there
        applied("canal.mq.flatMessage", "canal.mq.canalBatchSize", "canal.mq.canalGetTimeout",
                "canal.mq.database.hash", "canal.mq.servers", "kafka.*",
                "rabbitmq.host", "rabbitmq.virtual.host", "rabbitmq.exchange", "rabbitmq.username",
                "rabbitmq.password", "rabbitmq.queue", "rabbitmq.routingKey", "rabbitmq.deliveryMode", "sluice.mq.*");
        applied("canal.instance.memory.buffer.size", "canal.instance.memory.buffer.memunit",
                "canal.instance.memory.batch.mode", "canal.instance.get.ddl.isolation",
                "canal.instance.transaction.size", "canal.instance.network.soTimeout",
                "canal.instance.filter.query.dcl", "canal.instance.filter.query.dml", "canal.instance.filter.query.ddl",
                "canal.instance.filter.rows", "canal.instance.filter.transaction.entry",
                "canal.instance.filter.dml.insert", "canal.instance.filter.dml.update",
                "canal.instance.filter.dml.delete", "canal.instance.filter.regex", "canal.instance.filter.black.regex",
                "canal.instance.filter.field", "canal.instance.filter.black.field", "canal.instance.tsdb.enable",
                "canal.instance.master.address", "canal.instance.master.journal.name",
                "canal.instance.master.position", "canal.instance.master.timestamp", "canal.instance.master.gtid",
                "canal.instance.dbUsername", "canal.instance.dbPassword", "canal.instance.enableDruid",
                "canal.instance.pwdPublicKey", "canal.instance.defaultDatabaseName",
                "canal.instance.connectionCharset", "canal.instance.mysql.slaveId", "canal.instance.gtidon",
                "canal.instance.master.sslMode", "canal.instance.master.tlsVersions",
                "canal.instance.master.trustCertificateKeyStoreUrl",
                "canal.instance.master.trustCertificateKeyStoreType",
                "canal.instance.master.trustCertificateKeyStorePassword",
                "canal.instance.master.clientCertificateKeyStoreUrl",
                "canal.instance.master.clientCertificateKeyStoreType",
                "canal.instance.master.clientCertificateKeyStorePassword",
                // applied by the master TLS work (branch h/tls), which reads it next to the keys above
                "sluice.instance.master.allowPublicKeyRetrieval", "canal.instance.binlog.format",
                "canal.instance.binlog.image", "canal.instance.network.receiveBufferSize",
                "canal.instance.network.sendBufferSize",
                "canal.mq.topic", "canal.mq.dynamicTopic", "canal.mq.partition", "canal.mq.partitionsNum",
                "canal.mq.partitionHash", "canal.mq.dynamicTopicPartitionNum",
                "sluice.values.canal-compatible", "sluice.values.time-zone", "sluice.snapshot.mode",
                "sluice.snapshot.chunk.size", "sluice.snapshot.tables", "sluice.instance.transforms",
                "sluice.transform.*", "sluice.instance.route.from", "sluice.instance.merge.sources",
                "sluice.instance.merge.max.wait.ms", "sluice.instance.merge.<name>.address",
                "sluice.instance.merge.<name>.dbUsername", "sluice.instance.merge.<name>.dbPassword",
                "sluice.instance.merge.<name>.slaveId", "sluice.instance.merge.<name>.journal.name",
                "sluice.instance.merge.<name>.position", "sluice.instance.merge.<name>.timestamp",
                "sluice.instance.merge.<name>.gtid", "sluice.filter.rows", "sluice.filter.rows.transitions");
        notApplied("canal.instance.memory.rawEntry", "true", "entries are always stored serialized");
        notApplied("canal.instance.detecting.enable", "false", HEARTBEATS);
        notApplied("canal.instance.detecting.sql", "select 1", HEARTBEATS);
        notApplied("canal.instance.detecting.interval.time", "3", HEARTBEATS);
        notApplied("canal.instance.detecting.retry.threshold", "3", HEARTBEATS);
        notApplied("canal.instance.detecting.heartbeatHaEnable", "false", NO_STANDBY);
        notApplied("canal.instance.standby.address", null, NO_STANDBY);
        notApplied("canal.instance.standby.journal.name", null, NO_STANDBY);
        notApplied("canal.instance.standby.position", null, NO_STANDBY);
        notApplied("canal.instance.standby.timestamp", null, NO_STANDBY);
        notApplied("canal.instance.standby.gtid", null, NO_STANDBY);
        notApplied("canal.instance.fallbackIntervalInSeconds", "60", "a stored position is resumed as it is (file "
                + "and offset, or the GTID set with canal.instance.gtidon) on the configured master, never earlier; "
                + "to move to another master use canal.instance.gtidon = true");
        notApplied("canal.instance.filter.druid.ddl", "true", "DDL is always parsed by Sluice's own parser");
        notApplied("canal.instance.filter.table.error", "false", "rows of a table whose structure is neither in "
                + "the history nor on the master are decoded with the binlog's column types (one WARN per table); "
                + "drop such tables with canal.instance.filter.black.regex");
        notApplied("canal.instance.parser.parallel", "true", "each connection is decoded by one thread");
        notApplied("canal.instance.parser.parallelThreadSize", null, "each connection is decoded by one thread");
        notApplied("canal.instance.parser.parallelBufferSize", "256", "each connection is decoded by one thread");
        notApplied("canal.instance.tsdb.dir", "${canal.file.data.dir:../conf}/${canal.instance.destination:}", TSDB);
        notApplied("canal.instance.tsdb.url", "jdbc:h2:${canal.instance.tsdb.dir}/h2;CACHE_SIZE=1000;MODE=MYSQL;",
                TSDB);
        notApplied("canal.instance.tsdb.dbUsername", "canal", TSDB);
        notApplied("canal.instance.tsdb.dbPassword", "canal", TSDB);
        notApplied("canal.instance.tsdb.snapshot.interval", "24", TSDB);
        notApplied("canal.instance.tsdb.snapshot.expire", "360", TSDB);
        notApplied("canal.instance.tsdb.spring.xml", "classpath:spring/tsdb/h2-tsdb.xml", TSDB);
        notApplied("canal.instance.rds.accesskey", null, "downloading binlogs from Aliyun RDS backups is not "
                + "supported");
        notApplied("canal.instance.rds.secretkey", null, "downloading binlogs from Aliyun RDS backups is not "
                + "supported");
        notApplied("canal.instance.rds.instanceId", null, "downloading binlogs from Aliyun RDS backups is not "
                + "supported");
        notApplied("canal.instance.multi.stream.on", "false", "PolarDB-X multi-stream binlogs are not supported");
        notApplied("canal.mq.enableDynamicQueuePartition", "false", "partition counts come from "
                + "canal.mq.partitionsNum and canal.mq.dynamicTopicPartitionNum");
    }

    private ConfigKeys() {
    }

    private static void applied(String... names) {
        for (String n : names) {
            add(new Key(n, true, null, null, registeringServerKeys));
        }
    }

    private static void notApplied(String name, String canalDefault, String instead) {
        add(new Key(name, false, canalDefault, instead, registeringServerKeys));
    }

    private static void add(Key k) {
        if (k.isPrefix()) {
            PREFIXES.add(k);
        } else if (k.isPattern()) {
            PATTERNS.add(k);
            PATTERN_REGEX.put(k, Pattern.compile(Pattern.quote(k.name()).replaceAll("<[a-z]+>", "\\\\E[^.]+\\\\Q")));
        } else if (EXACT.put(k.name(), k) != null) {
            throw new IllegalStateException("key registered twice: " + k.name());
        }
    }

    /** The entry for a key set in a file or override: exact, then a pattern, then the longest prefix; or null. */
    public static Key find(String key) {
        Key exact = EXACT.get(key);
        if (exact != null) {
            return exact;
        }
        for (Key p : PATTERNS) {
            if (PATTERN_REGEX.get(p).matcher(key).matches()) {
                return p;
            }
        }
        Key best = null;
        for (Key p : PREFIXES) {
            String prefix = p.name().substring(0, p.name().length() - 1);
            if (key.startsWith(prefix) && key.length() > prefix.length()
                    && (best == null || prefix.length() > best.name().length() - 1)) {
                best = p;
            }
        }
        return best;
    }

    /** Every entry, in registration order. */
    public static List<Key> all() {
        List<Key> out = new ArrayList<>(EXACT.values());
        out.addAll(PATTERNS);
        out.addAll(PREFIXES);
        return Collections.unmodifiableList(out);
    }
}
