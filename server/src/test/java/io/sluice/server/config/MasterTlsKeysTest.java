package io.sluice.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** canal's {@code canal.instance.master.*} TLS keys as instance.properties gives them. */
class MasterTlsKeysTest {

    @TempDir
    Path conf;

    private final ConfigNotices notices = new ConfigNotices();

    private InstanceConfig load(String... lines) throws IOException {
        Files.writeString(conf.resolve("canal.properties"), "canal.destinations = d\n", StandardCharsets.UTF_8);
        Files.createDirectories(conf.resolve("d"));
        Files.writeString(conf.resolve("d/instance.properties"), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        ConfigLoader loader = new ConfigLoader(new Properties(), Map.of(), notices);
        return loader.loadInstance(loader.loadServer(conf.resolve("canal.properties")), "d");
    }

    @Test
    void withoutTheKeysADestinationIsCanalsDisabled() throws IOException {
        SslSettings ssl = load("canal.instance.master.address = db:3306").ssl();
        assertThat(ssl).isEqualTo(SslSettings.disabled());
    }

    @Test
    void everyKeyIsReadAndNoneIsUnknown() throws IOException {
        SslSettings ssl = load("canal.instance.master.address = db:3306",
                "canal.instance.master.sslMode = verify_ca",
                "canal.instance.master.tlsVersions = TLSv1.2,TLSv1.3",
                "canal.instance.master.trustCertificateKeyStoreUrl = file:/etc/sluice/ca.jks",
                "canal.instance.master.trustCertificateKeyStoreType = JKS",
                "canal.instance.master.trustCertificateKeyStorePassword = trust-secret",
                "canal.instance.master.clientCertificateKeyStoreUrl = file:/etc/sluice/client.p12",
                "canal.instance.master.clientCertificateKeyStoreType = PKCS12",
                "canal.instance.master.clientCertificateKeyStorePassword = client-secret",
                "sluice.instance.master.allowPublicKeyRetrieval = true").ssl();
        assertThat(ssl).isEqualTo(new SslSettings("VERIFY_CA", "TLSv1.2,TLSv1.3", "file:/etc/sluice/ca.jks", "JKS",
                "trust-secret", "file:/etc/sluice/client.p12", "PKCS12", "client-secret", true));
        assertThat(notices.logged()).noneMatch(n -> n.startsWith("unknown:"));
        assertThat(ssl.toString()).doesNotContain("secret");
    }

    @Test
    void aTlsVersionThatIsNoneIsRefusedNamingTheKeyAndFile() {
        assertThatThrownBy(() -> load("canal.instance.master.address = db:3306",
                "canal.instance.master.sslMode = REQUIRED", "canal.instance.master.tlsVersions = TLSv1.2, SSLv3"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("instance.properties")
                .hasMessageContaining("canal.instance.master.tlsVersions")
                .hasMessageContaining("SSLv3");
    }
}
