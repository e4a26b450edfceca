package io.sluice.protocol.flat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlatMessageCodecTest {

    private final FlatMessageCodec codec = new FlatMessageCodec();

    private static Map<String, String> row(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void updateIsWrittenWithCanalsKeysInAlphabeticalOrderAndNulls() {
        Map<String, String> mysqlType = new LinkedHashMap<>();
        mysqlType.put("id", "int(11)");
        mysqlType.put("name", "varchar(64)");
        mysqlType.put("score", "decimal(5,2)");
        Map<String, Integer> sqlType = new LinkedHashMap<>();
        sqlType.put("id", 4);
        sqlType.put("name", 12);
        sqlType.put("score", 3);
        FlatMessage m = new FlatMessage(List.of(row("id", "1", "name", "Ann", "score", "9.50")), "shop",
                1709210096000L, "", 7, false, mysqlType, List.of(row("name", "Bob")), List.of("id"), "", sqlType,
                "user", 1709210096123L, "UPDATE");
        assertThat(codec.encodeToString(m)).isEqualTo(
                "{\"data\":[{\"id\":\"1\",\"name\":\"Ann\",\"score\":\"9.50\"}],\"database\":\"shop\",\"es\":1709210096000,"
                        + "\"gtid\":\"\",\"id\":7,\"isDdl\":false,\"mysqlType\":{\"id\":\"int(11)\",\"name\":\"varchar(64)\","
                        + "\"score\":\"decimal(5,2)\"},\"old\":[{\"name\":\"Bob\"}],\"pkNames\":[\"id\"],\"sql\":\"\","
                        + "\"sqlType\":{\"id\":4,\"name\":12,\"score\":3},\"table\":\"user\",\"ts\":1709210096123,\"type\":\"UPDATE\"}");
    }

    @Test
    void ddlHasNullRowFieldsAndNullColumnValuesStayNull() {
        FlatMessage ddl = new FlatMessage(null, "shop", 1709210100000L, "", 8, true, null, null, null,
                "ALTER TABLE user ADD c INT", null, "user", 1709210100050L, "ALTER");
        assertThat(codec.encodeToString(ddl)).isEqualTo(
                "{\"data\":null,\"database\":\"shop\",\"es\":1709210100000,\"gtid\":\"\",\"id\":8,\"isDdl\":true,"
                        + "\"mysqlType\":null,\"old\":null,\"pkNames\":null,\"sql\":\"ALTER TABLE user ADD c INT\","
                        + "\"sqlType\":null,\"table\":\"user\",\"ts\":1709210100050,\"type\":\"ALTER\"}");

        Map<String, String> withNull = row("id", "2");
        withNull.put("note", null);
        FlatMessage insert = new FlatMessage(List.of(withNull), "d", 0, "", 1, false, null, null, null, "", null, "t", 0, "INSERT");
        FlatMessage back = codec.decode(codec.encode(insert));
        assertThat(back.data().get(0)).containsEntry("note", null).containsEntry("id", "2");
        assertThat(back).isEqualTo(insert);
    }

    @Test
    void decodeToleratesUnknownKeysAndRejectsNonJson() {
        FlatMessage m = codec.decode("{\"database\":\"d\",\"table\":\"t\",\"type\":\"DELETE\",\"extra\":1}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(m.type()).isEqualTo("DELETE");
        assertThatThrownBy(() -> codec.decode(Arrays.copyOf(new byte[] {'{', '"'}, 2)))
                .hasMessageContaining("not a FlatMessage");
    }
}
