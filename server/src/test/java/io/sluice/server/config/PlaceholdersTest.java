package io.sluice.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class PlaceholdersTest {

    private final Properties system = new Properties();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, String> canal = new LinkedHashMap<>();
    private final Map<String, String> instance = new LinkedHashMap<>();

    private ConfigValues values(String destination) {
        return ConfigValues.of(system, env, List.of(new ConfigValues.Layer("instance.properties", instance, true),
                new ConfigValues.Layer("canal.properties", canal, true)), destination);
    }

    @Test
    void canalsShippedNestedPlaceholdersResolve() {
        canal.put("canal.conf.dir", "../conf");
        canal.put("canal.file.data.dir", "${canal.conf.dir}");
        canal.put("canal.instance.tsdb.dir", "${canal.file.data.dir:../conf}/${canal.instance.destination:}");
        canal.put("canal.instance.tsdb.url", "jdbc:h2:${canal.instance.tsdb.dir}/h2;CACHE_SIZE=1000;MODE=MYSQL;");

        ConfigValues v = values("example");
        assertThat(v.find("canal.file.data.dir").text()).isEqualTo("../conf");
        assertThat(v.find("canal.instance.tsdb.dir").text()).isEqualTo("../conf/example");
        assertThat(v.find("canal.instance.tsdb.url").text())
                .isEqualTo("jdbc:h2:../conf/example/h2;CACHE_SIZE=1000;MODE=MYSQL;");
        assertThat(values(null).find("canal.instance.tsdb.dir").text()).isEqualTo("../conf/");
    }

    @Test
    void defaultAppliesWhenTheNameIsUnsetOrEmpty() {
        canal.put("a", "${unset:fallback}/x");
        canal.put("b", "${empty:fallback}");
        canal.put("empty", "");
        canal.put("c", "${unset:}");
        ConfigValues v = values(null);
        assertThat(v.find("a").text()).isEqualTo("fallback/x");
        assertThat(v.find("b").text()).isEqualTo("fallback");
        assertThat(v.find("c")).isNull();
    }

    @Test
    void placeholdersSeeOverridesAndTheInstanceFile() {
        canal.put("canal.file.data.dir", "${canal.conf.dir}/data");
        canal.put("canal.conf.dir", "../conf");
        canal.put("canal.instance.master.address", "${DB_HOST}:${DB_PORT:3306}");
        instance.put("DB_HOST", "from-instance");
        system.setProperty("canal.conf.dir", "/srv/canal");
        assertThat(values("d").find("canal.file.data.dir").text()).isEqualTo("/srv/canal/data");
        assertThat(values("d").find("canal.instance.master.address").text()).isEqualTo("from-instance:3306");
        env.put("DB_HOST", "from-env");
        assertThat(values("d").find("canal.instance.master.address").text()).isEqualTo("from-env:3306");
    }

    @Test
    void placeholderInsideANameResolvesFirst() {
        canal.put("which", "b");
        canal.put("value.b", "B");
        canal.put("k", "${value.${which}}");
        assertThat(values(null).find("k").text()).isEqualTo("B");
    }

    @Test
    void unresolvablePlaceholderOfAnAppliedKeyNamesKeyAndPlaceholder() {
        canal.put("canal.instance.master.address", "${MYSQL_ADDRESS}");
        assertThatThrownBy(() -> values("d").find("canal.instance.master.address"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("canal.properties: canal.instance.master.address=${MYSQL_ADDRESS} refers to "
                        + "${MYSQL_ADDRESS}, which is set nowhere (system property, environment, "
                        + "instance.properties, canal.properties); set it or give a default: ${MYSQL_ADDRESS:value}")
                .extracting(e -> ((ConfigException) e).key()).isEqualTo("canal.instance.master.address");
    }

    @Test
    void unresolvablePlaceholderOfAKeyNotAppliedIsEmptyAsInCanal() {
        canal.put("canal.instance.global.manager.address", "${canal.admin.manager}");
        assertThat(values(null).resolvedView(k -> false, k -> false))
                .containsEntry("canal.instance.global.manager.address", "");
    }

    @Test
    void circularPlaceholdersAreAnError() {
        canal.put("a", "${b}");
        canal.put("b", "x${a}");
        assertThatThrownBy(() -> values(null).find("a"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("a=${b} has a circular placeholder: a -> b -> a");
    }

    @Test
    void passwordsAreMaskedInPlaceholderErrors() {
        canal.put("canal.instance.dbPassword", "${SECRET}");
        assertThatThrownBy(() -> values(null).find("canal.instance.dbPassword"))
                .hasMessageStartingWith("canal.properties: canal.instance.dbPassword=**** refers to ${SECRET}");
    }

    @Test
    void unterminatedPlaceholderStaysAsWritten() {
        canal.put("k", "a${b");
        assertThat(values(null).find("k").text()).isEqualTo("a${b");
    }
}
