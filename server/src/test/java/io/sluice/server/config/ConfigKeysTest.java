package io.sluice.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigKeysTest {

    private static final Path CANAL_CONF = Path.of("src/test/resources/canal-1.1.7-conf");
    private static final Path DOCS = Path.of("../docs/configuration.md");
    private static final Pattern KEY = Pattern.compile("`((?:canal|sluice|kafka|rabbitmq|rocketmq|pulsarmq)\\.[^`\\s]+)`");
    private static final String NOT_APPLIED_SECTION = "## canal keys Sluice does not apply";

    @TempDir
    Path tmp;

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    @ParameterizedTest
    @ValueSource(strings = {"canal.properties", "canal_local.properties", "example/instance.properties"})
    void everyKeyOfCanalsShippedFilesIsKnown(String file) throws IOException {
        Properties shipped = load(CANAL_CONF.resolve(file));
        assertThat(shipped).isNotEmpty();
        List<String> unknown = shipped.stringPropertyNames().stream().filter(k -> ConfigKeys.find(k) == null)
                .sorted().toList();
        assertThat(unknown).as("keys of canal's %s the registry does not know", file).isEmpty();
    }

    @Test
    void canalsShippedFilesStartWithoutAnyWarning() throws IOException {
        Path conf = ConfigLoaderTest.canalShippedConf(tmp);
        ConfigNotices notices = new ConfigNotices();
        ConfigLoader loader = new ConfigLoader(new Properties(), Map.of(), notices);
        ServerConfig s = loader.loadServer(conf.resolve("canal.properties"));
        loader.loadInstance(s, "example");
        assertThat(notices.logged()).isEmpty();
    }

    @Test
    void sluicesOwnShippedConfStartsWithoutAnyWarning() throws IOException {
        Path conf = Files.createDirectories(tmp.resolve("conf").resolve("example"));
        Files.copy(Path.of("../conf/canal.properties"), conf.resolveSibling("canal.properties"));
        Files.copy(Path.of("../conf/example/instance.properties"), conf.resolve("instance.properties"));
        ConfigNotices notices = new ConfigNotices();
        ConfigLoader loader = new ConfigLoader(new Properties(), Map.of(), notices);
        ServerConfig s = loader.loadServer(conf.resolveSibling("canal.properties"));
        loader.loadInstance(s, "example");
        assertThat(notices.logged()).isEmpty();
        assertThat(s.fileDataDir()).isEqualTo(conf.getParent().toAbsolutePath().normalize());
    }

    @Test
    void canalLocalPropertiesWarnsThatCanalAdminIsNotUsed() throws IOException {
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        Files.copy(CANAL_CONF.resolve("canal_local.properties"), conf.resolve("canal.properties"));
        ConfigNotices notices = new ConfigNotices();
        new ConfigLoader(new Properties(), Map.of(), notices).loadServer(conf.resolve("canal.properties"));
        assertThat(notices.logged()).containsExactly("not-applied:canal.admin.manager");
    }

    @Test
    void docsListExactlyTheRegisteredKeysWithTheirStatus() throws IOException {
        Map<String, Boolean> documented = documentedKeys();
        Map<String, Boolean> registered = new LinkedHashMap<>();
        ConfigKeys.all().forEach(k -> registered.put(k.name(), k.applied()));

        Set<String> undocumented = new TreeSet<>(registered.keySet());
        undocumented.removeAll(documented.keySet());
        Set<String> unregistered = new TreeSet<>(documented.keySet());
        unregistered.removeAll(registered.keySet());
        assertThat(undocumented).as("registered keys missing from docs/configuration.md's tables").isEmpty();
        assertThat(unregistered).as("keys in docs/configuration.md's tables the registry does not know").isEmpty();
        List<String> wrongSection = new ArrayList<>();
        registered.forEach((k, applied) -> {
            if (!applied.equals(documented.get(k))) {
                wrongSection.add(k + (applied ? " is applied but documented as not applied"
                        : " is not applied but documented in an applied table"));
            }
        });
        assertThat(wrongSection).isEmpty();
    }

    @Test
    void lookupPrefersExactThenPatternThenLongestPrefix() {
        assertThat(ConfigKeys.find("canal.instance.global.lazy").name()).isEqualTo("canal.instance.global.lazy");
        assertThat(ConfigKeys.find("canal.instance.orders.lazy").name()).isEqualTo("canal.instance.<dest>.lazy");
        assertThat(ConfigKeys.find("sluice.instance.merge.east.address").name())
                .isEqualTo("sluice.instance.merge.<name>.address");
        assertThat(ConfigKeys.find("kafka.kerberos.enable").applied()).isFalse();
        assertThat(ConfigKeys.find("kafka.linger.ms").name()).isEqualTo("kafka.*");
        assertThat(ConfigKeys.find("kafka.")).isNull();
        assertThat(ConfigKeys.find("canal.prot")).isNull();
        assertThat(ConfigKeys.find("canal.instance.detecting.enable").differsFromCanal(" FALSE ")).isFalse();
        assertThat(ConfigKeys.find("canal.instance.detecting.enable").differsFromCanal("true")).isTrue();
        assertThat(ConfigKeys.find("canal.instance.standby.address").differsFromCanal("")).isFalse();
        assertThat(ConfigKeys.find("rocketmq.namesrv.addr").differsFromCanal("10.0.0.1:9876")).isFalse();
    }

    /** Keys named in the first column of the tables of docs/configuration.md: key → in an "applied" table. */
    private static Map<String, Boolean> documentedKeys() throws IOException {
        Map<String, Boolean> out = new LinkedHashMap<>();
        boolean applied = true;
        boolean inKeyTable = false;
        for (String line : Files.readAllLines(DOCS, StandardCharsets.UTF_8)) {
            if (line.startsWith("## ")) {
                applied = !line.startsWith(NOT_APPLIED_SECTION);
                inKeyTable = false;
            }
            if (line.startsWith("| key |")) {
                inKeyTable = true;
                continue;
            }
            if (!line.startsWith("|")) {
                inKeyTable = false;
                continue;
            }
            if (!inKeyTable) {
                continue;
            }
            String firstCell = line.split("\\|", -1)[1];
            Matcher m = KEY.matcher(firstCell);
            while (m.find()) {
                Boolean before = out.put(m.group(1), applied);
                assertThat(before).as("%s documented twice", m.group(1)).isNull();
            }
        }
        assertThat(out).hasSizeGreaterThan(100);
        return out;
    }
}
