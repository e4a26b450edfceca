package io.sluice.server.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.ParsedEntry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * mysqlType of tables created inside real binlogs, spelt by the rules of the server that wrote each file (its
 * format description event names it): MySQL 8.0.19 and later print no integer display widths and {@code bigint
 * unsigned} for SERIAL; MySQL 5.7 and MariaDB print {@code int(11)}, {@code bigint(20) unsigned}, {@code year(4)},
 * and MariaDB's JSON is {@code longtext}.
 */
@Timeout(60)
class ColumnTypeFixtureTest {

    @Test
    void mysql8026PrintsIntegersWithoutDisplayWidths() throws Exception {
        assertThat(firstRowTypes("public/rust-mysql-common/binlog-invisible-columns.000001", "mysql.t1"))
                .containsExactlyEntriesOf(ordered("f1", "int unsigned", "f2", "int unsigned", "f3", "int",
                        "f4", "text", "f5", "blob", "f6", "bigint unsigned"));
        assertThat(firstRowTypes("public/rust-mysql-common/mysql_type_bit.000001", "mysql.foo"))
                .containsExactlyEntriesOf(ordered("a", "bit(3)", "b", "text", "c", "bit(8)"));
    }

    @Test
    void mysql8022JsonAndGeneratedColumns() throws Exception {
        assertThat(firstRowTypes("public/rust-mysql-common/json.binlog.000001", "mysql.t"))
                .containsExactlyEntriesOf(ordered("id", "int", "json_col", "json", "name", "varchar(100)", "age", "int"));
    }

    @Test
    void mysql8028EnumAndSetLabelsAreQuotedAsTheServerPrintsThem() throws Exception {
        assertThat(firstRowTypes("public/rust-mysql-common/mysql-enum-string-set.000001", "mysql.t"))
                .containsExactlyEntriesOf(ordered("f1", "char(128)", "f2", "varchar(300)",
                        "f3", "enum('var1','variant2','foo')", "f4", "set('one','two','three','four')", "f5", "text"));
    }

    @Test
    void mysql9SerialIsBigintUnsignedWithoutWidth() throws Exception {
        assertThat(firstRowTypes("public/rust-mysql-common/vector.binlog", "dtb.bar"))
                .containsExactlyEntriesOf(ordered("id", "bigint unsigned", "vector_column", "vector(2)", "foo", "text",
                        "vector_column2", "vector(4)"));
    }

    @Test
    void mysql57PrintsDisplayWidths() throws Exception {
        assertThat(firstRowTypes("public/apecloud-mbcr/mysql-bin.000080", "a.emoji"))
                .containsExactlyEntriesOf(ordered("id", "int(11)", "value", "varchar(255)"));
        assertThat(firstRowTypes("public/alibaba-canal/tsdb/mysql-bin.000003", "tsdb.canal_table_meta_history"))
                .containsEntry("id", "bigint(20) unsigned").containsEntry("gmt_create", "datetime");
    }

    @Test
    void mariadbPrintsDisplayWidthsAndJsonAsLongtext() throws Exception {
        Map<String, String> types = firstRowTypes("mariadb/mariadb-types.bin", "fx_types.all_types");
        assertThat(types).containsEntry("id", "int(11)").containsEntry("c_tinyint", "tinyint(4)")
                .containsEntry("c_tinyint_u", "tinyint(3) unsigned").containsEntry("c_smallint", "smallint(6)")
                .containsEntry("c_smallint_u", "smallint(5) unsigned").containsEntry("c_mediumint", "mediumint(9)")
                .containsEntry("c_mediumint_u", "mediumint(8) unsigned").containsEntry("c_int_u", "int(10) unsigned")
                .containsEntry("c_bigint", "bigint(20)").containsEntry("c_bigint_u", "bigint(20) unsigned")
                .containsEntry("c_dec65_30", "decimal(65,30)").containsEntry("c_year", "year(4)")
                .containsEntry("c_time0", "time").containsEntry("c_timestamp6", "timestamp(6)")
                .containsEntry("c_char", "char(10)").containsEntry("c_text", "text")
                .containsEntry("c_enum", "enum('small','medium','large')").containsEntry("c_json", "longtext")
                .containsEntry("c_inet6", "inet6").containsEntry("c_point", "point");
        assertThat(types.values()).allSatisfy(t -> assertThat(t).isLowerCase());
    }

    @Test
    void canalCompatibleValuesDoNotChangeTheSpelling() throws Exception {
        for (String fixture : List.of("mariadb/mariadb-types.bin", "public/rust-mysql-common/vector.binlog")) {
            List<ParsedEntry> exact = FixtureDecodingTest.decode(fixture, false);
            List<ParsedEntry> canal = FixtureDecodingTest.decode(fixture, true);
            assertThat(allTypes(canal)).as(fixture).isEqualTo(allTypes(exact)).isNotEmpty();
        }
    }

    private static Map<String, String> firstRowTypes(String fixture, String table) throws Exception {
        for (ParsedEntry e : FixtureDecodingTest.decode(fixture, false)) {
            if (e.payload() instanceof CanalEntry.RowChange rc && !rc.getIsDdl() && rc.getRowDatasCount() > 0
                    && (e.schema() + "." + e.table()).equals(table)) {
                CanalEntry.RowData row = rc.getRowDatas(0);
                List<CanalEntry.Column> columns = row.getAfterColumnsCount() > 0 ? row.getAfterColumnsList()
                        : row.getBeforeColumnsList();
                Map<String, String> types = new LinkedHashMap<>();
                columns.forEach(c -> types.put(c.getName(), c.getMysqlType()));
                return types;
            }
        }
        throw new AssertionError("no rows of " + table + " in " + fixture);
    }

    private static List<String> allTypes(List<ParsedEntry> entries) {
        return entries.stream().filter(e -> e.payload() instanceof CanalEntry.RowChange rc && !rc.getIsDdl())
                .flatMap(e -> e.rowChange().getRowDatasList().stream())
                .flatMap(r -> java.util.stream.Stream.concat(r.getBeforeColumnsList().stream(), r.getAfterColumnsList().stream()))
                .map(c -> c.getName() + " " + c.getMysqlType()).toList();
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }
}
