package io.sluice.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.network.SSLMode;
import io.sluice.server.config.SslSettings;
import java.io.IOException;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.sql.SQLException;
import java.util.Properties;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** canal's TLS keys read as MySQL Connector/J reads them, without a server. */
class MasterTlsTest {

    @TempDir
    Path dir;

    private static SslSettings ssl(String mode, String versions, String trustUrl, String trustPassword,
                                   boolean allowPublicKeyRetrieval) {
        return new SslSettings(mode, versions, trustUrl, "", trustPassword, "", "", "", allowPublicKeyRetrieval);
    }

    private static Properties account() {
        Properties p = new Properties();
        p.setProperty("user", "canal");
        p.setProperty("password", "secret");
        return p;
    }

    @Test
    void aConfigWithoutTlsKeysIsCanalsDisabledWithoutPublicKeyRetrieval() {
        MasterTls tls = MasterTls.of(SslSettings.disabled(), "db", 3306);
        Properties p = tls.plain(account());
        assertThat(tls.mode()).isEqualTo(MasterTls.Mode.DISABLED);
        assertThat(p.getProperty("sslMode")).isEqualTo("disable");
        assertThat(p.getProperty("allowPublicKeyRetrieval")).isEqualTo("false");
        assertThat(p.getProperty("user")).isEqualTo("canal");

        BinaryLogClient client = new BinaryLogClient("db", 3306, "canal", "secret");
        tls.applyTo(client);
        assertThat(client.getSSLMode()).isEqualTo(SSLMode.DISABLED);
    }

    @Test
    void publicKeyRetrievalOverPlainTcpOnlyWhenAskedForWithOneWarning() {
        Logger logger = (Logger) LoggerFactory.getLogger(MasterTls.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            MasterTls tls = MasterTls.of(ssl("DISABLED", "", "", "", true), "db", 3306);
            assertThat(tls.plain(account()).getProperty("allowPublicKeyRetrieval")).isEqualTo("true");
            tls.plain(account());
        } finally {
            logger.detachAppender(appender);
        }
        assertThat(appender.list).hasSize(1);
        assertThat(appender.list.get(0).getLevel()).isEqualTo(Level.WARN);
        assertThat(appender.list.get(0).getFormattedMessage())
                .contains("sluice.instance.master.allowPublicKeyRetrieval = true", "db:3306", "'canal'")
                .doesNotContain("secret");
    }

    @Test
    void eachModeMapsOntoTheMariadbDriversSslMode() {
        assertThat(MasterTls.of(ssl("PREFERRED", "", "", "", false), "db", 1).encrypted(account())
                .getProperty("sslMode")).isEqualTo("trust");
        assertThat(MasterTls.of(ssl("REQUIRED", "", "", "", false), "db", 1).encrypted(account())
                .getProperty("sslMode")).isEqualTo("trust");
        assertThat(MasterTls.of(ssl("verify_ca", "", "", "", false), "db", 1).encrypted(account())
                .getProperty("sslMode")).isEqualTo("verify-ca");
        assertThat(MasterTls.of(ssl("VERIFY_IDENTITY", "", "", "", false), "db", 1).encrypted(account())
                .getProperty("sslMode")).isEqualTo("verify-full");
    }

    @Test
    void verifyCaPassesTheTrustStoreAndVersionsToTheDriver() {
        Path store = dir.resolve("trust.jks");
        Properties p = MasterTls.of(ssl("VERIFY_CA", "TLSv1.2, tlsv1.3", store.toString(), "pw", false), "db", 1)
                .encrypted(account());
        assertThat(p.getProperty("trustStore")).isEqualTo(store.toUri().toString());
        assertThat(p.getProperty("trustStoreType")).isEqualTo("JKS");
        assertThat(p.getProperty("trustStorePassword")).isEqualTo("pw");
        assertThat(p.getProperty("enabledSslProtocolSuites")).isEqualTo("TLSv1.2,TLSv1.3");
        assertThat(p.getProperty("allowPublicKeyRetrieval")).as("harmless over TLS").isEqualTo("true");
    }

    @Test
    void requiredDoesNotCheckTheCertificateEvenWithATrustStore() {
        Properties p = MasterTls.of(ssl("REQUIRED", "", "file:/etc/trust.jks", "pw", false), "db", 1)
                .encrypted(account());
        assertThat(p.getProperty("sslMode")).isEqualTo("trust");
        assertThat(p).doesNotContainKey("trustStore");
    }

    @Test
    void anUnknownTlsVersionIsRefusedNamingTheKey() {
        assertThat(ssl("REQUIRED", "TLSv1.2,SSLv3", "", "", false).unknownTlsVersion()).isEqualTo("SSLv3");
        assertThatThrownBy(() -> MasterTls.of(ssl("REQUIRED", "TLSv1.2,SSLv3", "", "", false), "db", 1))
                .hasMessageContaining("canal.instance.master.tlsVersions").hasMessageContaining("SSLv3");
    }

    @Test
    void aMissingTrustStoreIsReportedByItsKeyBeforeAnyConnection() {
        MasterTls tls = MasterTls.of(ssl("VERIFY_CA", "", dir.resolve("nope.jks").toString(), "pw", false),
                "127.0.0.1", 1);
        assertThatThrownBy(() -> tls.connect("jdbc:mariadb://127.0.0.1:1/", account()))
                .isInstanceOf(MasterTlsException.class)
                .hasMessageContaining("canal.instance.master.trustCertificateKeyStoreUrl")
                .hasMessageContaining("nope.jks").hasMessageContaining("no such file");
    }

    @Test
    void aWrongTrustStorePasswordIsReportedByItsKeyWithoutThePassword() throws Exception {
        Path store = dir.resolve("trust.p12");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (var out = Files.newOutputStream(store)) {
            ks.store(out, "right-one".toCharArray());
        }
        MasterTls tls = MasterTls.of(ssl("VERIFY_IDENTITY", "", store.toUri().toString(), "wrong-one", false),
                "127.0.0.1", 1);
        assertThatThrownBy(() -> tls.connect("jdbc:mariadb://127.0.0.1:1/", account()))
                .isInstanceOf(MasterTlsException.class)
                .hasMessageContaining("canal.instance.master.trustCertificateKeyStoreUrl")
                .hasMessageContaining("(PKCS12)")
                .hasMessageNotContaining("wrong-one");
    }

    @Test
    void onlyCertificateAndNegotiationFailuresAreExplainedAsTls() {
        MasterTls tls = MasterTls.of(ssl("VERIFY_CA", "", "", "", false), "db", 3306);
        assertThat(tls.explain(new SocketException("Connection reset"))).isNull();
        assertThat(tls.explain(new SQLException("Access denied", "28000", 1045))).isNull();

        SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
        untrusted.initCause(new CertPathBuilderException("unable to find valid certification path"));
        assertThat(tls.explain(new IOException("wrapped", untrusted))).isNotNull()
                .hasMessageContaining("not signed by a CA the JVM trusts");
        assertThat(tls.explain(new SQLException("Trying to connect with ssl, but ssl not enabled in the server")))
                .hasMessageContaining("the master offers no TLS");
        assertThat(tls.explain(new SSLHandshakeException("No appropriate protocol (protocol is disabled)")))
                .hasMessageContaining("canal.instance.master.tlsVersions");
        assertThat(tls.explain(new SSLHandshakeException("Received fatal alert: unknown_ca")))
                .hasMessageContaining("the master refused the client certificate")
                .hasMessageContaining("canal.instance.master.clientCertificateKeyStoreUrl is not set");
    }
}
