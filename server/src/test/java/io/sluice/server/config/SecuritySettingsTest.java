package io.sluice.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecuritySettingsTest {

    @TempDir
    Path dir;

    private ServerConfig load(String text) throws Exception {
        Path file = dir.resolve("canal.properties");
        Files.writeString(file, text);
        return new ConfigLoader(new Properties(), Map.of(), new ConfigNotices()).loadServer(file);
    }

    @Test
    void theAdminPortBindsWhereTheClientPortDoesUnlessToldOtherwise() throws Exception {
        assertThat(load("canal.ip = 10.0.0.5\n").security().adminIp()).isEqualTo("10.0.0.5");
        assertThat(load("").security().adminIp()).isEmpty();
        SecuritySettings s = load("canal.ip = 10.0.0.5\nsluice.admin.ip = 127.0.0.1\nsluice.admin.token = t0k\n"
                + "sluice.auth.max.failures = 3\nsluice.zookeeper.digest = sluice:zk-pw\n").security();
        assertThat(s.adminIp()).isEqualTo("127.0.0.1");
        assertThat(s.adminToken()).isEqualTo("t0k");
        assertThat(s.maxFailedLogins()).isEqualTo(3);
        assertThat(s.zkAcls()).isTrue();
        assertThat(s.toString()).contains("sluice:****").doesNotContain("zk-pw").doesNotContain("t0k");
    }

    @Test
    void aDigestWithoutPasswordIsRefusedWithoutPrintingIt() {
        assertThatThrownBy(() -> load("sluice.zookeeper.digest = just-a-secret\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sluice.zookeeper.digest")
                .hasMessageContaining("user:password").hasMessageNotContaining("just-a-secret");
    }
}
