package io.sluice.server.mq;

import static io.sluice.server.mq.MqPublishSettingsTest.props;
import static io.sluice.server.mq.TestEntries.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.flat.FlatMessage;
import io.sluice.protocol.flat.FlatMessageCodec;
import io.sluice.protocol.packet.CanalPacket;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.instance.Batch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MessageBuilderTest {

    private static final long NOW = 1_709_210_096_123L;
    private final FlatMessageCodec codec = new FlatMessageCodec();
    private final TestEntries e = new TestEntries();
    private final TestEntries.Table user = TestEntries.table("shop", "user");

    private MessageBuilder builder(String... kv) {
        return new MessageBuilder(MqPublishSettings.fromProperties(props(kv)), () -> NOW);
    }

    private List<FlatMessage> flat(List<MqMessage> messages) {
        return messages.stream().map(m -> codec.decode(m.payload())).toList();
    }

    @Test
    void updateBecomesCanalsFlatMessageWithOnlyChangedColumnsInOld() {
        StoredEntry update = e.update(user, List.of(row("id", 1, "name", "Bob", "score", "9.50", "note", "x")),
                List.of(row("id", 1, "name", "Ann", "score", "9.50", "note", null)));
        long executeTime = e.executeTimeMillis();
        List<MqMessage> out = builder().build(new Batch(7, List.of(e.begin(), update, e.end())));

        assertThat(out).hasSize(1);
        assertThat(out.get(0).topic()).isEqualTo("example");
        assertThat(out.get(0).partition()).isZero();
        FlatMessage m = codec.decode(out.get(0).payload());
        assertThat(m.id()).isEqualTo(7);
        assertThat(m.database()).isEqualTo("shop");
        assertThat(m.table()).isEqualTo("user");
        assertThat(m.type()).isEqualTo("UPDATE");
        assertThat(m.isDdl()).isFalse();
        assertThat(m.es()).isEqualTo(executeTime);
        assertThat(m.ts()).isEqualTo(NOW);
        assertThat(m.sql()).isEmpty();
        assertThat(m.gtid()).isEmpty();
        assertThat(m.pkNames()).containsExactly("id");
        assertThat(m.data()).containsExactly(row("id", "1", "name", "Ann", "score", "9.50", "note", null));
        assertThat(m.old()).containsExactly(row("name", "Bob", "note", "x"));
        assertThat(m.sqlType()).containsExactly(Map.entry("id", 4), Map.entry("name", 12), Map.entry("score", 3),
                Map.entry("note", 2005));
        assertThat(m.mysqlType()).containsEntry("score", "decimal(5,2)").containsEntry("id", "int(11)");
        // the JSON itself: canal's key order, NULL kept as JSON null
        assertThat(new String(out.get(0).payload())).startsWith("{\"data\":[{\"id\":\"1\",\"name\":\"Ann\",\"score\":\"9.50\",\"note\":null}]");
    }

    private StoredEntry twoRowUpdateChangingNameThenScore() {
        return e.update(user,
                List.of(row("id", 1, "name", "a", "score", "1.00", "note", "n"), row("id", 2, "name", "b", "score", "2.00", "note", "n")),
                List.of(row("id", 1, "name", "A", "score", "1.00", "note", "n"), row("id", 2, "name", "b", "score", "3.00", "note", "n")));
    }

    @Test
    void eachRowsOldHoldsExactlyTheColumnsThatChangedInThatRow() {
        FlatMessage m = flat(builder().build(new Batch(1, List.of(twoRowUpdateChangingNameThenScore())))).get(0);
        assertThat(m.old()).containsExactly(row("name", "a"), row("score", "2.00"));
    }

    @Test
    void underTheCanalCompatibleSwitchOldAccumulatesChangedColumnNamesAcrossTheRowsAsCanalDoes() {
        FlatMessage m = flat(builder("sluice.values.canal-compatible", "true")
                .build(new Batch(1, List.of(twoRowUpdateChangingNameThenScore())))).get(0);
        // row 2 changed only score, but "name" was flagged in row 1 and stays in canal's set
        assertThat(m.old()).containsExactly(row("name", "a"), row("name", "b", "score", "2.00"));
    }

    @Test
    void perRowOldSurvivesThePkHashSplitIntoPartitions() {
        List<FlatMessage> out = flat(builder("canal.mq.partitionHash", "shop.user:id", "canal.mq.partitionsNum", "8")
                .build(new Batch(1, List.of(twoRowUpdateChangingNameThenScore()))));
        List<Map<String, String>> olds = new ArrayList<>();
        out.forEach(m -> olds.addAll(m.old()));
        assertThat(olds).containsExactlyInAnyOrder(row("name", "a"), row("score", "2.00"));
    }

    @Test
    void insertDeleteAndDdlFillTheirFieldsAsCanalDoes() {
        StoredEntry insert = e.insert(user, List.of(row("id", 5, "name", "x", "score", "0.00", "note", null)));
        StoredEntry delete = e.delete(user, List.of(row("id", 5, "name", "x", "score", "0.00", "note", null)));
        StoredEntry alter = e.ddl("shop", "user", CanalEntry.EventType.ALTER, "ALTER TABLE user ADD c INT");
        List<FlatMessage> out = flat(builder().build(new Batch(3, List.of(e.begin(), insert, e.end(), e.begin(), delete,
                e.end(), alter))));

        assertThat(out).extracting(FlatMessage::type).containsExactly("INSERT", "DELETE", "ALTER");
        assertThat(out.get(0).old()).isNull();
        assertThat(out.get(0).data()).containsExactly(row("id", "5", "name", "x", "score", "0.00", "note", null));
        assertThat(out.get(1).data()).containsExactly(row("id", "5", "name", "x", "score", "0.00", "note", null));
        assertThat(out.get(1).old()).isNull();
        FlatMessage ddl = out.get(2);
        assertThat(ddl.isDdl()).isTrue();
        assertThat(ddl.sql()).isEqualTo("ALTER TABLE user ADD c INT");
        assertThat(ddl.data()).isNull();
        assertThat(ddl.old()).isNull();
        assertThat(ddl.pkNames()).isNull();
        assertThat(ddl.sqlType()).isNull();
        assertThat(ddl.mysqlType()).isNull();
    }

    @Test
    void gtidModeCarriesTheHeadersGtidSet() {
        TestEntries g = new TestEntries().withGtid("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-23");
        FlatMessage m = flat(builder().build(new Batch(1, List.of(g.insert(user, List.of(row("id", 1, "name", "a",
                "score", "1.00", "note", null))))))).get(0);
        assertThat(m.gtid()).isEqualTo("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-23");
    }

    private static int canalPartition(String database, List<String> values, int partitions) {
        int h = database.hashCode();
        for (String v : values) {
            h ^= v.hashCode();
        }
        return Math.abs(Math.abs(h) % partitions);
    }

    @Test
    void pkHashSplitsAnEntrysRowsIntoOneMessagePerPartitionWithCanalsHash() {
        List<Map<String, String>> rows = IntStream.range(0, 40)
                .mapToObj(i -> row("id", i, "name", "n" + i, "score", "1.00", "note", null)).toList();
        List<MqMessage> out = builder("canal.mq.partitionsNum", "4", "canal.mq.partitionHash", ".*\\..*:$pk$")
                .build(new Batch(1, List.of(e.insert(user, rows))));

        Map<String, Integer> partitionOfId = new HashMap<>();
        for (MqMessage m : out) {
            for (Map<String, String> r : codec.decode(m.payload()).data()) {
                partitionOfId.put(r.get("id"), m.partition());
            }
        }
        assertThat(partitionOfId).hasSize(40);
        for (int i = 0; i < 40; i++) {
            assertThat(partitionOfId.get(String.valueOf(i))).as("id %d", i)
                    .isEqualTo(canalPartition("shop", List.of(String.valueOf(i)), 4));
        }
        assertThat(out).extracting(MqMessage::partition).doesNotHaveDuplicates().hasSizeGreaterThan(1);
    }

    @Test
    void partitionHashItemsFirstMatchWinsWithColumnListsTableHashAndDatabaseHashOff() {
        TestEntries.Table order = TestEntries.table("shop", "order");
        TestEntries.Table log = TestEntries.table("logs", "event");
        MessageBuilder b = builder("canal.mq.partitionsNum", "8", "canal.mq.database.hash", "false",
                "canal.mq.partitionHash", "shop.order:id^name,logs\\..*,.*\\..*:$pk$");
        Map<String, String> r = row("id", 3, "name", "z", "score", "1.00", "note", null);

        assertThat(b.build(new Batch(1, List.of(e.insert(order, List.of(r))))).get(0).partition())
                .isEqualTo(Math.abs(Math.abs("3".hashCode() ^ "z".hashCode()) % 8));
        assertThat(b.build(new Batch(2, List.of(e.insert(log, List.of(r))))).get(0).partition())
                .isEqualTo(Math.abs("event".hashCode()) % 8);
        assertThat(b.build(new Batch(3, List.of(e.insert(user, List.of(r))))).get(0).partition())
                .isEqualTo(Math.abs("3".hashCode()) % 8);
        // DDL always to partition 0
        assertThat(b.build(new Batch(4, List.of(e.ddl("shop", "user", CanalEntry.EventType.TRUNCATE, "TRUNCATE user"))))
                .get(0).partition()).isZero();
    }

    @Test
    void withoutPartitionHashTheConfiguredPartitionIsUsed() {
        List<MqMessage> out = builder("canal.mq.partition", "2").build(new Batch(1, List.of(
                e.insert(user, List.of(row("id", 1, "name", "a", "score", "1.00", "note", null))))));
        assertThat(out).extracting(MqMessage::partition).containsExactly(2);
    }

    @Test
    void aLargeEntryIsSplitBetweenRowsBelowTheLimitKeepingRowOrder() {
        String filler = "x".repeat(900);
        List<Map<String, String>> rows = IntStream.range(0, 30)
                .mapToObj(i -> row("id", i, "name", "n", "score", "1.00", "note", filler)).toList();
        List<MqMessage> out = builder("sluice.mq.max.message.bytes", "4096").build(new Batch(1, List.of(e.insert(user, rows))));

        assertThat(out.size()).isGreaterThan(7);
        assertThat(out).allSatisfy(m -> assertThat(m.payload().length).isLessThanOrEqualTo(4096));
        List<String> ids = new ArrayList<>();
        flat(out).forEach(m -> m.data().forEach(r -> ids.add(r.get("id"))));
        assertThat(ids).containsExactlyElementsOf(IntStream.range(0, 30).mapToObj(String::valueOf).toList());
    }

    @Test
    void aSingleRowAboveTheLimitNamesTableAndKeyOrIsSkippedByPolicy() {
        Map<String, String> big = row("id", 77, "name", "n", "score", "1.00", "note", "y".repeat(5000));
        Map<String, String> small = row("id", 78, "name", "n", "score", "1.00", "note", "ok");
        Batch batch = new Batch(1, List.of(e.insert(user, List.of(small, big))));

        assertThatThrownBy(() -> builder("sluice.mq.max.message.bytes", "4096").build(batch))
                .isInstanceOf(OversizeRowException.class)
                .hasMessageContaining("shop.user").hasMessageContaining("id=77").hasMessageContaining("4096");

        MessageBuilder skipping = builder("sluice.mq.max.message.bytes", "4096", "sluice.mq.oversize.policy", "skip");
        List<FlatMessage> out = flat(skipping.build(batch));
        assertThat(out.stream().flatMap(m -> m.data().stream()).map(r -> r.get("id")).toList()).containsExactly("78");
        assertThat(skipping.skippedRows()).isEqualTo(1);

        Batch protoBatch = new Batch(2, List.of(e.insert(user, List.of(big))));
        assertThatThrownBy(() -> builder("canal.mq.flatMessage", "false", "sluice.mq.max.message.bytes", "4096")
                .build(protoBatch)).isInstanceOf(OversizeRowException.class).hasMessageContaining("id=77");
    }

    private static List<CanalEntry.Entry> entries(MqMessage m) throws Exception {
        CanalPacket.Packet packet = CanalPacket.Packet.parseFrom(m.payload());
        assertThat(packet.getType()).isEqualTo(CanalPacket.PacketType.MESSAGES);
        CanalPacket.Messages messages = CanalPacket.Messages.parseFrom(packet.getBody());
        List<CanalEntry.Entry> out = new ArrayList<>();
        for (var bytes : messages.getMessagesList()) {
            out.add(CanalEntry.Entry.parseFrom(bytes));
        }
        return out;
    }

    @Test
    void protobufModeSendsTheStoredEntryBytesInOnePacketPerTarget() throws Exception {
        List<StoredEntry> batch = List.of(e.begin(), e.insert(user, List.of(row("id", 1, "name", "a", "score", "1.00",
                "note", null))), e.end());
        List<MqMessage> out = builder("canal.mq.flatMessage", "false").build(new Batch(9, batch));

        assertThat(out).hasSize(1);
        CanalPacket.Packet packet = CanalPacket.Packet.parseFrom(out.get(0).payload());
        CanalPacket.Messages messages = CanalPacket.Messages.parseFrom(packet.getBody());
        assertThat(messages.getBatchId()).isEqualTo(9);
        assertThat(messages.getMessagesList()).extracting(b -> b.toByteArray())
                .containsExactly(batch.get(0).bytes(), batch.get(1).bytes(), batch.get(2).bytes());

        List<MqMessage> noMarkers = builder("canal.mq.flatMessage", "false", "canal.instance.filter.transaction.entry", "true")
                .build(new Batch(9, batch));
        assertThat(entries(noMarkers.get(0))).extracting(CanalEntry.Entry::getEntryType)
                .containsExactly(CanalEntry.EntryType.ROWDATA);
    }

    @Test
    void protobufModeWithPkHashSendsEachRowAsItsOwnEntryToItsPartition() throws Exception {
        List<Map<String, String>> rows = IntStream.range(0, 20)
                .mapToObj(i -> row("id", i, "name", "n", "score", "1.00", "note", null)).toList();
        List<MqMessage> out = builder("canal.mq.flatMessage", "false", "canal.mq.partitionsNum", "3",
                "canal.mq.partitionHash", "shop\\.user:$pk$").build(new Batch(1, List.of(e.begin(), e.insert(user, rows), e.end())));
        int seen = 0;
        for (MqMessage m : out) {
            for (CanalEntry.Entry entry : entries(m)) {
                assertThat(entry.getEntryType()).isEqualTo(CanalEntry.EntryType.ROWDATA);
                CanalEntry.RowChange rc = CanalEntry.RowChange.parseFrom(entry.getStoreValue());
                assertThat(rc.getRowDatasCount()).isEqualTo(1);
                String id = rc.getRowDatas(0).getAfterColumns(0).getValue();
                assertThat(m.partition()).isEqualTo(canalPartition("shop", List.of(id), 3));
                seen++;
            }
        }
        assertThat(seen).isEqualTo(20);
    }

    @Test
    void protobufModeSplitsPacketsBelowTheLimit() throws Exception {
        String filler = "z".repeat(700);
        List<StoredEntry> batch = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            batch.add(e.insert(user, List.of(row("id", i, "name", "n", "score", "1.00", "note", filler),
                    row("id", 100 + i, "name", "n", "score", "1.00", "note", filler))));
        }
        List<MqMessage> out = builder("canal.mq.flatMessage", "false", "sluice.mq.max.message.bytes", "2048")
                .build(new Batch(1, batch));
        assertThat(out.size()).isGreaterThan(6);
        List<String> ids = new ArrayList<>();
        for (MqMessage m : out) {
            assertThat(m.payload().length).isLessThanOrEqualTo(2048);
            for (CanalEntry.Entry entry : entries(m)) {
                CanalEntry.RowChange.parseFrom(entry.getStoreValue()).getRowDatasList()
                        .forEach(r -> ids.add(r.getAfterColumns(0).getValue()));
            }
        }
        List<String> expected = new ArrayList<>();
        IntStream.range(0, 12).forEach(i -> {
            expected.add(String.valueOf(i));
            expected.add(String.valueOf(100 + i));
        });
        assertThat(ids).containsExactlyElementsOf(expected);
    }

    @Test
    void dynamicTopicsRouteEachEntryAndSkipTransactionMarkers() throws Exception {
        TestEntries.Table order = TestEntries.table("shop", "order");
        TestEntries.Table crm = TestEntries.table("crm", "lead");
        Map<String, String> r = row("id", 1, "name", "a", "score", "1.00", "note", null);
        List<StoredEntry> batch = List.of(e.begin(), e.insert(user, List.of(r)), e.insert(order, List.of(r)),
                e.insert(crm, List.of(r)), e.end());

        List<MqMessage> out = builder("canal.mq.dynamicTopic", "orders:shop\\.order,shop\\..*")
                .build(new Batch(1, batch));
        assertThat(out).extracting(MqMessage::topic).containsExactly("shop_user", "orders", "example");

        List<MqMessage> proto = builder("canal.mq.flatMessage", "false", "canal.mq.dynamicTopic", "orders:shop\\.order,shop\\..*")
                .build(new Batch(1, batch));
        assertThat(proto).extracting(MqMessage::topic).containsExactly("shop_user", "orders", "example");
        for (MqMessage m : proto) {
            assertThat(entries(m)).extracting(CanalEntry.Entry::getEntryType).containsOnly(CanalEntry.EntryType.ROWDATA);
        }
    }

    // ---- merged row messages (sluice.mq.flat.merge.rows) ----

    private static List<Map<String, String>> users(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> row("id", i, "name", "n" + i, "score", "1.00", "note", null))
                .toList();
    }

    private static List<String> ids(List<Map<String, String>> rows) {
        return rows.stream().map(r -> r.get("id")).toList();
    }

    private static List<String> idsFrom(int from, int to) {
        return IntStream.range(from, to).mapToObj(String::valueOf).toList();
    }

    @Test
    void consecutiveRowEntriesOfOneTransactionBecomeOneMessageWithAllRowsInOrder() {
        Batch batch = new Batch(4, List.of(e.begin(), e.insert(user, users(0, 3)), e.insert(user, users(3, 6)),
                e.insert(user, users(6, 10)), e.end()));

        List<FlatMessage> merged = flat(builder().build(batch));
        assertThat(merged).hasSize(1);
        assertThat(merged.get(0).type()).isEqualTo("INSERT");
        assertThat(merged.get(0).old()).isNull();
        assertThat(merged.get(0).pkNames()).containsExactly("id");
        assertThat(ids(merged.get(0).data())).containsExactlyElementsOf(idsFrom(0, 10));

        List<FlatMessage> perEvent = flat(builder("sluice.mq.flat.merge.rows", "false").build(batch));
        assertThat(perEvent).extracting(m -> m.data().size()).containsExactly(3, 3, 4);
    }

    @Test
    void mergedUpdatesKeepEachRowsOwnOld() {
        StoredEntry first = twoRowUpdateChangingNameThenScore();
        StoredEntry second = e.update(user, List.of(row("id", 3, "name", "c", "score", "1.00", "note", "n")),
                List.of(row("id", 3, "name", "c", "score", "1.00", "note", "m")));
        List<FlatMessage> out = flat(builder().build(new Batch(1, List.of(e.begin(), first, second, e.end()))));

        assertThat(out).hasSize(1);
        assertThat(ids(out.get(0).data())).containsExactly("1", "2", "3");
        assertThat(out.get(0).old()).containsExactly(row("name", "a"), row("score", "2.00"), row("note", "n"));
    }

    @Test
    void mergingStopsAtTransactionTableEventTypeAndColumnChanges() {
        TestEntries.Table order = TestEntries.table("shop", "order");
        TestEntries.Table wider = new TestEntries.Table("shop", "user", List.of(new TestEntries.Col("id", 4, "int(11)",
                true), new TestEntries.Col("name", 12, "varchar(64)", false), new TestEntries.Col("score", 3,
                "decimal(5,2)", false), new TestEntries.Col("note", 2005, "text", false),
                new TestEntries.Col("extra", 4, "int(11)", false)));
        // a second transaction with the same execute time and no GTID: told apart by BEGIN/END only
        TestEntries sameSecond = new TestEntries();
        List<StoredEntry> entries = new ArrayList<>(List.of(e.begin(), e.insert(user, users(0, 1)),
                e.insert(user, users(1, 2)), e.insert(order, users(2, 3)), e.insert(user, users(3, 4)),
                e.delete(user, users(3, 4)), e.insert(wider, List.of(row("id", 5, "name", "w", "score", "1.00", "note",
                        null, "extra", 1))), e.end()));
        entries.addAll(List.of(sameSecond.begin(), sameSecond.insert(user, users(6, 7)), sameSecond.end()));

        List<FlatMessage> out = flat(builder().build(new Batch(1, entries)));
        assertThat(out).extracting(m -> m.table() + " " + m.type() + " " + ids(m.data())).containsExactly(
                "user INSERT [0, 1]", "order INSERT [2]", "user INSERT [3]", "user DELETE [3]", "user INSERT [5]",
                "user INSERT [6]");
    }

    @Test
    void aMergedMessageStaysBelowTheSizeLimitAndTheRestStartsTheNext() {
        String filler = "x".repeat(900);
        List<StoredEntry> entries = new ArrayList<>(List.of(e.begin()));
        for (int i = 0; i < 20; i++) {
            entries.add(e.insert(user, List.of(row("id", i, "name", "n", "score", "1.00", "note", filler))));
        }
        entries.add(e.end());
        List<MqMessage> out = builder("sluice.mq.max.message.bytes", "4096").build(new Batch(1, entries));

        assertThat(out).hasSizeBetween(5, 10);
        assertThat(out).allSatisfy(m -> assertThat(m.payload().length).isLessThanOrEqualTo(4096));
        List<String> ids = new ArrayList<>();
        flat(out).forEach(m -> ids.addAll(ids(m.data())));
        assertThat(ids).containsExactlyElementsOf(idsFrom(0, 20));
    }

    @Test
    void rowsHashedToPartitionsMergePerPartitionInCommitOrder() {
        List<StoredEntry> entries = new ArrayList<>(List.of(e.begin()));
        for (int i = 0; i < 5; i++) {
            entries.add(e.insert(user, users(i * 8, i * 8 + 8)));
        }
        entries.add(e.end());
        List<MqMessage> out = builder("canal.mq.partitionsNum", "4", "canal.mq.partitionHash", ".*\\..*:$pk$")
                .build(new Batch(1, entries));

        assertThat(out).extracting(MqMessage::partition).doesNotHaveDuplicates().hasSizeGreaterThan(1);
        int total = 0;
        for (MqMessage m : out) {
            List<String> ids = ids(codec.decode(m.payload()).data());
            total += ids.size();
            assertThat(ids).allSatisfy(id -> assertThat(canalPartition("shop", List.of(id), 4)).isEqualTo(m.partition()));
            assertThat(ids.stream().map(Integer::valueOf).toList()).isSorted();
        }
        assertThat(total).isEqualTo(40);
    }

    @Test
    void withoutTransactionEntriesNothingIsMerged() {
        List<MqMessage> out = builder("canal.instance.filter.transaction.entry", "true").build(new Batch(1, List.of(
                e.insert(user, users(0, 2)), e.insert(user, users(2, 4)))));
        assertThat(out).hasSize(2);
    }
}
