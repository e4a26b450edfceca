package io.sluice.server.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** canal's regex filter semantics (CANAL-PROTOCOL.md §7), patterns as loaded (after properties unescaping). */
class CanalRegexFilterTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                // include, exclude, schema.table, accepted
                Arguments.of(".*\\..*", "", "shop.orders", true),
                Arguments.of("", "", "any.thing", true),                            // empty include = all
                Arguments.of("canal\\..*", "", "canal.t", true),
                Arguments.of("canal\\..*", "", "canalx.t", false),                  // schema anchored
                Arguments.of("canal.test1", "", "canal.test1", true),
                Arguments.of("c.nal\\.t", "", "canal.t", true),                     // unescaped '.' is any char
                Arguments.of("canal.test1", "", "canal.test1x", false),              // anchored at the end
                Arguments.of("canal\\.canal.*", "", "canal.canal_users", true),
                Arguments.of("canal\\.canal.*", "", "canal.users", false),
                Arguments.of("test\\.user,test\\.order", "", "test.order", true),
                Arguments.of("test\\.user,test\\.order", "", "test.orders", false),
                Arguments.of("test\\.a, test\\.b", "", "test.a", true),
                Arguments.of("test\\.a, test\\.b", "", "test.b", false),             // no trimming: " test\.b"
                Arguments.of("Shop\\.Orders", "", "shop.orders", true),              // case-insensitive
                Arguments.of("shop\\.orders", "", "SHOP.ORDERS", true),
                Arguments.of("hop\\.orders", "", "shop.orders", false),             // anchored at the start
                Arguments.of("shop\\.order", "", "shop.orders", false),
                Arguments.of(",shop\\.a,,", "", "shop.a", true),                     // empty items dropped
                Arguments.of(",shop\\.a,,", "", "shop.b", false),
                Arguments.of(",", "", "shop.b", true),                               // no item = empty = all
                Arguments.of("shop\\.(a|b)", "", "shop.b", true),
                Arguments.of("shop\\..*", "shop\\.tmp.*", "shop.tmp_1", false),      // exclude after include
                Arguments.of("shop\\..*", "shop\\.tmp.*", "shop.orders", true),
                Arguments.of("", "mysql\\.slave_.*", "mysql.slave_master_info", false), // canal's shipped black list
                Arguments.of("", "mysql\\.slave_.*", "mysql.user", true),
                Arguments.of("db\\..*", "", "db.", true));
    }

    @ParameterizedTest(name = "include={0} exclude={1} {2} -> {3}")
    @MethodSource("cases")
    void matchesAsCanalDoes(String include, String exclude, String name, boolean accepted) {
        CanalRegexFilter f = new CanalRegexFilter(include, exclude);
        int dot = name.indexOf('.');
        String schema = dot < 0 ? name : name.substring(0, dot);
        String table = dot < 0 ? "" : name.substring(dot + 1);
        assertThat(f.accepts(schema, table)).isEqualTo(accepted);
        assertThat(f.accepts(schema, table)).as("cached answer").isEqualTo(accepted);
        assertThat(f.acceptsName(name)).isEqualTo(accepted);
    }

    @Test
    void anInvalidItemIsNamedInTheError() {
        assertThatThrownBy(() -> new CanalRegexFilter("shop\\.ok,shop\\.(bad", ""))
                .isInstanceOf(FilterSyntaxException.class).hasMessageContaining("'shop\\.(bad'");
    }
}
