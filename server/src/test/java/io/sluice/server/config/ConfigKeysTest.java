package io.sluice.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
    void configurationPageIsGeneratedFromTheRegistry() throws IOException {
        String page = Files.readString(DOCS, StandardCharsets.UTF_8);
        int begin = page.indexOf(ConfigReference.BEGIN);
        int end = page.indexOf(ConfigReference.END);
        assertThat(begin).as("%s has no generated block (%s … %s)", DOCS, ConfigReference.BEGIN,
                ConfigReference.END).isNotNegative();
        assertThat(end).isGreaterThan(begin);
        String current = page.substring(begin, end + ConfigReference.END.length());
        String generated = new ConfigReference(CANAL_CONF).render();
        if (Boolean.getBoolean("sluice.docs.regenerate")) {
            Files.writeString(DOCS, page.substring(0, begin) + generated
                    + page.substring(end + ConfigReference.END.length()), StandardCharsets.UTF_8);
            return;
        }
        assertThat(current.equals(generated)).as("docs/configuration.md's key tables differ from ConfigKeys (%s); "
                + "regenerate them with:%n  %s%n", firstDifference(current, generated), ConfigReference.REGENERATE)
                .isTrue();
    }

    @Test
    void everyAppliedKeyHasADefaultAndAMeaning() {
        List<String> undescribed = ConfigKeys.all().stream()
                .filter(k -> k.applied() && (k.sluiceDefault() == null || k.text() == null || k.text().isBlank()))
                .map(ConfigKeys.Key::name).toList();
        assertThat(undescribed).as("keys registered with applied(...): register each with key(name, Sluice's "
                + "default, meaning) so the configuration reference can show them").isEmpty();
        List<String> noReason = ConfigKeys.all().stream()
                .filter(k -> !k.applied() && (k.instead() == null || k.instead().isBlank()))
                .map(ConfigKeys.Key::name).toList();
        assertThat(noReason).as("keys not applied without a reason").isEmpty();
    }

    @Test
    void notAppliedKeysCarryTheDefaultCanalShips() throws IOException {
        ConfigReference canal = new ConfigReference(CANAL_CONF);
        List<String> wrong = new ArrayList<>();
        for (ConfigKeys.Key k : ConfigKeys.all()) {
            String shipped = k.applied() || k.isPrefix() || k.isPattern() ? null : canal.shipped(k.name());
            if (shipped != null && k.differsFromCanal(shipped)) {
                wrong.add(k.name() + ": registered " + k.canalDefault() + ", canal ships " + shipped);
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void keyTablesOfEveryPageNameOnlyRegisteredKeys() throws IOException {
        List<String> unknown = new ArrayList<>();
        List<Path> pages;
        try (var files = Files.list(DOCS.getParent())) {
            pages = files.filter(f -> f.toString().endsWith(".md")).sorted().toList();
        }
        assertThat(pages).contains(DOCS);
        for (Path page : pages) {
            boolean inKeyTable = false;
            for (String line : Files.readAllLines(page, StandardCharsets.UTF_8)) {
                if (line.startsWith("| key |")) {
                    inKeyTable = true;
                    continue;
                }
                if (!line.startsWith("|")) {
                    inKeyTable = false;
                }
                if (!inKeyTable) {
                    continue;
                }
                Matcher m = KEY.matcher(line.split("\\|", -1)[1]);
                while (m.find()) {
                    if (ConfigKeys.find(m.group(1)) == null) {
                        unknown.add(page.getFileName() + ": " + m.group(1));
                    }
                }
            }
        }
        assertThat(unknown).as("keys in the key tables of docs/ that ConfigKeys does not know").isEmpty();
    }

    private static String firstDifference(String a, String b) {
        String[] x = a.split("\n", -1);
        String[] y = b.split("\n", -1);
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            String l = i < x.length ? x[i] : "(nothing)";
            String r = i < y.length ? y[i] : "(nothing)";
            if (!l.equals(r)) {
                return String.format("line %d of the block is%n  [%s]%nthe registry gives%n  [%s]", i + 1, l, r);
            }
        }
        return "none";
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
}
