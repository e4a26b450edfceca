package io.sluice.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.server.meta.MetaMode;
import io.sluice.server.store.BatchMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path conf;

    private final Properties system = new Properties();
    private final Map<String, String> env = new HashMap<>();
    private ConfigNotices notices;

    @BeforeEach
    void setUp() {
        notices = new ConfigNotices();
    }

    private ConfigLoader loader() {
        return new ConfigLoader(system, env, notices);
    }

    private Path canal(String... lines) throws IOException {
        Path f = conf.resolve("canal.properties");
        Files.writeString(f, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return f;
    }

    private void instance(String dest, String... lines) throws IOException {
        Files.createDirectories(conf.resolve(dest));
        Files.writeString(conf.resolve(dest).resolve("instance.properties"), String.join("\n", lines) + "\n",
                StandardCharsets.UTF_8);
    }

    @Test
    void defaultsMatchCanalsShippedValues() throws IOException {
        ServerConfig s = loader().loadServer(canal());
        assertThat(s.port()).isEqualTo(11111);
        assertThat(s.metricsPort()).isEqualTo(11112);
        assertThat(s.ip()).isEmpty();
        assertThat(s.zkServers()).isEmpty();
        assertThat(s.zkFlushPeriodMs()).isEqualTo(1000);
        assertThat(s.fileFlushPeriodMs()).isEqualTo(1000);
        assertThat(s.confDir()).isEqualTo(conf.toAbsolutePath().normalize());
        assertThat(s.fileDataDir()).isEqualTo(s.confDir());
        assertThat(s.autoScan()).isTrue();
        assertThat(s.autoScanIntervalSeconds()).isEqualTo(5);
        assertThat(s.globalMetaMode()).isEqualTo(MetaMode.FILE);
        assertThat(s.serverMode()).isEqualTo(ServerMode.TCP);
        assertThat(s.withoutNetty()).isFalse();
        assertThat(s.mq().canalBatchSize()).isEqualTo(50);

        InstanceConfig i = loader().loadInstance(s, "example");
        assertThat(i.store().capacity()).isEqualTo(16384);
        assertThat(i.store().memUnit()).isEqualTo(1024);
        assertThat(i.store().batchMode()).isEqualTo(BatchMode.MEMSIZE);
        assertThat(i.master().address()).isEqualTo("127.0.0.1:3306");
        assertThat(i.master().start().isLatest()).isTrue();
        assertThat(i.connectionCharset()).isEqualTo(StandardCharsets.UTF_8);
        assertThat(i.filters().include()).isEmpty();
        assertThat(i.metaMode()).isEqualTo(MetaMode.FILE);
        assertThat(i.timeZone()).isEqualTo(ZoneId.systemDefault());
        assertThat(i.binlogFormats()).containsExactlyInAnyOrder("ROW", "STATEMENT", "MIXED");
        assertThat(i.isMerged()).isFalse();
    }

    @Test
    void everyMustHonourServerKeyIsParsed() throws IOException {
        ServerConfig s = loader().loadServer(canal(
                "canal.ip = 127.0.0.2 ",
                "canal.register.ip=10.1.2.3",
                "canal.port=21111",
                "canal.metrics.pull.port=21112",
                "canal.user=canal",
                "canal.passwd=e3619321c1a937c46a0d8bd1dac39f93b27d4458",
                "canal.zkServers=127.0.0.1:2181,127.0.0.1:2182",
                "canal.zookeeper.flush.period=250",
                "canal.withoutNetty=true",
                "canal.file.data.dir=../data",
                "canal.file.flush.period=300",
                "canal.destinations=a, b,,c",
                "canal.destinations.expr=shard{1-3}",
                "canal.conf.dir=../" + conf.getFileName(),
                "canal.auto.scan=false",
                "canal.auto.scan.interval=7",
                "canal.auto.reset.latest.pos.mode=true",
                "canal.instance.global.lazy=true",
                "canal.instance.global.spring.xml=classpath:spring/default-instance.xml",
                "canal.mq.flatMessage=false",
                "canal.mq.canalBatchSize=64",
                "canal.mq.canalGetTimeout=200",
                "canal.mq.database.hash=false",
                "kafka.bootstrap.servers=k1:9092",
                "kafka.acks=all"));
        assertThat(s.ip()).isEqualTo("127.0.0.2");
        assertThat(s.registerIp()).isEqualTo("10.1.2.3");
        assertThat(s.port()).isEqualTo(21111);
        assertThat(s.metricsPort()).isEqualTo(21112);
        assertThat(s.user()).isEqualTo("canal");
        assertThat(s.passwordHash()).isEqualTo("E3619321C1A937C46A0D8BD1DAC39F93B27D4458");
        assertThat(s.zkServers()).isEqualTo("127.0.0.1:2181,127.0.0.1:2182");
        assertThat(s.zkFlushPeriodMs()).isEqualTo(250);
        assertThat(s.withoutNetty()).isTrue();
        assertThat(s.fileDataDir()).isEqualTo(conf.toAbsolutePath().normalize().resolveSibling("data"));
        assertThat(s.fileFlushPeriodMs()).isEqualTo(300);
        assertThat(s.destinations()).containsExactly("a", "b", "c", "shard1", "shard2", "shard3");
        assertThat(s.confDir()).isEqualTo(conf.toAbsolutePath().normalize());
        assertThat(s.autoScan()).isFalse();
        assertThat(s.autoScanIntervalSeconds()).isEqualTo(7);
        assertThat(s.autoResetLatestPosMode()).isTrue();
        assertThat(s.globalLazy()).isTrue();
        assertThat(s.globalMetaMode()).isEqualTo(MetaMode.ZOOKEEPER);
        assertThat(s.mq().flatMessage()).isFalse();
        assertThat(s.mq().canalBatchSize()).isEqualTo(64);
        assertThat(s.mq().canalGetTimeoutMs()).isEqualTo(200);
        assertThat(s.mq().databaseHash()).isFalse();
        assertThat(s.mq().kafka()).containsEntry("bootstrap.servers", "k1:9092").containsEntry("acks", "all");
    }

    @Test
    void springXmlSelectsTheMetaMode() throws IOException {
        for (Map.Entry<String, MetaMode> e : Map.of("classpath:spring/memory-instance.xml", MetaMode.MEMORY,
                "classpath:spring/file-instance.xml", MetaMode.FILE,
                "classpath:spring/default-instance.xml", MetaMode.ZOOKEEPER).entrySet()) {
            assertThat(loader().loadServer(canal("canal.instance.global.spring.xml=" + e.getKey())).globalMetaMode())
                    .isEqualTo(e.getValue());
        }
        ServerConfig s = loader().loadServer(canal("canal.instance.global.spring.xml=classpath:spring/file-instance.xml",
                "canal.instance.special.spring.xml=classpath:spring/memory-instance.xml",
                "canal.instance.special.lazy=true"));
        assertThat(loader().loadInstance(s, "special").metaMode()).isEqualTo(MetaMode.MEMORY);
        assertThat(loader().loadInstance(s, "special").lazy()).isTrue();
        assertThat(loader().loadInstance(s, "other").metaMode()).isEqualTo(MetaMode.FILE);
        assertThat(notices.logged()).noneMatch(n -> n.startsWith("unknown:"));
    }

    @Test
    void everyMustHonourInstanceKeyIsParsed() throws IOException {
        ServerConfig s = loader().loadServer(canal("canal.instance.memory.buffer.size=1024",
                "canal.instance.filter.query.dml=true"));
        instance("example",
                "canal.instance.mysql.slaveId=1234",
                "canal.instance.gtidon=true",
                "canal.instance.master.address=db.example.org:3307",
                "canal.instance.master.journal.name=mysql-bin.000003",
                "canal.instance.master.position=4567",
                "canal.instance.master.timestamp=1700000000000",
                "canal.instance.master.gtid=0-1-42",
                "canal.instance.standby.address=db2:3306",
                "canal.instance.dbUsername=repl",
                "canal.instance.dbPassword=secret",
                "canal.instance.connectionCharset=UTF8MB4",
                "canal.instance.filter.regex=shop\\\\..*,crm\\\\.user",
                "canal.instance.filter.black.regex=shop\\\\.tmp_.*",
                "canal.instance.filter.field=shop.orders:id/amount",
                "canal.instance.filter.black.field=crm.user:password",
                "canal.instance.filter.query.dcl=true",
                "canal.instance.filter.query.ddl=true",
                "canal.instance.filter.rows=false",
                "canal.instance.filter.transaction.entry=true",
                "canal.instance.filter.dml.insert=true",
                "canal.instance.filter.dml.update=true",
                "canal.instance.filter.dml.delete=true",
                "canal.instance.filter.table.error=true",
                "canal.instance.get.ddl.isolation=true",
                "canal.instance.memory.batch.mode=ITEMSIZE",
                "canal.instance.memory.buffer.memunit=512",
                "canal.instance.tsdb.enable=false",
                "canal.instance.transaction.size=2048",
                "canal.instance.fallbackIntervalInSeconds=30",
                "canal.instance.network.receiveBufferSize=65536",
                "canal.instance.network.sendBufferSize=32768",
                "canal.instance.network.soTimeout=10",
                "canal.instance.detecting.enable=true",
                "canal.instance.detecting.sql=select 2",
                "canal.instance.detecting.interval.time=4",
                "canal.instance.detecting.retry.threshold=5",
                "canal.instance.detecting.heartbeatHaEnable=true",
                "canal.instance.binlog.format=ROW",
                "canal.instance.binlog.image=FULL,minimal",
                "canal.instance.master.sslMode=REQUIRED",
                "canal.mq.topic=orders",
                "canal.mq.partition=2",
                "canal.mq.partitionsNum=8",
                "canal.mq.partitionHash=shop\\\\.orders:id",
                "canal.mq.dynamicTopic=shop\\\\..*",
                "sluice.values.canal-compatible=true",
                "sluice.values.time-zone=Asia/Shanghai",
                "sluice.instance.transforms=mask-columns, com.example.MyTransform");
        InstanceConfig i = loader().loadInstance(s, "example");
        assertThat(i.master().slaveId()).isEqualTo(1234);
        assertThat(i.gtidOn()).isTrue();
        assertThat(i.master().host()).isEqualTo("db.example.org");
        assertThat(i.master().port()).isEqualTo(3307);
        assertThat(i.master().start()).isEqualTo(new StartPosition("mysql-bin.000003", 4567L, 1700000000000L, "0-1-42"));
        assertThat(i.standby().address()).isEqualTo("db2:3306");
        assertThat(i.master().username()).isEqualTo("repl");
        assertThat(i.master().password()).isEqualTo("secret");
        assertThat(i.connectionCharset()).isEqualTo(StandardCharsets.UTF_8);
        assertThat(i.filters().include()).isEqualTo("shop\\..*,crm\\.user");
        assertThat(i.filters().exclude()).isEqualTo("shop\\.tmp_.*");
        assertThat(i.filters().fields()).isEqualTo("shop.orders:id/amount");
        assertThat(i.filters().blackFields()).isEqualTo("crm.user:password");
        assertThat(i.filters().dropDcl()).isTrue();
        assertThat(i.filters().dropDmlQueries()).as("inherited from canal.properties").isTrue();
        assertThat(i.filters().dropDdl()).isTrue();
        assertThat(i.filters().dropRows()).isFalse();
        assertThat(i.filters().dropTransactions()).isTrue();
        assertThat(i.filters().dropInserts()).isTrue();
        assertThat(i.filters().dropUpdates()).isTrue();
        assertThat(i.filters().dropDeletes()).isTrue();
        assertThat(i.filterTableError()).isTrue();
        assertThat(i.store().ddlIsolation()).isTrue();
        assertThat(i.store().batchMode()).isEqualTo(BatchMode.ITEMSIZE);
        assertThat(i.store().capacity()).as("inherited from canal.properties").isEqualTo(1024);
        assertThat(i.store().memUnit()).isEqualTo(512);
        assertThat(i.store().byteCapacity()).isEqualTo(1024L * 512);
        assertThat(i.tsdbEnable()).isFalse();
        assertThat(i.transactionSize()).isEqualTo(2048);
        assertThat(i.fallbackIntervalSeconds()).isEqualTo(30);
        assertThat(i.network()).isEqualTo(new NetworkSettings(65536, 32768, 10));
        assertThat(i.detecting()).isEqualTo(new DetectingSettings(true, "select 2", 4, 5, true));
        assertThat(i.binlogFormats()).containsExactly("ROW");
        assertThat(i.binlogImages()).containsExactlyInAnyOrder("FULL", "MINIMAL");
        assertThat(i.ssl().mode()).isEqualTo("REQUIRED");
        assertThat(i.mq()).isEqualTo(new MqDestinationSettings("orders", "shop\\..*", 2, 8, "shop\\.orders:id", ""));
        assertThat(i.canalCompatibleValues()).isTrue();
        assertThat(i.timeZone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
        assertThat(i.transforms()).containsExactly("io.sluice.server.sink.MaskColumnsTransform", "com.example.MyTransform");
        assertThat(notices.logged()).noneMatch(n -> n.startsWith("unknown:"));
    }

    @Test
    void systemPropertyBeatsEnvironmentBeatsInstanceFileBeatsCanalProperties() throws IOException {
        ServerConfig s = loader().loadServer(canal("canal.instance.master.address=file-canal:1",
                "canal.instance.dbUsername=from-canal", "canal.instance.dbPassword=p", "canal.port=1111"));
        instance("example", "canal.instance.master.address=file-instance:2", "canal.instance.dbUsername=from-instance");
        assertThat(loader().loadInstance(s, "example").master().address()).isEqualTo("file-instance:2");
        assertThat(loader().loadInstance(s, "example").master().username()).isEqualTo("from-instance");
        assertThat(loader().loadInstance(s, "example").master().password()).isEqualTo("p");

        env.put("canal.instance.master.address", "from-env:3");
        env.put("canal.port", "2222");
        assertThat(loader().loadInstance(s, "example").master().address()).isEqualTo("from-env:3");
        assertThat(loader().loadServer(conf.resolve("canal.properties")).port()).isEqualTo(2222);

        system.setProperty("canal.instance.master.address", " from-system:4 ");
        system.setProperty("canal.port", "3333");
        assertThat(loader().loadInstance(s, "example").master().address()).isEqualTo("from-system:4");
        assertThat(loader().loadServer(conf.resolve("canal.properties")).port()).isEqualTo(3333);
    }

    @Test
    void propertiesEscapingYieldsTheRegexCanalUsers() throws IOException {
        ServerConfig s = loader().loadServer(canal());
        instance("example", "canal.instance.filter.regex=.*\\\\..*", "canal.instance.filter.black.regex=a\\.b");
        InstanceConfig i = loader().loadInstance(s, "example");
        assertThat(i.filters().include()).isEqualTo(".*\\..*");
        assertThat(i.filters().exclude()).as("a single backslash is eaten by Properties").isEqualTo("a.b");
    }

    @Test
    void mergeSourcesAreReadWithTheirOwnAddressesAndInheritCredentials() throws IOException {
        ServerConfig s = loader().loadServer(canal());
        instance("orders", "canal.instance.dbUsername=repl", "canal.instance.dbPassword=pw",
                "sluice.instance.merge.sources=shard1,shard2",
                "sluice.instance.merge.shard1.address=10.0.0.1:3306",
                "sluice.instance.merge.shard1.journal.name=mysql-bin.000001",
                "sluice.instance.merge.shard1.position=4",
                "sluice.instance.merge.shard2.address=10.0.0.2:3307",
                "sluice.instance.merge.shard2.dbUsername=other",
                "sluice.instance.merge.max.wait.ms=250");
        InstanceConfig i = loader().loadInstance(s, "orders");
        assertThat(i.isMerged()).isTrue();
        assertThat(i.sources()).extracting(SourceConfig::name).containsExactly("shard1", "shard2");
        assertThat(i.sources().get(0).start().position()).isEqualTo(4L);
        assertThat(i.sources().get(0).username()).isEqualTo("repl");
        assertThat(i.sources().get(1).username()).isEqualTo("other");
        assertThat(i.sources().get(1).port()).isEqualTo(3307);
        assertThat(i.mergeMaxWaitMillis()).isEqualTo(250);
    }

    @Test
    void routeFromNamesAnotherDestination() throws IOException {
        ServerConfig s = loader().loadServer(canal());
        instance("b", "sluice.instance.route.from=a");
        assertThat(loader().loadInstance(s, "b").routeFrom()).isEqualTo("a");
        instance("c", "sluice.instance.route.from=c");
        assertThatThrownBy(() -> loader().loadInstance(s, "c")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sluice.instance.route.from=c");
    }

    @Test
    void druidEncryptedPasswordIsDecrypted() throws Exception {
        String[] keys = com.alibaba.druid.filter.config.ConfigTools.genKeyPair(512);
        String cipher = com.alibaba.druid.filter.config.ConfigTools.encrypt(keys[0], "s3cret");
        ServerConfig s = loader().loadServer(canal());
        instance("example", "canal.instance.enableDruid=true", "canal.instance.pwdPublicKey=" + keys[1],
                "canal.instance.dbPassword=" + cipher);
        assertThat(loader().loadInstance(s, "example").master().password()).isEqualTo("s3cret");

        instance("example", "canal.instance.enableDruid=true", "canal.instance.pwdPublicKey=" + keys[1],
                "canal.instance.dbPassword=not-a-cipher");
        assertThatThrownBy(() -> loader().loadInstance(s, "example")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("canal.instance.dbPassword=****").hasMessageNotContaining("not-a-cipher");
    }

    @Test
    void autoScanFindsDestinationDirectoriesExceptSpring() throws IOException {
        ServerConfig s = loader().loadServer(canal("canal.destinations=listed"));
        instance("b");
        instance("a");
        instance("spring");
        Files.createDirectories(conf.resolve("empty"));
        assertThat(loader().destinations(s)).containsExactly("listed", "a", "b");
        ServerConfig noScan = loader().loadServer(canal("canal.destinations=listed", "canal.auto.scan=false"));
        assertThat(loader().destinations(noScan)).containsExactly("listed");
    }

    @Test
    void unknownKeysAndKeysNotAppliedAwayFromCanalsDefaultAreWarnedOnce() throws IOException {
        ServerConfig s = loader().loadServer(canal("canal.prot=1", "canal.instance.parser.parallel=true",
                "canal.admin.port=11110", "canal.instance.detecting.enable = TRUE",
                "canal.instance.binlog.format = ROW, STATEMENT,MIXED"));
        instance("example", "canal.instance.master.adress=x:1", "canal.instance.tsdb.url=jdbc:h2:x",
                "canal.port = 1", "canal.instance.fallbackIntervalInSeconds = 60");
        ConfigLoader l = loader();
        l.loadInstance(s, "example");
        l.loadInstance(s, "example");
        assertThat(notices.logged()).containsExactlyInAnyOrder("unknown:canal.prot",
                "unknown:canal.instance.master.adress", "not-applied:canal.instance.detecting.enable",
                "not-applied:canal.instance.tsdb.url", "misplaced:canal.port");
    }

    @Test
    void aHelperValueReferencedByAPlaceholderIsNotAnUnknownKey() throws IOException {
        ServerConfig s = loader().loadServer(canal("my.base = /srv/sluice", "canal.file.data.dir = ${my.base}/data",
                "my.typo = 1"));
        assertThat(s.fileDataDir()).isEqualTo(Path.of("/srv/sluice/data"));
        assertThat(notices.logged()).containsExactly("unknown:my.typo");
    }

    @Test
    void overridesOfKeysNotAppliedAreWarnedToo() throws IOException {
        system.setProperty("canal.instance.detecting.enable", "true");
        env.put("canal.instance.parser.parallel", "true");
        env.put("PATH", "/usr/bin");
        loader().loadServer(canal());
        assertThat(notices.logged()).containsExactly("not-applied:canal.instance.detecting.enable");
    }

    @Test
    void rocketMqAndPulsarMqAreRefusedWithOneLine() throws IOException {
        assertThatThrownBy(() -> loader().loadServer(canal("canal.serverMode = rocketMQ")))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("canal.properties: canal.serverMode=rocketMQ is not supported: Sluice serves "
                        + "canal's TCP protocol (tcp) or publishes to Kafka (kafka) or RabbitMQ (rabbitMQ)");
        assertThatThrownBy(() -> loader().loadServer(canal("canal.serverMode = pulsarMQ")))
                .hasMessageContaining("canal.serverMode=pulsarMQ is not supported");
    }

    @Test
    void binlogFormatListMustNameRow() throws IOException {
        ServerConfig s = loader().loadServer(canal("canal.instance.binlog.format = ROW"));
        assertThat(loader().loadInstance(s, "example").binlogFormats()).containsExactly("ROW");
        assertThatThrownBy(() -> loader().loadServer(canal("canal.instance.binlog.format = STATEMENT,MIXED")))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("canal.instance.binlog.format=STATEMENT,MIXED does not list ROW: Sluice reads "
                        + "row-based binlogs only, so no master would be accepted");
    }

    @Test
    void zooKeeperWithFilePositionsIsWarnedOnce() throws IOException {
        loader().loadServer(canal("canal.zkServers = 127.0.0.1:2181"));
        assertThat(notices.logged()).contains("notice:zk-file-meta");
        notices = new ConfigNotices();
        loader().loadServer(canal("canal.zkServers = 127.0.0.1:2181",
                "canal.instance.global.spring.xml = classpath:spring/default-instance.xml"));
        assertThat(notices.logged()).doesNotContain("notice:zk-file-meta");
    }

    @Test
    void malformedValuesNameFileKeyAndValue() throws IOException {
        String file = conf.resolve("canal.properties").toString();
        record Case(List<String> lines, String key, String value) {
        }
        List<Case> cases = List.of(
                new Case(List.of("canal.instance.memory.buffer.size=1000"), "canal.instance.memory.buffer.size", "1000"),
                new Case(List.of("canal.port=eleven"), "canal.port", "eleven"),
                new Case(List.of("canal.port=70000"), "canal.port", "70000"),
                new Case(List.of("canal.auto.scan=yes"), "canal.auto.scan", "yes"),
                new Case(List.of("canal.passwd=canal"), "canal.passwd", "****"),
                new Case(List.of("canal.user=canal"), "canal.passwd", ""),
                new Case(List.of("canal.serverMode=amqp"), "canal.serverMode", "amqp"),
                new Case(List.of("canal.instance.global.spring.xml=classpath:spring/x.xml"),
                        "canal.instance.global.spring.xml", "classpath:spring/x.xml"),
                new Case(List.of("canal.instance.global.mode=manager"), "canal.instance.global.mode", "manager"),
                new Case(List.of("canal.instance.memory.batch.mode=BYTES"), "canal.instance.memory.batch.mode", "BYTES"),
                new Case(List.of("canal.destinations.expr=shard[1-3]"), "canal.destinations.expr", "shard[1-3]"),
                new Case(List.of("canal.destinations=a/b"), "canal.destinations", "a/b"),
                new Case(List.of("canal.instance.filter.regex=shop\\\\.(orders"), "canal.instance.filter.regex",
                        "shop\\.(orders"),
                new Case(List.of("canal.instance.filter.field=shop.orders"), "canal.instance.filter.field",
                        "shop.orders"));
        for (Case c : cases) {
            canal(c.lines().toArray(String[]::new));
            assertThatThrownBy(() -> loader().loadServer(conf.resolve("canal.properties")))
                    .as(c.lines().toString())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(file + ": " + c.key() + "=" + c.value() + " ")
                    .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(c.key()));
        }
    }

    @Test
    void malformedInstanceValuesNameTheInstanceFile() throws IOException {
        ServerConfig s = loader().loadServer(canal());
        String file = conf.resolve("example").resolve("instance.properties").toString();
        Map<String, String> cases = Map.of(
                "canal.instance.master.address=db:port", "canal.instance.master.address=db:port ",
                "canal.instance.master.position=12", "canal.instance.master.position=12 needs",
                "canal.instance.connectionCharset=klingon", "canal.instance.connectionCharset=klingon ",
                "canal.instance.mysql.slaveId=x", "canal.instance.mysql.slaveId=x ",
                "canal.instance.binlog.format=ROW,JSON", "canal.instance.binlog.format=ROW,JSON ",
                "sluice.values.time-zone=Mars/Olympus", "sluice.values.time-zone=Mars/Olympus ",
                "canal.instance.master.sslMode=MAYBE", "canal.instance.master.sslMode=MAYBE ",
                "sluice.instance.merge.sources=a,a", "sluice.instance.merge.sources=a,a ");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            instance("example", c.getKey());
            assertThatThrownBy(() -> loader().loadInstance(s, "example")).as(c.getKey())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(file + ": " + c.getValue());
        }
    }

    @Test
    void malformedFileIsReportedWithItsPath() throws IOException {
        Path f = canal("canal.port=\\uZZZZ");
        assertThatThrownBy(() -> loader().loadServer(f)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(f.toAbsolutePath() + ": is not a valid properties file");
        Path missing = conf.resolve("nope.properties");
        assertThatThrownBy(() -> loader().loadServer(missing)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("nope.properties: cannot be read");
    }

    @Test
    void latin1FileIsReadAsCanalReadsIt() throws IOException {
        Path f = conf.resolve("canal.properties");
        Files.write(f, "canal.instance.filter.regex=caf\u00e9\\\\..*\n".getBytes(StandardCharsets.ISO_8859_1));
        ServerConfig s = loader().loadServer(f);
        assertThat(loader().loadInstance(s, "x").filters().include()).isEqualTo("caf\u00e9\\..*");
    }

    @Test
    void slaveIdIsDerivedAsCanalDoesWhenUnset() throws IOException {
        ServerConfig s = loader().loadServer(canal());
        SourceConfig m = loader().loadInstance(s, "example").master();
        long expected = ((long) ("example".hashCode() & 0x7f) << 24) + (2L << 16) + (3L << 8) + 4;
        assertThat(m.effectiveSlaveId("example", new byte[] {10, 2, 3, 4})).isEqualTo(expected);
        assertThat(Set.of(m.effectiveSlaveId("example", new byte[] {10, 2, 3, 4}),
                m.effectiveSlaveId("other", new byte[] {10, 2, 3, 4}))).hasSize(2);
    }

    @Test
    void instanceTextIsValidatedLikeAFileAndNamedByItsOrigin() throws IOException {
        ServerConfig s = loader().loadServer(canal("canal.instance.memory.buffer.size = 1024",
                "canal.zkServers = 127.0.0.1:2181", "sluice.config.source = zookeeper"));
        assertThat(s.configSource()).isEqualTo(ConfigSource.ZOOKEEPER);
        InstanceConfig i = loader().loadInstance(s, "orders", "zookeeper:/sluice/config/destinations/orders",
                "canal.instance.filter.regex = shop\\\\.orders\nsluice.filter.rows = shop.orders: id > 1\n");
        assertThat(i.file()).isNull();
        assertThat(i.filters().include()).isEqualTo("shop\\.orders");
        assertThat(i.store().capacity()).isEqualTo(1024);
        assertThat(i.properties()).containsEntry("sluice.filter.rows", "shop.orders: id > 1");
        assertThatThrownBy(() -> loader().loadInstance(s, "orders", "zookeeper:/sluice/config/destinations/orders",
                "canal.instance.memory.buffer.size = 1000\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("zookeeper:/sluice/config/destinations/orders: canal.instance.memory.buffer.size=1000");
    }

    @Test
    void zooKeeperConfigSourceNeedsZkServers() throws IOException {
        assertThat(loader().loadServer(canal()).configSource()).isEqualTo(ConfigSource.FILE);
        assertThatThrownBy(() -> loader().loadServer(canal("sluice.config.source = zookeeper")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sluice.config.source=zookeeper")
                .hasMessageContaining("canal.zkServers");
        assertThatThrownBy(() -> loader().loadServer(canal("sluice.config.source = consul")))
                .hasMessageContaining("sluice.config.source=consul is not one of");
    }

    /** canal 1.1.7's shipped conf/ (comments removed), copied into {@code <tmp>/conf}. */
    static Path canalShippedConf(Path root) throws IOException {
        Path src = Path.of("src/test/resources/canal-1.1.7-conf");
        Path dst = root.resolve("conf");
        Files.createDirectories(dst.resolve("example"));
        Files.copy(src.resolve("canal.properties"), dst.resolve("canal.properties"));
        Files.copy(src.resolve("example/instance.properties"), dst.resolve("example/instance.properties"));
        return dst;
    }

    @Test
    void canalsShippedFilesPutTheDataDirWhereCanalPutsIt() throws IOException {
        Path shipped = canalShippedConf(conf);
        ServerConfig s = loader().loadServer(shipped.resolve("canal.properties"));
        // canal runs from bin/: ../conf is the conf dir, and canal.file.data.dir = ${canal.conf.dir} is the same
        assertThat(s.confDir()).isEqualTo(shipped.toAbsolutePath().normalize());
        assertThat(s.fileDataDir()).isEqualTo(shipped.toAbsolutePath().normalize());
        InstanceConfig i = loader().loadInstance(s, "example");
        assertThat(i.properties()).containsEntry("canal.instance.tsdb.dir", "../conf/example")
                .containsEntry("canal.instance.tsdb.url", "jdbc:h2:../conf/example/h2;CACHE_SIZE=1000;MODE=MYSQL;")
                .containsEntry("canal.file.data.dir", "../conf");
        assertThat(notices.logged()).noneMatch(n -> n.startsWith("unknown:"));
    }

    @Test
    void relativeDirsResolveFromCanalsWorkingDirectoryBin() throws IOException {
        Path dir = conf.resolve("conf");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("canal.properties"), "canal.conf.dir = ../conf\ncanal.file.data.dir = data\n");
        ServerConfig s = loader().loadServer(dir.resolve("canal.properties"));
        assertThat(s.confDir()).isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(s.fileDataDir()).isEqualTo(conf.resolve("bin/data").toAbsolutePath().normalize());
    }

    @Test
    void overridesAndPlaceholdersReachKeysReadElsewhere() throws IOException {
        ServerConfig s = loader().loadServer(canal("kafka.bootstrap.servers = ${KAFKA:127.0.0.1:9092}",
                "kafka.acks = all", "canal.mq.topic = t"));
        env.put("KAFKA", "broker:9092");
        system.setProperty("kafka.acks", "1");
        system.setProperty("rabbitmq.host", "rabbit:5672");
        env.put("canal.mq.topic", "from-env");
        system.setProperty("sluice.snapshot.mode", "initial");
        InstanceConfig i = loader().loadInstance(s, "example");
        assertThat(i.properties()).containsEntry("kafka.bootstrap.servers", "broker:9092")
                .containsEntry("kafka.acks", "1").containsEntry("rabbitmq.host", "rabbit:5672")
                .containsEntry("canal.mq.topic", "from-env").containsEntry("sluice.snapshot.mode", "initial");
        assertThat(i.mq().topic()).isEqualTo("from-env");
        assertThat(i.properties()).doesNotContainKey("PATH");
    }

    @Test
    void unresolvablePlaceholderInAKeyReadElsewhereIsAnError() throws IOException {
        assertThatThrownBy(() -> loader().loadServer(canal("kafka.bootstrap.servers = ${KAFKA_SERVERS}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.bootstrap.servers=${KAFKA_SERVERS} refers to ${KAFKA_SERVERS}");
    }
}
