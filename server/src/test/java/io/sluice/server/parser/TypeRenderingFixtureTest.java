package io.sluice.server.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.Column;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code mariadb-types.bin} (see {@code mariadb-types.sql}): every column type with extreme values, checked
 * value by value against the rendering rules of CANAL-PROTOCOL.md §3.5 — Sluice's exact values by default, canal's
 * strings with the canal-compatible switch — plus sqlType, mysqlType, key and updated flags and the entry framing.
 */
class TypeRenderingFixtureTest {

    private static List<ParsedEntry> exact;
    private static List<ParsedEntry> canal;

    @BeforeAll
    static void decode() throws Exception {
        exact = FixtureDecodingTest.decode("mariadb/mariadb-types.bin", false);
        canal = FixtureDecodingTest.decode("mariadb/mariadb-types.bin", true);
    }

    private static List<CanalEntry.RowData> rows(List<ParsedEntry> entries) {
        List<CanalEntry.RowData> rows = new ArrayList<>();
        for (ParsedEntry e : entries) {
            if (e.payload() instanceof CanalEntry.RowChange rc && !rc.getIsDdl()) {
                rows.addAll(rc.getRowDatasList());
            }
        }
        return rows;
    }

    private static Column col(List<Column> columns, String name) {
        return columns.stream().filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no column " + name));
    }

    private static Column after(List<ParsedEntry> entries, int row, String name) {
        return col(rows(entries).get(row).getAfterColumnsList(), name);
    }

    @Test
    void integersAreUnsignedFromTheSchemaWithCanalsSqlTypeBumps() {
        assertThat(after(exact, 0, "c_tinyint_u").getValue()).isEqualTo("255");
        assertThat(after(exact, 0, "c_tinyint_u").getSqlType()).isEqualTo(Types.SMALLINT);
        assertThat(after(exact, 0, "c_smallint_u").getValue()).isEqualTo("65535");
        assertThat(after(exact, 0, "c_smallint_u").getSqlType()).isEqualTo(Types.INTEGER);
        assertThat(after(exact, 0, "c_mediumint_u").getValue()).isEqualTo("16777215");
        assertThat(after(exact, 0, "c_int_u").getValue()).isEqualTo("4294967295");
        assertThat(after(exact, 0, "c_int_u").getSqlType()).isEqualTo(Types.BIGINT);
        assertThat(after(exact, 0, "c_bigint_u").getValue()).isEqualTo("18446744073709551615");
        assertThat(after(exact, 0, "c_bigint_u").getSqlType()).isEqualTo(Types.DECIMAL);
        assertThat(after(exact, 3, "c_int_u").getValue()).isEqualTo("2147483648");
        assertThat(after(exact, 3, "c_bigint_u").getValue()).isEqualTo("9223372036854775808");
        // below the signed maximum the sqlType stays the column's own
        assertThat(after(exact, 1, "c_int_u").getValue()).isEqualTo("0");
        assertThat(after(exact, 1, "c_int_u").getSqlType()).isEqualTo(Types.INTEGER);
        assertThat(after(exact, 1, "c_bigint").getValue()).isEqualTo("-9223372036854775808");
        assertThat(after(exact, 0, "c_tinyint_u").getMysqlType()).isEqualTo("tinyint(3) unsigned");
    }

    @Test
    void decimalsKeepTheirDeclaredScale() {
        assertThat(after(exact, 0, "c_dec65_30").getValue())
                .isEqualTo("99999999999999999999999999999999999.999999999999999999999999999999");
        assertThat(after(exact, 1, "c_dec65_30").getValue())
                .isEqualTo("-99999999999999999999999999999999999.999999999999999999999999999999");
        assertThat(after(exact, 3, "c_dec65_30").getValue()).isEqualTo("0.000000000000000000000000000001");
        assertThat(after(exact, 1, "c_dec10_4").getValue()).isEqualTo("-0.0001");
        assertThat(after(exact, 3, "c_dec10_4").getValue()).isEqualTo("-1234.5678");
        assertThat(after(exact, 3, "c_dec18_0").getValue()).isEqualTo("0");
        assertThat(after(exact, 3, "c_dec5_2").getSqlType()).isEqualTo(Types.DECIMAL);
    }

    @Test
    void temporalValuesHaveMicrosecondsNegativeAndLongTimesZeroDates() {
        assertThat(after(exact, 0, "c_time6").getValue()).isEqualTo("838:59:59.000000");
        assertThat(after(exact, 1, "c_time6").getValue()).isEqualTo("-838:59:59.000000");
        assertThat(after(exact, 1, "c_time0").getValue()).isEqualTo("-838:59:59");
        assertThat(after(exact, 3, "c_time6").getValue()).isEqualTo("-00:00:01.500000");
        assertThat(after(exact, 3, "c_time0").getValue()).isEqualTo("25:30:00");
        assertThat(after(exact, 0, "c_datetime6").getValue()).isEqualTo("9999-12-31 23:59:59.999999");
        assertThat(after(exact, 3, "c_datetime6").getValue()).isEqualTo("2024-02-29 12:34:56.789012");
        // TIMESTAMP is an epoch; the test decodes in UTC ('2024-01-02 03:04:05.123456' at +05:30)
        assertThat(after(exact, 3, "c_timestamp6").getValue()).isEqualTo("2024-01-01 21:34:05.123456");
        assertThat(after(exact, 0, "c_timestamp6").getValue()).isEqualTo("2038-01-19 03:14:07.999999");
        assertThat(after(exact, 4, "c_date").getValue()).isEqualTo("0000-00-00");
        assertThat(after(exact, 4, "c_datetime6").getValue()).isEqualTo("0000-00-00 00:00:00.000000");
        assertThat(after(exact, 4, "c_timestamp6").getValue()).isEqualTo("0000-00-00 00:00:00.000000");
        assertThat(after(exact, 4, "c_timestamp0").getValue()).isEqualTo("0000-00-00 00:00:00");
        assertThat(after(exact, 4, "c_year").getValue()).isEqualTo("0000");
        assertThat(after(exact, 0, "c_year").getValue()).isEqualTo("2155");
        assertThat(after(exact, 0, "c_year").getSqlType()).isEqualTo(Types.VARCHAR);
        assertThat(after(exact, 0, "c_time6").getSqlType()).isEqualTo(Types.TIME);
        assertThat(after(exact, 0, "c_timestamp6").getSqlType()).isEqualTo(Types.TIMESTAMP);
        assertThat(after(exact, 0, "c_date").getSqlType()).isEqualTo(Types.DATE);
    }

    @Test
    void stringsUseTheColumnCharsetAndBinaryIsPaddedLatin1() {
        assertThat(after(exact, 0, "c_char").getValue()).isEqualTo("héllo 😀");
        assertThat(after(exact, 0, "c_text").getValue()).isEqualTo("text with emoji 😀🎉 and CJK 中文");
        assertThat(after(exact, 0, "c_text").getSqlType()).isEqualTo(Types.CLOB);
        assertThat(after(exact, 0, "c_latin1_char").getValue()).isEqualTo("Ça déjà");
        assertThat(after(exact, 0, "c_latin1_text").getValue()).isEqualTo("Ærø Ålborg ÿ");
        assertThat(after(exact, 3, "c_char").getValue()).isEqualTo("a"); // CHAR loses trailing spaces in MySQL
        assertThat(after(exact, 3, "c_varchar_short").getValue()).isEqualTo("trail  ");
        assertThat(after(exact, 0, "c_binary").getValue()).isEqualTo("\u00de\u00ad\u00be\u00ef");
        assertThat(after(exact, 1, "c_binary").getValue()).isEqualTo("\0\0\0\0");
        assertThat(after(canal, 1, "c_binary").getValue()).isEqualTo("");
        assertThat(after(exact, 3, "c_varbinary").getValue()).isEqualTo("\0");
        assertThat(after(exact, 0, "c_binary").getSqlType()).isEqualTo(Types.BLOB);
        assertThat(after(exact, 0, "c_blob").getValue()).isEqualTo("\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\n\u000b\u000c\r\u000e\u000f\u0010");
        assertThat(after(exact, 0, "c_point").getValue().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
                .hasSize(25).startsWith(0, 0, 0, 0, 1, 1, 0, 0, 0);
    }

    @Test
    void enumAndSetAreLabelsOrCanalsIndexAndBitmask() {
        assertThat(after(exact, 0, "c_enum").getValue()).isEqualTo("large");
        assertThat(after(exact, 0, "c_set").getValue()).isEqualTo("red,green,blue");
        assertThat(after(exact, 1, "c_set").getValue()).isEqualTo("");
        assertThat(after(canal, 0, "c_enum").getValue()).isEqualTo("3");
        assertThat(after(canal, 0, "c_set").getValue()).isEqualTo("7");
        assertThat(after(canal, 3, "c_set").getValue()).isEqualTo("2");
        assertThat(after(exact, 0, "c_enum").getSqlType()).isEqualTo(Types.INTEGER);
        assertThat(after(exact, 0, "c_set").getSqlType()).isEqualTo(Types.BIT);
        assertThat(after(exact, 2, "c_set").getSqlType()).isEqualTo(Types.BLOB); // canal's NULL SET
        assertThat(after(exact, 0, "c_enum").getMysqlType()).isEqualTo("enum('small','medium','large')");
    }

    @Test
    void bitsJsonAndMariadbTypes() {
        assertThat(after(exact, 0, "c_bit1").getValue()).isEqualTo("1");
        assertThat(after(exact, 0, "c_bit10").getValue()).isEqualTo("1023");
        assertThat(after(exact, 3, "c_bit10").getValue()).isEqualTo("513");
        assertThat(after(exact, 0, "c_bit64").getValue()).isEqualTo("18446744073709551615");
        assertThat(after(exact, 3, "c_bit64").getValue()).isEqualTo("9223372036854775809");
        assertThat(after(exact, 0, "c_json").getValue())
                .isEqualTo("{\"a\": 1, \"b\": [true, false, null], \"s\": \"😀\", \"n\": 1.5e10}");
        assertThat(after(exact, 0, "c_inet6").getValue()).isEqualTo("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        assertThat(after(exact, 1, "c_inet6").getValue()).isEqualTo("::");
        assertThat(after(exact, 3, "c_inet6").getValue()).isEqualTo("2001:db8::1");
        assertThat(after(exact, 3, "c_uuid").getValue()).isEqualTo("123e4567-e89b-12d3-a456-426614174000");
        assertThat(after(exact, 1, "c_uuid").getValue()).isEqualTo("00000000-0000-0000-0000-000000000000");
    }

    @Test
    void nullsHaveNoValueAndTheirTypesSqlType() {
        Column c = after(exact, 2, "c_varchar");
        assertThat(c.getIsNull()).isTrue();
        assertThat(c.hasValue()).isFalse();
        assertThat(c.getSqlType()).isEqualTo(Types.VARCHAR);
        assertThat(after(exact, 2, "c_blob").getSqlType()).isEqualTo(Types.BLOB);
        assertThat(after(exact, 2, "c_text").getSqlType()).isEqualTo(Types.CLOB);
    }

    @Test
    void updatesCarryBeforeAndAfterWithCanalsUpdatedFlags() {
        CanalEntry.RowData update = rows(exact).get(5); // UPDATE ... SET c_int_u = 0, c_varchar = ..., c_json = ... WHERE id = 1
        assertThat(col(update.getBeforeColumnsList(), "c_int_u").getValue()).isEqualTo("4294967295");
        assertThat(col(update.getAfterColumnsList(), "c_int_u").getValue()).isEqualTo("0");
        List<String> updated = update.getAfterColumnsList().stream().filter(Column::getUpdated).map(Column::getName).toList();
        assertThat(updated).containsExactly("c_int_u", "c_varchar", "c_json");
        assertThat(update.getBeforeColumnsList()).allMatch(c -> !c.getUpdated());
        CanalEntry.RowData fromNull = rows(exact).get(6); // id 3: NULL -> 42
        assertThat(col(fromNull.getAfterColumnsList(), "c_int").getUpdated()).isTrue();
        assertThat(col(fromNull.getAfterColumnsList(), "c_blob").getUpdated()).isFalse();
        CanalEntry.RowData insert = rows(exact).get(0);
        assertThat(insert.getAfterColumnsList()).allMatch(Column::getUpdated);
        assertThat(col(insert.getAfterColumnsList(), "id").getIsKey()).isTrue();
        assertThat(col(insert.getAfterColumnsList(), "c_int").getIsKey()).isFalse();
    }

    @Test
    void transactionsAreFramedWithHeadersAsCanalFillsThem() {
        ParsedEntry begin = exact.stream().filter(e -> e.entryType() == CanalEntry.EntryType.TRANSACTIONBEGIN)
                .findFirst().orElseThrow();
        int i = exact.indexOf(begin);
        ParsedEntry rowsEntry = exact.get(i + 1);
        ParsedEntry end = exact.get(i + 2);
        assertThat(begin.header().hasEventType()).isFalse();
        assertThat(begin.header().getSchemaName()).isEmpty();
        assertThat(rowsEntry.header().getLogfileName()).isEqualTo("mariadb-types.bin");
        assertThat(rowsEntry.header().getLogfileOffset()).isEqualTo(2570);
        assertThat(rowsEntry.header().getServerId()).isEqualTo(1);
        assertThat(rowsEntry.header().getServerenCode()).isEqualTo("UTF-8");
        assertThat(rowsEntry.header().getExecuteTime()).isEqualTo(1_700_000_000_000L);
        assertThat(rowsEntry.header().getEventType()).isEqualTo(CanalEntry.EventType.INSERT);
        assertThat(rowsEntry.header().getSchemaName()).isEqualTo("fx_types");
        assertThat(rowsEntry.header().getTableName()).isEqualTo("all_types");
        assertThat(rowsEntry.header().getGtid()).isEqualTo("0-1-3");
        assertThat(rowsEntry.header().getPropsList()).extracting(CanalEntry.Pair::getKey, CanalEntry.Pair::getValue)
                .contains(org.assertj.core.groups.Tuple.tuple("rowsCount", "1"),
                        org.assertj.core.groups.Tuple.tuple("curtGtid", "0-1-3"));
        assertThat(end.entryType()).isEqualTo(CanalEntry.EntryType.TRANSACTIONEND);
        assertThat(((CanalEntry.TransactionEnd) end.payload()).getTransactionId()).isEqualTo("17");
        // resume points: inside the transaction its start (GTID set before it) + ordinal, after END the boundary
        assertThat(rowsEntry.resume().position().offset()).isEqualTo(2366);
        assertThat(rowsEntry.resume().position().gtidSet()).isEqualTo("0-1-2");
        assertThat(rowsEntry.resume().skipEntries()).isEqualTo(2);
        assertThat(end.resume().skipEntries()).isZero();
        assertThat(end.resume().position().offset()).isEqualTo(3779);
        assertThat(end.resume().position().gtidSet()).isEqualTo("0-1-3");
        assertThat(end.kind()).isEqualTo(StoredEntry.Kind.TRANSACTION_END);
    }
}
