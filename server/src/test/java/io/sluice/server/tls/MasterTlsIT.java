package io.sluice.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.packet.CanalPacket;
import io.sluice.protocol.packet.CanalPacket.PacketType;
import io.sluice.server.SluiceServer;
import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.SslSettings;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.net.testing.RawCanalClient;
import io.sluice.server.parser.BinlogParser;
import io.sluice.server.parser.ParserSettings;
import io.sluice.server.parser.ParserStatus;
import io.sluice.server.parser.ReplicationPrivilegeException;
import io.sluice.server.parser.schema.MemorySchemaHistoryStore;
import io.sluice.server.parser.schema.SchemaHistory;
import io.sluice.testkit.FreePort;
import io.sluice.testkit.LocalMariaDb;
import io.sluice.testkit.TestCertificates;
import io.sluice.testkit.TestDatabase;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TLS towards the master, checked on the master: a private MariaDB serving certificates this test makes with
 * openssl, an account {@code REQUIRE SSL}, and the server's own record of every session — the general log
 * ({@code Connect ... using SSL/TLS}) and {@code performance_schema.status_by_thread} ({@code Ssl_cipher} of the
 * binlog dump thread).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class MasterTlsIT {

    private static final String USER = "tls_repl";
    private static final String PASSWORD = "tls-pw";

    @TempDir
    static Path temp;

    private static TestCertificates certs;
    private static LocalMariaDb db;

    @BeforeAll
    static void startMasterWithTls() {
        assumeTrue(LocalMariaDb.available(), "mariadbd is not installed");
        assumeTrue(TestCertificates.available(), "openssl is not installed");
        certs = TestCertificates.create(temp.resolve("pki"));
        List<String> args = new ArrayList<>(certs.mariadbArgs());
        args.addAll(List.of("--general-log=ON", "--log-output=TABLE", "--performance-schema=ON"));
        db = LocalMariaDb.launch(args.toArray(String[]::new));
        db.execute("CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "' REQUIRE SSL",
                "GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + USER + "'@'%'",
                "CREATE USER 'tls_x509'@'%' IDENTIFIED BY 'x509-pw' REQUIRE SUBJECT '" + certs.clientSubject() + "'",
                "GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'tls_x509'@'%'",
                "CREATE DATABASE shop",
                "CREATE TABLE shop.customers (id INT PRIMARY KEY, name VARCHAR(20))",
                "INSERT INTO shop.customers VALUES (1, 'ada')");
    }

    @AfterAll
    static void stopMaster() {
        if (db != null) {
            db.close();
        }
    }

    /**
     * The whole server from its conf files: initial snapshot, lookup and replication all read the master; every
     * session the account opened is TLS on the master's side, and the rows arrive, snapshot and streamed.
     */
    @ParameterizedTest
    @EnumSource(value = MasterTls.Mode.class, names = {"PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY"})
    void everyConnectionOfADestinationIsTlsAndRowsFlow(MasterTls.Mode mode) throws Exception {
        String table = "orders_" + mode.name().toLowerCase(Locale.ROOT);
        db.execute("CREATE TABLE shop." + table + " (id INT PRIMARY KEY, customer_id INT)",
                "INSERT INTO shop." + table + " VALUES (1, 1)", "TRUNCATE TABLE mysql.general_log");
        Path conf = temp.resolve("conf-" + table);
        Files.createDirectories(conf.resolve("tls"));
        int port = FreePort.find();
        Files.writeString(conf.resolve("canal.properties"), "canal.port = " + port
                + "\ncanal.metrics.pull.port = 0\ncanal.destinations = tls\n");
        String instance = "canal.instance.master.address = " + db.address()
                + "\ncanal.instance.dbUsername = " + USER + "\ncanal.instance.dbPassword = " + PASSWORD
                + "\ncanal.instance.filter.regex = shop\\\\." + table
                + "\ncanal.instance.master.sslMode = " + mode
                + "\ncanal.instance.master.tlsVersions = TLSv1.2,TLSv1.3"
                + "\nsluice.snapshot.mode = initial"
                + "\nsluice.transform.lookup.customer.table = shop." + table
                + "\nsluice.transform.lookup.customer.key = customer_id"
                + "\nsluice.transform.lookup.customer.from = shop.customers"
                + "\nsluice.transform.lookup.customer.columns = name\n";
        if (mode == MasterTls.Mode.VERIFY_CA || mode == MasterTls.Mode.VERIFY_IDENTITY) {
            instance += "canal.instance.master.trustCertificateKeyStoreUrl = " + certs.trustStore().toUri()
                    + "\ncanal.instance.master.trustCertificateKeyStorePassword = " + TestCertificates.PASSWORD + "\n";
        }
        Files.writeString(conf.resolve("tls/instance.properties"), instance);

        ConfigLoader loader = ConfigLoader.fromEnvironment();
        try (SluiceServer server = new SluiceServer(loader.loadServer(conf.resolve("canal.properties")), loader, null);
             RawCanalClient client = RawCanalClient.open(start(server, port))) {
            client.send(PacketType.SUBSCRIPTION, CanalPacket.Sub.newBuilder().setDestination("tls").setClientId("1001").build());
            assertThat(client.readAck().getErrorCode()).isZero();
            Map<String, String> rows = rows(client, 1); // the snapshot's row
            db.execute("INSERT INTO shop." + table + " VALUES (2, 1)");
            rows.putAll(rows(client, 1)); // streamed
            assertThat(rows).containsExactly(Map.entry("1", "ada"), Map.entry("2", "ada"));

            List<String> dumpCiphers = dumpThreadCiphers(USER);
            assertThat(dumpCiphers).as("Ssl_cipher of the binlog dump session").isNotEmpty().doesNotContain("");
        }
        Map<String, String> transportByRole = sessionsByRole(USER);
        assertThat(transportByRole).as("the session of each role, as the master's general log has it")
                .containsOnlyKeys("replication", "master sql", "snapshot", "lookup")
                .allSatisfy((role, transport) -> assertThat(transport).as(role).isEqualTo("SSL/TLS"));
        assertThat(connects(USER)).as("every session of the account").isNotEmpty().allMatch(t -> t.equals("SSL/TLS"));
    }

    @Test
    void verifyCaWithAnotherCaStopsTheParserNamingTheTrustStore() throws Exception {
        SslSettings ssl = new SslSettings("VERIFY_CA", "", certs.otherCaTrustStore().toUri().toString(), "",
                TestCertificates.PASSWORD, "", "", "", false);
        BinlogParser parser = parser(USER, PASSWORD, ssl);
        try {
            parser.start(null);
            await().atMost(Duration.ofSeconds(60)).until(() -> parser.status().state() == ParserStatus.State.FAILED);
            assertThat(parser.failure()).hasMessageContaining("is not signed by a CA in")
                    .hasMessageContaining("canal.instance.master.trustCertificateKeyStoreUrl")
                    .hasMessageContaining("other-ca-truststore.jks")
                    .hasMessageContaining("sslMode = VERIFY_CA");
            assertThat(parser.status().reconnects()).as("a certificate problem is not retried").isZero();
            assertThat(replicationRefusal(ssl)).as("the replication connection on its own")
                    .hasMessageContaining("is not signed by a CA in");
        } finally {
            parser.stop();
        }
    }

    /**
     * The master switches (FLUSH SSL) to a certificate of the same CA for another name: VERIFY_CA still connects,
     * VERIFY_IDENTITY stops naming the host it expected.
     */
    @Test
    void verifyIdentityRefusesACertificateForAnotherName() throws Exception {
        Path cert = temp.resolve("pki/server.pem");
        Path key = temp.resolve("pki/server-key.pem");
        byte[] goodCert = Files.readAllBytes(cert);
        byte[] goodKey = Files.readAllBytes(key);
        Files.copy(certs.misnamedServerCertificate(), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(certs.misnamedServerKey(), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        db.execute("FLUSH SSL");
        try {
            String trust = certs.trustStore().toUri().toString();
            BinlogParser identity = parser(USER, PASSWORD, new SslSettings("VERIFY_IDENTITY", "", trust, "",
                    TestCertificates.PASSWORD, "", "", "", false));
            try {
                identity.start(null);
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> identity.status().state() == ParserStatus.State.FAILED);
                assertThat(identity.failure()).hasMessageContaining("does not name '127.0.0.1'")
                        .hasMessageContaining("sslMode = VERIFY_IDENTITY");
            } finally {
                identity.stop();
            }
            assertThat(replicationRefusal(new SslSettings("VERIFY_IDENTITY", "", trust, "", TestCertificates.PASSWORD,
                    "", "", "", false))).as("the replication connection on its own")
                    .hasMessageContaining("does not name '127.0.0.1'");
            BinlogParser ca = parser(USER, PASSWORD, new SslSettings("VERIFY_CA", "", trust, "",
                    TestCertificates.PASSWORD, "", "", "", false));
            try {
                ca.start(null);
                await().atMost(Duration.ofSeconds(60)).until(() -> ca.status().state() == ParserStatus.State.STREAMING
                        || ca.status().state() == ParserStatus.State.FAILED);
                assertThat(ca.failure()).isNull();
            } finally {
                ca.stop();
            }
        } finally {
            Files.write(cert, goodCert);
            Files.write(key, goodKey);
            db.execute("FLUSH SSL");
        }
    }

    @Test
    void disabledAgainstARequireSslAccountStopsTheParserSayingSo() {
        BinlogParser parser = parser(USER, PASSWORD, SslSettings.disabled());
        try {
            parser.start(null);
            await().atMost(Duration.ofSeconds(60)).until(() -> parser.status().state() == ParserStatus.State.FAILED);
            assertThat(parser.failure()).isInstanceOf(ReplicationPrivilegeException.class)
                    .hasMessageContaining("Access denied")
                    .hasMessageContaining("canal.instance.master.sslMode is DISABLED: an account created REQUIRE SSL")
                    .hasMessageContaining("VERIFY_CA");
        } finally {
            parser.stop();
        }
    }

    /** canal's default when no TLS key is set: plain TCP, as before, visible as such on the master. */
    @Test
    void disabledKeepsAPlainConnectionForAnAccountWithoutRequireSsl() {
        db.execute("CREATE TABLE IF NOT EXISTS shop.plain (id INT PRIMARY KEY)");
        List<ParsedEntry> entries = Collections.synchronizedList(new ArrayList<>());
        BinlogParser parser = parser(TestDatabase.REPLICATION_USER, TestDatabase.REPLICATION_PASSWORD,
                SslSettings.disabled(), entries);
        try {
            parser.start(null);
            await().atMost(Duration.ofSeconds(60)).until(() -> parser.status().state() == ParserStatus.State.STREAMING);
            db.execute("INSERT INTO shop.plain VALUES (1)");
            await().atMost(Duration.ofSeconds(30)).until(() -> rowCount(entries) == 1);
            assertThat(dumpThreadCiphers(TestDatabase.REPLICATION_USER)).isNotEmpty().containsOnly("");
            assertThat(connects(TestDatabase.REPLICATION_USER)).isNotEmpty().containsOnly("TCP/IP");
        } finally {
            parser.stop();
        }
    }

    /** REQUIRE SUBJECT: only the client certificate of the PKCS12 store gets in; the host is checked by IP. */
    @Test
    void aClientCertificateStoreSatisfiesRequireSubjectUnderVerifyIdentity() {
        db.execute("CREATE TABLE IF NOT EXISTS shop.x509 (id INT PRIMARY KEY)");
        SslSettings ssl = new SslSettings("VERIFY_IDENTITY", "TLSv1.3", certs.trustStore().toString(), "JKS",
                TestCertificates.PASSWORD, certs.clientStore().toUri().toString(), "PKCS12", TestCertificates.PASSWORD,
                false);
        List<ParsedEntry> entries = Collections.synchronizedList(new ArrayList<>());
        BinlogParser parser = parser("tls_x509", "x509-pw", ssl, entries);
        try {
            parser.start(null);
            await().atMost(Duration.ofSeconds(60)).until(() -> parser.status().state() == ParserStatus.State.STREAMING
                    || parser.status().state() == ParserStatus.State.FAILED);
            assertThat(parser.failure()).isNull();
            db.execute("INSERT INTO shop.x509 VALUES (1)");
            await().atMost(Duration.ofSeconds(30)).until(() -> rowCount(entries) == 1);
            assertThat(dumpThreadCiphers("tls_x509")).isNotEmpty().doesNotContain("");
            assertThat(db.query("SELECT VARIABLE_VALUE AS v FROM performance_schema.status_by_thread s JOIN "
                    + "performance_schema.threads t USING (THREAD_ID) WHERE t.PROCESSLIST_USER = 'tls_x509' "
                    + "AND t.PROCESSLIST_COMMAND = 'Binlog Dump' AND s.VARIABLE_NAME = 'Ssl_version'"))
                    .extracting(r -> r.get("v")).contains("TLSv1.3");
        } finally {
            parser.stop();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** What refuses a bare replication connection (no SQL connection before it) with these settings. */
    private static MasterTlsException replicationRefusal(SslSettings ssl) throws Exception {
        MasterTls tls = MasterTls.of(ssl, db.host(), db.port());
        BinaryLogClient client = new BinaryLogClient(db.host(), db.port(), USER, PASSWORD);
        client.setBlocking(false);
        client.setConnectTimeout(10_000);
        tls.applyTo(client);
        try {
            client.connect();
        } catch (Exception e) {
            return tls.explain(e);
        }
        client.disconnect();
        throw new AssertionError("the replication connection was accepted");
    }

    private static InetSocketAddress start(SluiceServer server, int port) throws Exception {
        server.start();
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** Reads until {@code n} rows came; id → customer_name. */
    private static Map<String, String> rows(RawCanalClient client, int n) throws Exception {
        Map<String, String> rows = new LinkedHashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (rows.size() < n && System.nanoTime() < deadline) {
            client.send(PacketType.GET, CanalPacket.Get.newBuilder().setDestination("tls").setClientId("1001")
                    .setFetchSize(100).setTimeout(500).setUnit(2).build());
            CanalPacket.Messages messages = CanalPacket.Messages.parseFrom(client.read().getBody());
            for (var bytes : messages.getMessagesList()) {
                CanalEntry.Entry e = CanalEntry.Entry.parseFrom(bytes);
                if (e.getEntryType() != CanalEntry.EntryType.ROWDATA) {
                    continue;
                }
                CanalEntry.RowChange change = CanalEntry.RowChange.parseFrom(e.getStoreValue());
                for (CanalEntry.RowData row : change.getRowDatasList()) {
                    Map<String, String> values = new LinkedHashMap<>();
                    row.getAfterColumnsList().forEach(c -> values.put(c.getName(), c.getValue()));
                    rows.put(values.get("id"), values.get("customer_name"));
                }
            }
        }
        return rows;
    }

    private static BinlogParser parser(String user, String password, SslSettings ssl) {
        return parser(user, password, ssl, Collections.synchronizedList(new ArrayList<>()));
    }

    private static BinlogParser parser(String user, String password, SslSettings ssl, List<ParsedEntry> into) {
        ParserSettings settings = ParserSettings.builder("tls-it-" + user, db.host(), db.port(), user, password)
                .heartbeatPeriod(Duration.ofSeconds(1))
                .reconnect(Duration.ofMillis(200), Duration.ofSeconds(1))
                .transport(MasterTls.of(ssl, db.host(), db.port()))
                .build();
        return new BinlogParser(settings, new SchemaHistory(new MemorySchemaHistoryStore()),
                (schema, t) -> schema.equals("shop"), into::addAll);
    }

    private static long rowCount(List<ParsedEntry> entries) {
        synchronized (entries) {
            return entries.stream().filter(e -> e.entryType() == CanalEntry.EntryType.ROWDATA
                    && e.payload() instanceof CanalEntry.RowChange rc && !rc.getIsDdl())
                    .mapToLong(e -> e.rowChange().getRowDatasCount()).sum();
        }
    }

    /** {@code Ssl_cipher} of each live binlog dump session of {@code user}, from the master's performance schema. */
    private static List<String> dumpThreadCiphers(String user) {
        return db.query("SELECT s.VARIABLE_VALUE AS cipher FROM performance_schema.threads t "
                        + "JOIN performance_schema.status_by_thread s ON s.THREAD_ID = t.THREAD_ID "
                        + "WHERE t.PROCESSLIST_USER = '" + user + "' AND t.PROCESSLIST_COMMAND = 'Binlog Dump' "
                        + "AND s.VARIABLE_NAME = 'Ssl_cipher'")
                .stream().map(r -> r.get("cipher") == null ? "" : r.get("cipher")).toList();
    }

    /** The transport ("SSL/TLS" or "TCP/IP") of every session {@code user} opened, from the general log. */
    private static List<String> connects(String user) {
        return db.query("SELECT CONVERT(argument USING utf8mb4) AS a FROM mysql.general_log "
                        + "WHERE command_type = 'Connect' AND CONVERT(argument USING utf8mb4) LIKE '" + user + "@%'")
                .stream().map(r -> r.get("a").replaceAll(".* using ", "")).toList();
    }

    /**
     * The transport of the session that played each role, recognised by what it sent: the binlog dump, the
     * parser's checks, the snapshot's consistent read, the lookup's SELECT.
     */
    private static Map<String, String> sessionsByRole(String user) {
        Map<String, String> roles = new LinkedHashMap<>();
        List<Map<String, String>> log = db.query("SELECT thread_id AS t, command_type AS c, "
                + "CONVERT(argument USING utf8mb4) AS a FROM mysql.general_log ORDER BY event_time");
        Map<String, String> transport = new LinkedHashMap<>();
        for (Map<String, String> r : log) {
            if (r.get("c").equals("Connect") && r.get("a").startsWith(user + "@")) {
                transport.put(r.get("t"), r.get("a").replaceAll(".* using ", ""));
            }
        }
        for (Map<String, String> r : log) {
            String session = transport.get(r.get("t"));
            if (session == null) {
                continue; // root's own statements of this test
            }
            String a = r.get("a");
            if (r.get("c").equals("Binlog Dump")) {
                roles.put("replication", session);
            } else if (a.startsWith("SHOW GLOBAL VARIABLES LIKE 'binlog_format'")) {
                roles.put("master sql", session);
            } else if (a.startsWith("START TRANSACTION WITH CONSISTENT SNAPSHOT")) {
                roles.put("snapshot", session);
            } else if (a.contains("FROM `shop`.`customers`")) {
                roles.put("lookup", session);
            }
        }
        return roles;
    }
}
