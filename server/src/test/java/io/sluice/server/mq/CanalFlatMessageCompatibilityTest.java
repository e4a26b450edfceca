package io.sluice.server.mq;

import static io.sluice.server.mq.MqPublishSettingsTest.props;
import static io.sluice.server.mq.TestEntries.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.fastjson2.JSON;
import com.alibaba.fastjson2.JSONWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.instance.Batch;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What Sluice publishes is read by canal's own {@code com.alibaba.otter.canal.protocol.FlatMessage} (canal.protocol
 * 1.1.8) with fastjson2, as canal-adapter does: every field arrives with its value and type, and canal writing
 * the parsed object back (fastjson2 {@code WriteNulls}, its MQ setting) gives the same bytes.
 */
class CanalFlatMessageCompatibilityTest {

    private final TestEntries e = new TestEntries();
    private final TestEntries.Table user = TestEntries.table("shop", "user");

    private List<MqMessage> publish(io.sluice.server.entry.StoredEntry... entries) {
        return publish(props(), entries);
    }

    private List<MqMessage> publish(java.util.Properties settings, io.sluice.server.entry.StoredEntry... entries) {
        return new MessageBuilder(MqPublishSettings.fromProperties(settings), () -> 1_709_210_096_123L)
                .build(new Batch(42, List.of(entries)));
    }

    private io.sluice.server.entry.StoredEntry twoRowUpdate() {
        return e.update(user,
                List.of(row("id", 1, "name", "Bob", "score", "9.50", "note", null), row("id", 2, "name", "Cy", "score", "1.00", "note", "q")),
                List.of(row("id", 1, "name", "Ann", "score", "9.50", "note", "n"), row("id", 2, "name", "Cy", "score", "2.00", "note", "q")));
    }

    @Test
    void canalsFlatMessageReadsCanalsAccumulatedOldUnderTheCanalCompatibleSwitch() {
        MqMessage m = publish(props("sluice.values.canal-compatible", "true"), twoRowUpdate()).get(0);
        com.alibaba.otter.canal.protocol.FlatMessage canal =
                JSON.parseObject(m.payload(), com.alibaba.otter.canal.protocol.FlatMessage.class);
        // row 2 changed only score; name and note stay in its old by canal's accumulation
        assertThat(canal.getOld()).containsExactly(row("name", "Bob", "note", null), row("name", "Cy", "note", "q", "score", "1.00"));
        assertSameJsonAsCanalWrites(m.payload(), canal);
    }

    @Test
    void canalsFlatMessageReadsAnUpdateWithEveryFieldAndType() {
        MqMessage m = publish(twoRowUpdate()).get(0);

        com.alibaba.otter.canal.protocol.FlatMessage canal =
                JSON.parseObject(m.payload(), com.alibaba.otter.canal.protocol.FlatMessage.class);
        assertThat(canal.getId()).isEqualTo(42L);
        assertThat(canal.getDatabase()).isEqualTo("shop");
        assertThat(canal.getTable()).isEqualTo("user");
        assertThat(canal.getType()).isEqualTo("UPDATE");
        assertThat(canal.getIsDdl()).isFalse();
        assertThat(canal.getEs()).isEqualTo(1_709_210_096_000L);
        assertThat(canal.getTs()).isEqualTo(1_709_210_096_123L);
        assertThat(canal.getSql()).isEmpty();
        assertThat(canal.getGtid()).isEmpty();
        assertThat(canal.getPkNames()).containsExactly("id");
        // fastjson2 reads objects into HashMaps, so column order is not kept on canal's side
        assertThat(canal.getSqlType()).isEqualTo(Map.of("id", 4, "name", 12, "score", 3, "note", 2005));
        assertThat(canal.getSqlType().get("id")).isInstanceOf(Integer.class);
        assertThat(canal.getMysqlType()).containsEntry("score", "decimal(5,2)");
        assertThat(canal.getData()).containsExactly(row("id", "1", "name", "Ann", "score", "9.50", "note", "n"),
                row("id", "2", "name", "Cy", "score", "2.00", "note", "q"));
        // each row's old: the columns that changed in that row
        assertThat(canal.getOld()).containsExactly(row("name", "Bob", "note", null), row("score", "1.00"));

        assertSameJsonAsCanalWrites(m.payload(), canal);
    }

    @Test
    void canalsFlatMessageReadsDdlWithNullRowFieldsAndInsertsWithNullValues() {
        List<MqMessage> out = publish(e.insert(user, List.of(row("id", 9, "name", "z", "score", "0.00", "note", null))),
                e.ddl("shop", "user", CanalEntry.EventType.ALTER, "ALTER TABLE user ADD c INT"));
        com.alibaba.otter.canal.protocol.FlatMessage insert =
                JSON.parseObject(out.get(0).payload(), com.alibaba.otter.canal.protocol.FlatMessage.class);
        assertThat(insert.getData().get(0)).containsEntry("note", null).containsEntry("id", "9");
        assertThat(insert.getOld()).isNull();

        com.alibaba.otter.canal.protocol.FlatMessage ddl =
                JSON.parseObject(out.get(1).payload(), com.alibaba.otter.canal.protocol.FlatMessage.class);
        assertThat(ddl.getIsDdl()).isTrue();
        assertThat(ddl.getType()).isEqualTo("ALTER");
        assertThat(ddl.getSql()).isEqualTo("ALTER TABLE user ADD c INT");
        assertThat(ddl.getData()).isNull();
        assertThat(ddl.getPkNames()).isNull();
        assertThat(ddl.getSqlType()).isNull();
        for (MqMessage m : out) {
            assertSameJsonAsCanalWrites(m.payload(),
                    JSON.parseObject(m.payload(), com.alibaba.otter.canal.protocol.FlatMessage.class));
        }
    }

    /**
     * canal writing back what it read gives the same document: same top-level keys in the same (alphabetical)
     * order, same values and JSON types. Row maps are compared as maps: fastjson2 parsed them into HashMaps.
     */
    private static void assertSameJsonAsCanalWrites(byte[] ours, com.alibaba.otter.canal.protocol.FlatMessage canal) {
        try {
            ObjectMapper mapper = new ObjectMapper();
            JsonNode mine = mapper.readTree(ours);
            JsonNode theirs = mapper.readTree(JSON.toJSONBytes(canal, JSONWriter.Feature.WriteNulls));
            assertThat(fieldNames(mine.fieldNames())).isEqualTo(fieldNames(theirs.fieldNames()));
            assertThat(mine).isEqualTo(theirs);
        } catch (java.io.IOException e) {
            throw new AssertionError(new String(ours, StandardCharsets.UTF_8), e);
        }
    }

    private static List<String> fieldNames(java.util.Iterator<String> names) {
        List<String> out = new java.util.ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }
}
