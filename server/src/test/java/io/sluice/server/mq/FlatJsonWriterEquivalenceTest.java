package io.sluice.server.mq;

import static io.sluice.server.mq.MqPublishSettingsTest.props;
import static io.sluice.server.mq.TestEntries.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.instance.Batch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The direct FlatMessage path ({@link FlatJsonWriter}) gives the very messages of the object path (topic, partition,
 * key, payload bytes) for every entry of every checked-in binlog, in both value modes, and for hand-made entries
 * with the values most likely to differ (escapes, supplementary characters, malformed UTF-8, binary bytes, nulls,
 * minimal images, rows spread over partitions, messages over the size limit), under each combination of the
 * settings that change a FlatMessage.
 */
class FlatJsonWriterEquivalenceTest {

    private static final long NOW = 1_709_210_096_123L;

    private static final String[][] PARTITIONING = {
            {},
            {"canal.mq.partition", "2"},
            {"canal.mq.partitionsNum", "4", "canal.mq.partitionHash", ".*\\..*:$pk$"},
            {"canal.mq.partitionsNum", "3", "canal.mq.partitionHash", ".*\\..*:id^name^c1^missing"},
            {"canal.mq.partitionsNum", "5", "canal.mq.partitionHash", "nothing\\.matches,.*\\..*"},
    };

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void fixtureBinlogsGiveIdenticalMessagesUnderEverySettingCombination() throws Exception {
        List<List<Batch>> valueModes = new ArrayList<>();
        long id = 1;
        for (boolean canalValues : new boolean[] {false, true}) {
            List<Batch> batches = new ArrayList<>();
            valueModes.add(batches);
            for (String fixture : FixtureEntries.fixtures(FixtureEntries.FIXTURES)) {
                List<StoredEntry> entries = FixtureEntries.load(FixtureEntries.FIXTURES, fixture, canalValues);
                for (int i = 0; i < entries.size(); i += 50) {
                    batches.add(new Batch(id++, entries.subList(i, Math.min(entries.size(), i + 50))));
                }
            }
            assertThat(batches).hasSizeGreaterThan(20);
        }
        assertEquivalentUnderEveryCombination(valueModes);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void trickyValuesGiveIdenticalMessagesUnderEverySettingCombination() {
        assertEquivalentUnderEveryCombination(List.of(List.of(new Batch(9, trickyEntries()))));
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void directPathCoversPlainRowsWithoutFallingBack() throws Exception {
        MqPublishSettings s = MqPublishSettings.fromProperties(props("canal.mq.partitionsNum", "4",
                "canal.mq.partitionHash", ".*\\..*:$pk$"));
        FlatJsonWriter writer = new FlatJsonWriter(s, TopicRouter.parse(s.topic(), s.dynamicTopic()),
                PartitionRules.parse(s.partitionHash()), TopicPartitionCounts.parse(s.dynamicTopicPartitionNum(),
                s.partitionsNum()));
        TestEntries e = new TestEntries();
        TestEntries.Table t = TestEntries.table("shop", "user");
        List<FlatPart> out = new ArrayList<>();
        assertThat(writer.write(e.insert(t, List.of(row("id", 1, "name", "a\"b", "score", "1.5", "note", null),
                row("id", 2, "name", "\u00e9\u4e2d\ud83d\ude00", "score", "2.5", "note", "x"))).bytes(), 1, NOW, out)).isTrue();
        assertThat(out).isNotEmpty();
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void packetIsWrittenAsProtobufWritesIt() {
        TestEntries e = new TestEntries();
        List<ByteString> entries = List.of(ByteString.copyFrom(e.begin().bytes()),
                ByteString.copyFrom(e.insert(TestEntries.table("a", "b"), List.of(row("id", 1, "name", "x".repeat(300),
                        "score", "1", "note", null))).bytes()), ByteString.copyFrom(e.end().bytes()));
        for (long batchId : new long[] {0, 1, 300, Long.MAX_VALUE, -1}) {
            for (int n = 1; n <= entries.size(); n++) {
                assertThat(MessageBuilder.packet(batchId, entries.subList(0, n))).as("batch %d, %d entries", batchId, n)
                        .isEqualTo(MessageBuilder.packetViaObjects(batchId, entries.subList(0, n)));
            }
        }
    }

    /**
     * @param variants entries to build; each block of combinations (every partitioning under one setting of the
     *                 other keys) takes the next variant in turn, which keeps the run short
     */
    private static void assertEquivalentUnderEveryCombination(List<List<Batch>> variants) {
        int combination = 0;
        long mergedAway = 0;
        for (String flat : List.of("true", "false")) {
        for (String compat : List.of("false", "true")) {
            for (String binary : List.of("iso-8859-1", "base64")) {
                for (String ddl : List.of("same-topic", "ddl-topic", "none")) {
                    for (String[] partitioning : PARTITIONING) {
                        combination++;
                        if (flat.equals("false") && (binary.equals("base64") || !ddl.equals("same-topic"))) {
                            continue; // settings of FlatMessage only
                        }
                        List<String> kv = new ArrayList<>(List.of("canal.mq.flatMessage", flat,
                                "sluice.values.canal-compatible", compat,
                                "sluice.mq.binary.encoding", binary, "sluice.mq.ddl", ddl, "sluice.mq.ddl.topic", "ddl",
                                "canal.mq.database.hash", String.valueOf(combination % 2 == 0)));
                        kv.addAll(Arrays.asList(partitioning));
                        if (combination % 3 == 0) {
                            kv.addAll(List.of("canal.mq.dynamicTopic", "shop\\..*,.*\\..*"));
                        }
                        if ((combination - 1) / PARTITIONING.length % 3 == 1) {
                            kv.addAll(List.of("sluice.mq.flat.merge.rows", "false"));
                        }
                        if (combination % 4 == 1) {
                            kv.addAll(List.of("sluice.mq.max.message.bytes", "1024", "sluice.mq.oversize.policy", "skip"));
                        }
                        MqPublishSettings s = MqPublishSettings.fromProperties(props(kv.toArray(String[]::new)));
                        MessageBuilder objects = new MessageBuilder(s, () -> NOW, false);
                        MessageBuilder direct = new MessageBuilder(s, () -> NOW, true);
                        MessageBuilder unmerged = s.mergeFlatRows() && s.flatMessage() ? new MessageBuilder(
                                MqPublishSettings.fromProperties(props(withMergeOff(kv))), () -> NOW, true) : null;
                        List<Batch> batches = variants.get((combination - 1) / PARTITIONING.length % variants.size());
                        for (Batch b : batches) {
                            List<MqMessage> expected = objects.build(b);
                            List<MqMessage> actual = direct.build(b);
                            if (unmerged != null) {
                                mergedAway += unmerged.build(b).size() - actual.size();
                            }
                            assertThat(actual.size()).as("%s batch %d: messages", kv, b.id()).isEqualTo(expected.size());
                            for (int i = 0; i < expected.size(); i++) {
                                MqMessage x = expected.get(i);
                                MqMessage a = actual.get(i);
                                assertThat(a.topic()).as("%s batch %d message %d topic", kv, b.id(), i).isEqualTo(x.topic());
                                assertThat(a.partition()).as("%s batch %d message %d partition", kv, b.id(), i)
                                        .isEqualTo(x.partition());
                                assertThat(a.key()).as("%s batch %d message %d key", kv, b.id(), i).isEqualTo(x.key());
                                assertThat(new String(a.payload(), StandardCharsets.UTF_8))
                                        .as("%s batch %d message %d", kv, b.id(), i)
                                        .isEqualTo(new String(x.payload(), StandardCharsets.UTF_8));
                                assertThat(a.payload()).as("%s batch %d message %d bytes", kv, b.id(), i)
                                        .isEqualTo(x.payload());
                            }
                            assertThat(direct.skippedRows()).isEqualTo(objects.skippedRows());
                        }
                    }
                }
            }
        }
        }
        // the merge must have happened somewhere, or the merged bytes were never compared
        assertThat(mergedAway).as("messages saved by merging").isPositive();
    }

    private static String[] withMergeOff(List<String> kv) {
        List<String> off = new ArrayList<>(kv);
        off.addAll(List.of("sluice.mq.flat.merge.rows", "false"));
        return off.toArray(String[]::new);
    }

    /** Entries whose values and shapes are where a hand-written JSON writer would most likely differ. */
    private static List<StoredEntry> trickyEntries() {
        TestEntries e = new TestEntries().withGtid("0-1-42");
        TestEntries.Table user = TestEntries.table("shop", "user");
        List<StoredEntry> out = new ArrayList<>();
        StringBuilder controls = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            controls.append(c);
        }
        controls.append("\"\\/\u007f\u0080\u00ff\u07ff\u0800\uffff\u2028");
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(row("id", i, "name", i % 3 == 0 ? controls.toString() : "n\u00e9-\u4e2d-\ud83d\ude00-" + i,
                    "score", i % 5 == 0 ? null : i + ".5", "note", i % 2 == 0 ? "x".repeat(i * 10) : null));
        }
        out.add(e.begin());
        out.add(e.insert(user, rows));
        out.add(e.update(user, rows, rows.stream().map(r -> row("id", r.get("id"), "name", "changed", "score",
                r.get("score"), "note", "y")).toList()));
        out.add(e.delete(user, rows.subList(0, 7)));
        out.add(e.end());
        out.add(e.ddl("shop", "user", CanalEntry.EventType.ALTER, "ALTER TABLE user ADD c1 INT -- \"\u00e9\t\""));
        out.add(e.ddl("shop", "", CanalEntry.EventType.QUERY, "FLUSH TABLES"));
        out.add(e.insert(user, List.of(row("id", 1, "name", "x".repeat(3000), "score", "1", "note", null))));
        out.add(handMade(CanalEntry.EventType.INSERT, false));
        out.add(handMade(CanalEntry.EventType.UPDATE, false));
        out.add(handMade(CanalEntry.EventType.DELETE, false));
        out.add(handMade(CanalEntry.EventType.UPDATE, true));
        // runs that merge: several entries of one transaction, table and shape, in and out of the size limit
        out.add(e.begin());
        out.add(e.insert(user, rows.subList(0, 5)));
        out.add(e.insert(user, rows.subList(0, 13)));
        out.add(e.insert(user, rows.subList(0, 2)));
        out.add(e.update(user, rows.subList(0, 9), rows.subList(1, 10)));
        out.add(e.update(user, rows.subList(0, 4), rows.subList(4, 8)));
        out.add(e.delete(user, rows.subList(0, 3)));
        out.add(e.delete(user, rows.subList(0, 6)));
        out.add(e.insert(TestEntries.table("shop", "order"), rows.subList(0, 2)));
        out.add(e.insert(user, rows.subList(0, 1)));
        out.add(e.insert(user, List.of(row("id", 0, "name", "x".repeat(3000), "score", "1", "note", null))));
        out.add(e.insert(user, rows.subList(0, 1)));
        out.add(e.end());
        out.add(handMade(CanalEntry.EventType.INSERT, false));
        out.add(handMade(CanalEntry.EventType.INSERT, false));
        out.add(handMade(CanalEntry.EventType.UPDATE, false));
        out.add(handMade(CanalEntry.EventType.UPDATE, false));
        return out;
    }

    /**
     * A table with a binary column (every byte value as canal's ISO-8859-1 text), malformed UTF-8 in a text value,
     * a minimal before image, an absent value field, and (when asked) a row with a column name twice.
     */
    private static StoredEntry handMade(CanalEntry.EventType type, boolean duplicateName) {
        StringBuilder latin1 = new StringBuilder();
        for (int b = 0; b < 256; b++) {
            latin1.append((char) b);
        }
        CanalEntry.RowChange.Builder rc = CanalEntry.RowChange.newBuilder().setEventType(type);
        for (int r = 0; r < 6; r++) {
            List<CanalEntry.Column> after = new ArrayList<>();
            after.add(CanalEntry.Column.newBuilder().setName("id").setSqlType(4).setMysqlType("int").setIsKey(true)
                    .setValue(String.valueOf(r)).setUpdated(r % 2 == 0).build());
            after.add(CanalEntry.Column.newBuilder().setName("c1").setSqlType(-3).setMysqlType("varbinary(300)")
                    .setValue(latin1.substring(r * 40)).setUpdated(true).build());
            after.add(CanalEntry.Column.newBuilder().setName("t").setSqlType(12).setMysqlType("varchar(9)")
                    .setValueBytes(ByteString.copyFrom(new byte[] {'a', (byte) 0xC3, 'b', (byte) 0xED, (byte) 0xA0,
                            (byte) 0x80, (byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}))
                    .setUpdated(r % 3 == 0).build());
            after.add(CanalEntry.Column.newBuilder().setName("absent").setSqlType(2004).setMysqlType("blob")
                    .setUpdated(r == 1).build());
            if (duplicateName && r == 3) {
                after.add(CanalEntry.Column.newBuilder().setName("t").setSqlType(12).setValue("twice").build());
            }
            List<CanalEntry.Column> before = List.of(
                    CanalEntry.Column.newBuilder().setName("id").setSqlType(4).setValue(String.valueOf(r)).build(),
                    CanalEntry.Column.newBuilder().setName("c1").setSqlType(-3).setValue("\u0000\u00ff").build(),
                    CanalEntry.Column.newBuilder().setName("gone").setSqlType(12).setValue("g").build(),
                    CanalEntry.Column.newBuilder().setName("t").setSqlType(12).setIsNull(true).build());
            CanalEntry.RowData.Builder row = CanalEntry.RowData.newBuilder();
            if (type == CanalEntry.EventType.DELETE) {
                row.addAllBeforeColumns(after);
            } else {
                row.addAllAfterColumns(after);
                if (type == CanalEntry.EventType.UPDATE) {
                    row.addAllBeforeColumns(before);
                }
            }
            rc.addRowDatas(row);
        }
        CanalEntry.Header header = CanalEntry.Header.newBuilder().setSchemaName("bin").setTableName("b\u00e9")
                .setExecuteTime(1_000).setGtid("g\"1").build();
        byte[] bytes = CanalEntry.Entry.newBuilder().setHeader(header).setEntryType(CanalEntry.EntryType.ROWDATA)
                .setStoreValue(rc.build().toByteString()).build().toByteArray();
        StoredEntry anyRow = new TestEntries().begin();
        return new StoredEntry(bytes, anyRow.position(), anyRow.resume(), StoredEntry.Kind.ROW_DATA, "bin", "b\u00e9");
    }
}
