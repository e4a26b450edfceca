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
 * {@code canal_local.properties} and {@code instance.properties}, and Sluice's own. A key is either applied, or
 * not applied; a key that is not applied carries canal's default (as shipped, placeholders unresolved) and what to
 * use instead, so that a value other than canal's default is named once at startup in a WARN (a user relying on
 * it learns it has no effect) while canal's shipped files start without noise.
 *
 * <p>This list is also the user's configuration reference: each key has its file (a {@link Section}), Sluice's
 * default and a meaning, and docs/configuration.md's reference tables are generated from it (with canal's default
 * read from canal's shipped files); ConfigKeysTest fails when the page and this list differ and names the command
 * that regenerates the page.
 *
 * <p>Names are exact, or have {@code <dest>} / {@code <name>} for one path segment (a destination, a merge
 * source), or end in {@code .*} for every key under a prefix.
 */
public final class ConfigKeys {

    /** canal's default of a key nobody needs to hear about whatever its value (e.g. keys of a refused mode). */
    static final String ANY = "\u0000any";

    /** Which file a key belongs in; one table of the reference each. */
    public enum Section {
        SERVER("canal.properties: the server", true,
                "Read from `canal.properties` only; in an `instance.properties` such a key is warned about and "
                        + "ignored, as canal ignores it there."),
        MQ_SERVER("canal.properties: MQ settings of the whole server", true,
                "canal's keys for cloud and other brokers, read from `canal.properties` only. None is applied."),
        MQ("MQ publishing: canal.properties or instance.properties", false,
                "Read when `canal.serverMode` is `kafka` or `rabbitMQ` ([MQ and Redis](mq-and-redis-sync.md)). "
                        + "canal reads most of them from `canal.properties` only; Sluice also reads them from a "
                        + "destination's `instance.properties`, which wins."),
        INSTANCE("instance.properties: one destination", false,
                "In `<canal.conf.dir>/<destination>/instance.properties`. Each may also be set in "
                        + "`canal.properties`, as a default for every destination (canal ships several there).");

        private final String title;
        private final boolean serverOnly;
        private final String intro;

        Section(String title, boolean serverOnly, String intro) {
            this.title = title;
            this.serverOnly = serverOnly;
            this.intro = intro;
        }

        public String title() {
            return title;
        }

        /** Markdown: where the keys of this section are read. */
        public String intro() {
            return intro;
        }
    }

    /**
     * One key.
     *
     * @param name          exact name, a pattern with {@code <dest>}/{@code <name>}, or a prefix ending in {@code .*}
     * @param section       the file it belongs in
     * @param applied       Sluice uses the value
     * @param sluiceDefault for an applied key: Sluice's value when the key is set nowhere (Markdown; null = none
     *                      described yet)
     * @param canalDefault  for a key not applied: canal's default as written in its shipped files (null = unset);
     *                      a value other than this is warned about
     * @param text          for an applied key: what it does (Markdown; null = not described yet); for a key not
     *                      applied: why, and what to use instead (plain text, it is also the WARN's text)
     */
    public record Key(String name, Section section, boolean applied, String sluiceDefault, String canalDefault,
            String text) {

        /** Read from canal.properties only (canal ignores it in instance.properties too). */
        public boolean serverOnly() {
            return section.serverOnly;
        }

        /** For a key not applied: why, and what to use instead; null for an applied key. */
        public String instead() {
            return applied ? null : text;
        }

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
    private static final List<Key> IN_ORDER = new ArrayList<>();

    private static final String HEARTBEATS = "Sluice watches the master connection through replication heartbeats: "
            + "tune canal.instance.network.soTimeout; to move to another master use canal.instance.gtidon = true and "
            + "change canal.instance.master.address (auto-scan restarts the destination from its last ack)";
    private static final String NO_ADMIN = "Sluice does not connect to canal-admin: configure it through its files "
            + "(canal.auto.scan reloads them) or ZooKeeper (sluice.config.source = zookeeper)";
    private static final String TSDB = "the table-structure history is kept in Sluice's own file "
            + "<canal.file.data.dir>/<destination>/<destination>.schema-history.json; turn it off with "
            + "canal.instance.tsdb.enable = false";
    private static final String NO_STANDBY = "there is no automatic switch to a standby master; " + HEARTBEATS;
    private static final String NO_RDS = "downloading binlogs from Aliyun RDS backups is not supported";
    private static final String NO_ALIYUN = "Aliyun cloud MQ is not supported";
    private static final String ONE_THREAD = "each connection is decoded by one thread";
    private static final String TLS = "TLS to the master, see [security](security.md#tls-to-the-master)";
    private static final String MERGE = "one merged master ([cluster](cluster.md)): where it differs from the "
            + "destination's, ";

    /** The section keys are registered in while the static block runs. */
    private static Section registering;

    static {
        registering = Section.SERVER;
        key("canal.ip", "\"\" (all interfaces)",
                "bind address of the client port and (unless `sluice.admin.ip`) the status port");
        key("canal.register.ip", "`canal.ip`, else the host address", "address published in ZooKeeper (`ip:port`)");
        key("canal.port", "11111", "canal's client protocol");
        key("canal.metrics.pull.port", "11112", "Prometheus `/metrics` (open) and the admin endpoints `/status`, "
                + "`/snapshot` (with credentials, [security](security.md)); 0 disables");
        key("canal.user", "\"\"", "required user name on the client port; empty = anybody");
        key("canal.passwd", "\"\"", "`hex(SHA1(SHA1(plain)))` (MySQL's `PASSWORD()` without `*`); required when "
                + "`canal.user` is set; clients pass the plain password");
        key("sluice.admin.ip", "`canal.ip`", "bind address of the status port (`canal.metrics.pull.port`); its "
                + "admin endpoints need credentials. `127.0.0.1` when Prometheus scrapes from the same host "
                + "([security](security.md))");
        key("sluice.admin.token", "\"\" (random per start, in `logs/sluice.admin.token`)",
                "bearer token of the admin endpoints; when set, keep `canal.properties` readable by the server's "
                        + "user only ([security](security.md))");
        key("sluice.auth.max.failures", "10", "failed logins per source address and minute on the client and "
                + "status ports (each counts its own); 0 = no limit");
        key("sluice.zookeeper.digest", "\"\"", "`user:password`: ZooKeeper digest identity; nodes Sluice creates "
                + "get ACLs ([security](security.md#zookeeper))");
        key("sluice.zookeeper.sasl.principal", "\"\"", "SASL identity ZooKeeper sees for the servers (login via "
                + "the JAAS `Client` section, [security](security.md#zookeeper))");
        key("canal.zkServers", "\"\"", "ZooKeeper connect string (`zk1:2181,zk2:2181`): enables HA "
                + "([operations](operations.md#ha-zookeeper)) and allows ZooKeeper meta; the server opens one ZooKeeper session for all of it. With positions "
                + "in files "
                + "(`file-instance.xml`, canal's default) one WARN says that a server taking a destination over "
                + "resumes from its own `meta.dat`, as in canal; `default-instance.xml` keeps positions in ZooKeeper");
        key("canal.zookeeper.flush.period", "1000", "every ack is written to ZooKeeper before it is answered, "
                + "whatever this says; ms between retries of a failed cursor write");
        key("canal.withoutNetty", "false", "no client port (MQ modes force it)");
        key("canal.serverMode", "`tcp`", "`tcp`, `kafka` or `rabbitMQ` ([MQ and Redis](mq-and-redis-sync.md)); "
                + "`rocketMQ` and `pulsarMQ` are refused at startup");
        key("canal.file.data.dir", "`canal.conf.dir`", "where `<destination>/meta.dat` and the schema history live");
        key("canal.file.flush.period", "1000", "ms between `meta.dat` writes (fsync) when a cursor changed; acks in "
                + "between are journaled (no fsync) before they are answered, so a process kill loses none and a "
                + "power loss up to one period. 0 = fsync every ack, no journal");
        key("canal.destinations", "\"\"", "comma-separated destination names");
        key("canal.destinations.expr", "\"\"", "`prefix{a-b}` expands to `prefix a … prefix b`");
        key("canal.conf.dir", "the directory of `canal.properties`", "root of the destination directories "
                + "(relative: from the `bin/` beside it, as canal resolves it)");
        key("canal.auto.scan", "true", "every `canal.auto.scan.interval` s: a new destination directory starts, a "
                + "removed one stops, a changed `instance.properties` restarts the destination from its last ack (a "
                + "change that does not load is refused and the old settings keep running)");
        key("canal.auto.scan.interval", "5", "s between two scans of `canal.auto.scan`");
        key("canal.auto.reset.latest.pos.mode", "false", "`true`: a position no longer on the master (purged "
                + "binlogs) continues at the master's current position, as in canal, with one ERROR saying that "
                + "every change in between is lost; `false` stops the destination with one ERROR naming the "
                + "requested and the oldest available position. `sluice.snapshot.mode = when_needed` takes "
                + "precedence (it re-reads the tables instead of losing rows)");
        key("canal.instance.global.mode", "`spring`", "only `spring` (instance.properties files); `manager` "
                + "(canal-admin) is refused");
        key("canal.instance.global.lazy", "false", "start a destination on its first subscribe");
        key("canal.instance.global.spring.xml", "`classpath:spring/file-instance.xml`", "where acked positions "
                + "live: `file-instance.xml` = `meta.dat` files, `memory-instance.xml` = memory (lost at restart), "
                + "`default-instance.xml` = ZooKeeper, which needs `canal.zkServers` (without it the destination "
                + "does not start and the log says `canal.zkServers ... must be set`; canal would try a ZooKeeper on "
                + "`127.0.0.1:2181`); `group-instance.xml` is refused (use "
                + "`sluice.instance.merge.sources`)");
        key("canal.instance.<dest>.mode", "`canal.instance.global.mode`", "per-destination override");
        key("canal.instance.<dest>.lazy", "`canal.instance.global.lazy`", "per-destination override");
        key("canal.instance.<dest>.spring.xml", "`canal.instance.global.spring.xml`", "per-destination override");
        key("sluice.config.source", "`file`", "where instance.properties are read: `file` (the conf dir) or "
                + "`zookeeper` ([cluster](cluster.md))");
        key("sluice.zookeeper.session.timeout.ms", "4000", "ZooKeeper session timeout; failover after a crash "
                + "takes about this long (ZooKeeper grants between 2 × and 20 × its tickTime)");
        key("sluice.ha.takeover.delay.ms", "300", "a standby's wait before it takes a destination whose server went "
                + "away; the previous owner retries at once");
        key("sluice.ha.rebalance", "true", "hand a destination to its preferred server when that server (re)joins, "
                + "after 10 s of stable ownership, so destinations spread over servers");
        key("sluice.client.stall.warn.seconds", "60", "when the store has been full this long without an ack "
                + "freeing anything, log which client id it waits for and how to drop it (at most every 5 min); "
                + "0 = never ([operations](operations.md#client-ids))");
        key("sluice.client.idle.expire.seconds", "0 (off)", "drop a client id that made no request for this long, as "
                + "`bin/clients.sh drop` would: it loses its position ([operations](operations.md#client-ids))");
        key("sluice.warmup", "true", "at start, decode two small bundled binlogs (20,013 rows) once, so that the "
                + "first transaction after a subscribe is not decoded by a cold JVM; `false` starts about half a "
                + "second faster");
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

        registering = Section.MQ_SERVER;
        notApplied("canal.aliyun.accessKey", null, NO_ALIYUN);
        notApplied("canal.aliyun.secretKey", null, NO_ALIYUN);
        notApplied("canal.aliyun.uid", null, NO_ALIYUN);
        notApplied("canal.mq.accessChannel", "local", NO_ALIYUN);
        notApplied("canal.mq.send.thread.size", "30", "each destination publishes from its own thread");
        notApplied("canal.mq.build.thread.size", "8", "each destination builds its messages on its own thread");
        notApplied("kafka.kerberos.enable", "false", "canal's Kerberos switch: set the Kafka client's own keys "
                + "instead (kafka.security.protocol = SASL_PLAINTEXT, kafka.sasl.mechanism = GSSAPI, "
                + "kafka.sasl.jaas.config) and -Djava.security.krb5.conf");
        notApplied("kafka.kerberos.krb5.file", "../conf/kerberos/krb5.conf", "see kafka.kerberos.enable");
        notApplied("kafka.kerberos.jaas.file", "../conf/kerberos/jaas.conf", "see kafka.kerberos.enable");
        notApplied("rocketmq.*", ANY, "canal.serverMode = rocketMQ is refused at startup");
        notApplied("pulsarmq.*", ANY, "canal.serverMode = pulsarMQ is refused at startup");

        // canal reads most of these from canal.properties only; Sluice's publisher reads them per destination,
        // with instance.properties winning, so they are not misplaced there
        registering = Section.MQ;
        key("canal.mq.flatMessage", "true", "FlatMessage JSON (what Flink's `canal-json` and canal-adapter read), "
                + "else canal's protobuf `Packet{MESSAGES}`");
        key("canal.mq.canalBatchSize", "50", "entries per internal GET of the publisher");
        key("canal.mq.canalGetTimeout", "100", "ms the publisher's internal GET waits for entries");
        key("canal.mq.database.hash", "true", "mix the schema name into the partition hash (canal's default)");
        key("canal.mq.servers", "\"\"", "canal 1.1.4's name of `kafka.bootstrap.servers` (and of the RabbitMQ "
                + "host when `rabbitmq.host` is empty)");
        key("canal.mq.topic", "none: required unless `canal.mq.dynamicTopic` is set", "default topic");
        key("canal.mq.dynamicTopic", "\"\"", "`topic:pattern`, bare `db\\\\.table` patterns (topic = matched name) "
                + "and schema patterns; first match wins; `.` in topic names becomes `_`");
        key("canal.mq.partition", "0", "partition when no hash rule applies");
        key("canal.mq.partitionsNum", "1", "partitions the hash spreads over");
        key("canal.mq.partitionHash", "\"\"", "`db.table:id^name`, `.*\\\\..*:$pk$`, `db\\\\..*` (table hash); first "
                + "match wins; DDL and unmatched tables go to partition 0");
        key("canal.mq.dynamicTopicPartitionNum", "\"\"", "`topic:n` pairs: partitions per dynamic topic");
        key("kafka.*", "`kafka.acks = all`, idempotent producer", "every key is a Kafka producer property "
                + "(`kafka.bootstrap.servers`, `kafka.compression.type`, `kafka.linger.ms`, "
                + "`kafka.security.protocol`, `kafka.sasl.*`, `kafka.ssl.*` …), see "
                + "[MQ and Redis](mq-and-redis-sync.md#kafka-producer-settings)");
        key("rabbitmq.host", "`canal.mq.servers`", "RabbitMQ `host[:port]`");
        key("rabbitmq.virtual.host", "\"\" (`/`)", "RabbitMQ virtual host");
        key("rabbitmq.exchange", "\"\"", "exchange messages are published to; the routing key of each message is "
                + "its topic");
        key("rabbitmq.username", "\"\"", "RabbitMQ user");
        key("rabbitmq.password", "\"\"", "RabbitMQ password (never logged)");
        key("rabbitmq.queue", "\"\"", "canal's key; Sluice publishes to the exchange and declares no queue");
        key("rabbitmq.routingKey", "\"\"", "canal's key; the routing key of each message is its topic");
        key("rabbitmq.deliveryMode", "\"\"", "the exchange type. Empty (as canal ships it): an existing exchange is "
                + "used whatever its type and a missing one is declared `direct` (durable); set: the exchange is "
                + "declared with that type");
        key("sluice.mq.batch.growth", "16", "while a destination is behind, each GET of its publisher that finds a "
                + "full batch waiting doubles the next one's fetch size, up to this many times "
                + "`canal.mq.canalBatchSize`; back to `canalBatchSize` after a GET that waits its "
                + "`canal.mq.canalGetTimeout` out, so a destination that keeps up publishes canal's batches. Fewer, "
                + "fuller messages when catching up (with `sluice.mq.flat.merge.rows`); `1`: canal's fixed batch size");
        key("sluice.mq.flat.merge.rows", "true", "FlatMessage: consecutive row entries of one batch, transaction "
                + "and table with the same event type, execute time and columns are published as one message with "
                + "all their rows (per partition, below `sluice.mq.max.message.bytes`), as canal publishes one "
                + "event of many rows; `false`: one message per binlog rows event, as canal 1.1.7. Off with "
                + "`canal.instance.filter.transaction.entry = true` (transactions cannot be told apart), see "
                + "[formats](formats.md#merged-row-messages)");
        key("sluice.mq.*", "canal's behaviour", "Sluice's MQ settings: `sluice.mq.max.message.bytes` "
                + "(`kafka.max.request.size` − 1024, RabbitMQ 16 MiB; messages are split between rows below it), "
                + "`sluice.mq.oversize.policy` (`stop` or `skip` a single row above it), "
                + "`sluice.mq.retry.backoff.ms` / `.max.ms` (1000 / 30000), exactly once into Kafka "
                + "(`sluice.mq.exactly.once`, `.exactly.once.transactional.id` = `sluice-<destination>`, "
                + "`.exactly.once.position.topic` = `__sluice_positions`, see "
                + "[MQ mode](mq-and-redis-sync.md#exactly-once-into-kafka-sluicemqexactlyonce--true)), and the message format "
                + "(`sluice.mq.format`, `.ddl`, `.ddl.topic`, `.binary.encoding`, `.debezium.*` including "
                + "Debezium transaction metadata and heartbeats, see [formats](formats.md))");

        registering = Section.INSTANCE;
        key("canal.instance.master.address", "`127.0.0.1:3306`", "the master (`host:port`)");
        key("canal.instance.dbUsername", "`canal`", "replication account: needs `SELECT, REPLICATION SLAVE, "
                + "REPLICATION CLIENT` ([getting started](getting-started.md))");
        key("canal.instance.dbPassword", "`canal`", "its password (printed as `****` in messages)");
        key("canal.instance.enableDruid", "false", "`dbPassword` is Druid-RSA-encrypted");
        key("canal.instance.pwdPublicKey", "\"\"", "the public key that decrypts it, with `enableDruid`");
        key("canal.instance.defaultDatabaseName", "\"\"", "default database of the connection");
        key("canal.instance.connectionCharset", "`UTF-8`", "statements and identifiers; text columns are decoded "
                + "with their own charset");
        key("canal.instance.mysql.slaveId", "0", "replica server id; ≤ 0 derives one from the destination name and "
                + "host address (canal's formula). Must be unique among the master's replicas: a collision is "
                + "logged as one clear line");
        key("canal.instance.gtidon", "false", "resume by GTID set (MySQL `uuid:1-N`, MariaDB `domain-server-seq`) "
                + "and fill `Header.gtid`");
        key("canal.instance.master.journal.name", "\"\"", "first start only: binlog file (with "
                + "`canal.instance.master.position`). Without any of the four first-start keys a destination starts "
                + "at the master's position when the parser connects, and again at the then-current position after "
                + "a restart until a client's first ack is stored");
        key("canal.instance.master.position", "\"\"", "first start only: offset in that file");
        key("canal.instance.master.timestamp", "\"\"", "first start only: ms since the epoch; the first transaction "
                + "at or after it (its file found by a binary search over the binlog files' first events)");
        key("canal.instance.master.gtid", "\"\"", "first start only, GTID mode: the GTID set already executed");
        key("canal.instance.master.sslMode", "`DISABLED`", "TLS to the master for the replication stream and every "
                + "SQL connection: `DISABLED`, `PREFERRED`, `REQUIRED`, `VERIFY_CA`, `VERIFY_IDENTITY`, as in MySQL "
                + "Connector/J ([security](security.md#tls-to-the-master))");
        key("canal.instance.master.tlsVersions", "the JVM's", "TLS versions to offer, e.g. `TLSv1.2,TLSv1.3`");
        key("canal.instance.master.trustCertificateKeyStoreUrl", "the JVM's CAs", "trust store (URL or path) with the "
                + "CA of the master's certificate, for `VERIFY_CA` / `VERIFY_IDENTITY`");
        key("canal.instance.master.trustCertificateKeyStoreType", "`JKS` (`PKCS12` for `.p12`/`.pfx`)",
                "`JKS` or `PKCS12`");
        key("canal.instance.master.trustCertificateKeyStorePassword", "\"\"", "trust store password");
        key("canal.instance.master.clientCertificateKeyStoreUrl", "none", "client certificate and key, for accounts "
                + "created `REQUIRE X509` / `SUBJECT` / `ISSUER`");
        key("canal.instance.master.clientCertificateKeyStoreType", "`JKS` (`PKCS12` for `.p12`/`.pfx`)",
                "`JKS` or `PKCS12`");
        key("canal.instance.master.clientCertificateKeyStorePassword", "\"\"", "key store password, also the key's");
        key("sluice.instance.master.allowPublicKeyRetrieval", "false", "let the SQL connections fetch the master's RSA "
                + "key over plain TCP (`caching_sha2_password` without TLS); logged as a WARN, a man in the middle "
                + "can learn the password");
        key("canal.instance.binlog.format", "`ROW,STATEMENT,MIXED`", "binlog formats accepted from the master; it "
                + "must list `ROW`: Sluice reads row-based binlogs only and refuses a master whose `binlog_format` is "
                + "not `ROW`");
        key("canal.instance.binlog.image", "`FULL,MINIMAL,NOBLOB`", "`binlog_row_image` values accepted from the "
                + "master, checked at each connect as canal does; another image stops the destination with one line "
                + "naming both");
        key("canal.instance.filter.regex", "\"\" (every table)", "include filter: comma-separated `schema\\\\.table` "
                + "regexes, anchored, case-insensitive (canal's semantics, no trimming after commas)");
        key("canal.instance.filter.black.regex", "\"\"", "exclude filter, applied after the include filter");
        key("canal.instance.filter.field", "\"\"", "`db.t:c1/c2,db2.t2:c3`: keep only these columns");
        key("canal.instance.filter.black.field", "\"\"", "`db.t:c1/c2,db2.t2:c3`: drop these columns");
        key("canal.instance.filter.query.dcl", "false", "drop non-DDL query entries");
        key("canal.instance.filter.query.dml", "false", "drop statement annotations (`ANNOTATE_ROWS`, `ROWS_QUERY`)");
        key("canal.instance.filter.query.ddl", "false", "drop DDL entries (the schema history still applies DDL)");
        key("canal.instance.filter.rows", "false", "drop all row entries");
        key("canal.instance.filter.transaction.entry", "false", "drop BEGIN/END entries (one pair kept every 5 s or "
                + "8192 so positions still move)");
        key("canal.instance.filter.dml.insert", "false", "drop inserts");
        key("canal.instance.filter.dml.update", "false", "drop updates");
        key("canal.instance.filter.dml.delete", "false", "drop deletes");
        key("canal.instance.memory.buffer.size", "16384", "store capacity in entries; a power of two");
        key("canal.instance.memory.buffer.memunit", "1024", "bytes per unit; the store holds at most "
                + "`buffer.size × memunit` bytes (16 MiB) in **both** batch modes");
        key("canal.instance.memory.batch.mode", "`MEMSIZE`", "`MEMSIZE`: a client's batch size counts `memunit` "
                + "units of serialized entries; `ITEMSIZE`: entries");
        key("canal.instance.get.ddl.isolation", "false", "a DDL entry travels alone in its batch");
        key("canal.instance.transaction.size", "1024", "entries handed from the parser to the store at a time within "
                + "a large transaction");
        key("canal.instance.network.receiveBufferSize", "16384", "socket receive buffer of the replication "
                + "connection, bytes. At 16384 the operating system's automatic sizing is kept (a fixed 16 KiB buffer "
                + "would cap the stream at 16 KiB per round trip); any other value is set on the socket");
        key("canal.instance.network.sendBufferSize", "16384", "socket send buffer, as `receiveBufferSize`");
        key("canal.instance.network.soTimeout", "30", "s without any event (heartbeats come every third of it) "
                + "before the master connection is considered dead and re-established");
        key("canal.instance.tsdb.enable", "true", "keep the table-structure history on disk beside the meta (no "
                + "H2/MySQL needed)");
        key("sluice.values.canal-compatible", "false", "canal's renderings of ENUM, SET, DECIMAL and BINARY, and "
                + "FlatMessage `old` as canal fills it ([values](values.md))");
        key("sluice.values.time-zone", "the JVM's zone", "zone TIMESTAMP values are rendered in (e.g. `UTC`, "
                + "`Asia/Shanghai`, `+08:00`)");
        key("sluice.snapshot.mode", "`never`", "`initial` / `when_needed`: read the tables' existing rows before "
                + "streaming ([snapshots](snapshots.md))");
        key("sluice.snapshot.chunk.size", "1024", "rows per snapshot chunk (one transaction of INSERT entries)");
        key("sluice.snapshot.tables", "all", "canal regex narrowing which of the destination's tables the initial "
                + "snapshot reads");
        key("sluice.instance.transforms", "\"\"", "comma-separated transforms applied to entries before the store: "
                + "`drop-columns`, `mask-columns`, `lookup`, or a class implementing "
                + "`io.sluice.server.sink.EntryTransform` with a no-argument or `Properties` constructor "
                + "([cluster](cluster.md)). Transforms see each transaction's BEGIN before its rows and its END; "
                + "a transaction whose rows the filters or transforms all drop loses its BEGIN/END (one pair kept "
                + "every 5 s or 8192 so positions move)");
        key("sluice.transform.*", "none", "settings of the transforms (`sluice.transform.drop-columns = db.t:c1/c2`, "
                + "`sluice.transform.mask-columns` with `.with` = `***`) and of lookups "
                + "(`sluice.transform.lookup.<name>.*`, [cluster](cluster.md))");
        key("sluice.filter.rows", "\"\"", "row-content filter ([cluster](cluster.md))");
        key("sluice.filter.rows.transitions", "false", "an UPDATE whose row enters or leaves the row filter is "
                + "delivered as an INSERT or DELETE ([cluster](cluster.md))");
        key("sluice.instance.route.from", "\"\"", "read the binlog connection of that destination instead of opening "
                + "one (1:n: one binlog read, several destinations with their own filters)");
        key("sluice.instance.merge.sources", "\"\"", "n:1: names of several masters merged into this destination in "
                + "commit-time order ([cluster](cluster.md))");
        key("sluice.instance.merge.max.wait.ms", "1000", "how long a merge waits for a slower source before "
                + "releasing a faster one's transaction");
        key("sluice.instance.merge.<name>.address", "none: required", "one merged master: its `host:port`");
        key("sluice.instance.merge.<name>.dbUsername", "`canal.instance.dbUsername`", MERGE + "its account");
        key("sluice.instance.merge.<name>.dbPassword", "`canal.instance.dbPassword`", MERGE + "its password");
        key("sluice.instance.merge.<name>.slaveId", "derived", MERGE + "the replica server id");
        key("sluice.instance.merge.<name>.journal.name", "\"\"", MERGE + "first-start binlog file");
        key("sluice.instance.merge.<name>.position", "\"\"", MERGE + "first-start offset");
        key("sluice.instance.merge.<name>.timestamp", "\"\"", MERGE + "first-start timestamp");
        key("sluice.instance.merge.<name>.gtid", "\"\"", MERGE + "first-start GTID set");
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
        notApplied("canal.instance.parser.parallel", "true", ONE_THREAD);
        notApplied("canal.instance.parser.parallelThreadSize", null, ONE_THREAD);
        notApplied("canal.instance.parser.parallelBufferSize", "256", ONE_THREAD);
        notApplied("canal.instance.tsdb.dir", "${canal.file.data.dir:../conf}/${canal.instance.destination:}", TSDB);
        notApplied("canal.instance.tsdb.url", "jdbc:h2:${canal.instance.tsdb.dir}/h2;CACHE_SIZE=1000;MODE=MYSQL;",
                TSDB);
        notApplied("canal.instance.tsdb.dbUsername", "canal", TSDB);
        notApplied("canal.instance.tsdb.dbPassword", "canal", TSDB);
        notApplied("canal.instance.tsdb.snapshot.interval", "24", TSDB);
        notApplied("canal.instance.tsdb.snapshot.expire", "360", TSDB);
        notApplied("canal.instance.tsdb.spring.xml", "classpath:spring/tsdb/h2-tsdb.xml", TSDB);
        notApplied("canal.instance.rds.accesskey", null, NO_RDS);
        notApplied("canal.instance.rds.secretkey", null, NO_RDS);
        notApplied("canal.instance.rds.instanceId", null, NO_RDS);
        notApplied("canal.instance.multi.stream.on", "false", "PolarDB-X multi-stream binlogs are not supported");
        notApplied("canal.mq.enableDynamicQueuePartition", "false", "partition counts come from "
                + "canal.mq.partitionsNum and canal.mq.dynamicTopicPartitionNum");
    }

    private ConfigKeys() {
    }

    /** An applied key of the current section, with Sluice's default and what it does (both Markdown). */
    private static void key(String name, String sluiceDefault, String meaning) {
        add(new Key(name, registering, true, sluiceDefault, null, meaning));
    }

    /**
     * Applied keys not described yet. ConfigKeysTest fails until each is registered with {@link #key} instead, so
     * that the reference never shows a key without its default and meaning.
     */
    private static void applied(String... names) {
        for (String n : names) {
            add(new Key(n, registering, true, null, null, null));
        }
    }

    private static void notApplied(String name, String canalDefault, String instead) {
        add(new Key(name, registering, false, null, canalDefault, instead));
    }

    private static void add(Key k) {
        IN_ORDER.add(k);
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
        return Collections.unmodifiableList(IN_ORDER);
    }
}
