package io.sluice.client.rows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.sluice.client.SluiceClientException;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.Column;
import io.sluice.protocol.entry.CanalEntry.EventType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EntryViewTest {

    private final EntryView view = new EntryView();

    // ---- agreement with protobuf-java on real entries ----------------------------------------------------------

    static java.util.stream.Stream<String> fixtures() throws Exception {
        return FixtureEntryBytes.fixtures();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void readsEveryFixtureEntryAsProtobufDoes(String fixture) throws Exception {
        for (boolean canalValues : new boolean[] {false, true}) {
            List<byte[]> entries = FixtureEntryBytes.entries(fixture, canalValues);
            for (int i = 0; i < entries.size(); i++) {
                assertAgrees(received(entries.get(i)), fixture + " entry " + i + " (canal values " + canalValues + ")");
            }
        }
    }

    @Test
    void theFixturesHoldEntriesOfEveryKindTheTestMeansToCover() throws Exception {
        int rows = 0, ddl = 0, begins = 0, nulls = 0, props = 0;
        for (String fixture : fixtures().toList()) {
            for (byte[] bytes : FixtureEntryBytes.entries(fixture, false)) {
                CanalEntry.Entry e = CanalEntry.Entry.parseFrom(bytes);
                begins += e.getEntryType() == CanalEntry.EntryType.TRANSACTIONBEGIN ? 1 : 0;
                props += e.getHeader().getPropsCount() > 0 ? 1 : 0;
                if (e.getEntryType() == CanalEntry.EntryType.ROWDATA) {
                    CanalEntry.RowChange rc = CanalEntry.RowChange.parseFrom(e.getStoreValue());
                    ddl += rc.getIsDdl() ? 1 : 0;
                    rows += rc.getRowDatasCount();
                    nulls += (int) rc.getRowDatasList().stream().flatMap(r -> r.getAfterColumnsList().stream())
                            .filter(Column::getIsNull).count();
                }
            }
        }
        assertThat(rows).isGreaterThan(1000);
        assertThat(ddl).isGreaterThan(10);
        assertThat(begins).isGreaterThan(10);
        assertThat(nulls).isGreaterThan(10);
        assertThat(props).isGreaterThan(100);
    }

    // ---- agreement on hand-built entries protobuf allows and real servers rarely send ----------------------------

    @Test
    void nullsEmptyStringsMultibyteAndBinaryValuesReadAsProtobufReadsThem() throws Exception {
        String binary = new String(new byte[] {0, 1, (byte) 0x7F, (byte) 0x80, (byte) 0xFF}, StandardCharsets.ISO_8859_1);
        CanalEntry.RowChange change = CanalEntry.RowChange.newBuilder().setTableId(42).setEventType(EventType.UPDATE)
                .addRowDatas(CanalEntry.RowData.newBuilder()
                        .addBeforeColumns(col(0, "id", "7").setIsKey(true))
                        .addBeforeColumns(col(1, "名前", "ünïcødé ✓ 𝄞").setMysqlType("varchar(64)"))
                        .addAfterColumns(col(0, "id", "7").setIsKey(true))
                        .addAfterColumns(col(1, "名前", "").setUpdated(true))
                        .addAfterColumns(Column.newBuilder().setIndex(2).setName("n").setIsNull(true).setSqlType(4))
                        .addAfterColumns(col(3, "b", binary).setSqlType(2004).setMysqlType("blob")))
                .addRowDatas(CanalEntry.RowData.newBuilder()) // a row with no images at all
                .build();
        CanalEntry.Entry entry = rowEntry("s", "t", change);

        assertAgrees(received(entry.toByteArray()), "hand-built");
        RowCursor rows = view.wrap(received(entry.toByteArray())).rowChange();
        assertThat(rows.next()).isTrue();
        RowImage after = rows.after();
        assertThat(after.value(after.find("名前"))).isEmpty();
        assertThat(rows.before().value(1)).isEqualTo("ünïcødé ✓ 𝄞");
        assertThat(rows.before().valueBytes(1).toStringUtf8()).isEqualTo("ünïcødé ✓ 𝄞");
        assertThat(after.isNull(2)).isTrue();
        assertThat(after.value(2)).isEmpty();
        assertThat(after.value(3).getBytes(StandardCharsets.ISO_8859_1)).containsExactly(0, 1, 0x7F, 0x80, 0xFF);
        assertThat(rows.next()).isTrue();
        assertThat(rows.before().size()).isZero();
        assertThat(rows.after().isEmpty()).isTrue();
        assertThat(rows.next()).isFalse();
    }

    @Test
    void ddlAndXaEntriesCarryTheirSqlSchemaAndProps() throws Exception {
        CanalEntry.RowChange ddl = CanalEntry.RowChange.newBuilder().setEventType(EventType.ALTER).setIsDdl(true)
                .setSql("ALTER TABLE t ADD c INT").setDdlSchemaName("shop").build();
        CanalEntry.RowChange xa = CanalEntry.RowChange.newBuilder().setEventType(EventType.XACOMMIT)
                .setSql("XA COMMIT 'x'").addProps(pair("XA_TYPE", "XA COMMIT")).addProps(pair("XA_XID", " 'x'"))
                .build();
        for (CanalEntry.RowChange change : List.of(ddl, xa)) {
            CanalEntry.Entry entry = rowEntry("shop", "t", change);
            assertAgrees(received(entry.toByteArray()), change.getSql());
        }
        RowCursor rows = view.wrap(received(rowEntry("shop", "t", ddl).toByteArray())).rowChange();
        assertThat(rows.isDdl()).isTrue();
        assertThat(rows.sql()).isEqualTo("ALTER TABLE t ADD c INT");
        assertThat(rows.ddlSchemaName()).isEqualTo("shop");
        assertThat(rows.rowCount()).isZero();
        assertThat(view.wrap(received(rowEntry("shop", "t", xa).toByteArray())).rowChange().props())
                .extracting(CanalEntry.Pair::getValue).containsExactly("XA COMMIT", " 'x'");
    }

    @Test
    void absentFieldsReadAsProto2Defaults() throws Exception {
        assertAgrees(received(new byte[0]), "empty entry");
        view.wrap(ByteString.EMPTY);
        assertThat(view.entryType()).isEqualTo(CanalEntry.EntryType.ROWDATA);
        assertThat(view.version()).isEqualTo(1);
        assertThat(view.sourceType()).isEqualTo(CanalEntry.Type.MYSQL);
        assertThat(view.eventType()).isEqualTo(EventType.UPDATE);
        assertThat(view.rowChange().eventType()).isEqualTo(EventType.UPDATE);
        assertThat(view.schemaName()).isEmpty();
    }

    @Test
    void unknownFieldsOfEveryWireTypeAreSkippedAtEveryLevel() throws Exception {
        UnknownFieldSet unknown = UnknownFieldSet.newBuilder()
                .addField(90, UnknownFieldSet.Field.newBuilder().addVarint(-1).build())
                .addField(91, UnknownFieldSet.Field.newBuilder().addFixed32(7).addFixed64(8).build())
                .addField(92, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("zz")).build())
                .addField(93, UnknownFieldSet.Field.newBuilder().addGroup(UnknownFieldSet.newBuilder()
                        .addField(1, UnknownFieldSet.Field.newBuilder().addVarint(5).build()).build()).build())
                .build();
        CanalEntry.RowChange change = CanalEntry.RowChange.newBuilder().setEventType(EventType.INSERT)
                .setUnknownFields(unknown)
                .addRowDatas(CanalEntry.RowData.newBuilder().setUnknownFields(unknown)
                        .addAfterColumns(col(0, "id", "1").setUnknownFields(unknown)
                                .addProps(CanalEntry.Pair.newBuilder().setKey("k").setValue("v").setUnknownFields(unknown))))
                .build();
        CanalEntry.Entry entry = CanalEntry.Entry.newBuilder().setEntryType(CanalEntry.EntryType.ROWDATA)
                .setHeader(CanalEntry.Header.newBuilder().setSchemaName("s").setTableName("t").setUnknownFields(unknown))
                .setStoreValue(change.toByteString()).setUnknownFields(unknown).build();

        assertAgrees(received(entry.toByteArray()), "unknown fields");
        RowCursor rows = view.wrap(received(entry.toByteArray())).rowChange();
        rows.next();
        assertThat(rows.after().longValue(0)).isEqualTo(1);
        assertThat(rows.after().props(0)).extracting(CanalEntry.Pair::getKey).containsExactly("k");
    }

    @Test
    void unknownEnumNumbersKeepThePreviousValueAsProto2Does() throws Exception {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.write(CanalEntry.RowChange.newBuilder().setEventType(EventType.DELETE).build().toByteArray());
        raw.write(new byte[] {0x10, 99});  // eventType = 99: not an EventType, kept as an unknown field
        raw.write(new byte[] {0x10, 0});   // 0 is no proto2 enum value either
        CanalEntry.Entry entry = CanalEntry.Entry.newBuilder().setEntryType(CanalEntry.EntryType.ROWDATA)
                .setStoreValue(ByteString.copyFrom(raw.toByteArray())).build();
        ByteArrayOutputStream withBadType = new ByteArrayOutputStream();
        withBadType.write(entry.toByteArray());
        withBadType.write(new byte[] {0x10, 77});

        assertAgrees(received(withBadType.toByteArray()), "unknown enums");
        assertThat(view.wrap(received(withBadType.toByteArray())).rowChange().eventType()).isEqualTo(EventType.DELETE);
    }

    @Test
    void aMessageSentInPiecesIsMergedAndItsLastScalarsWin() throws Exception {
        // protobuf concatenation: the header's fields merge, repeated fields append, later scalars win
        CanalEntry.Entry first = CanalEntry.Entry.newBuilder().setEntryType(CanalEntry.EntryType.TRANSACTIONBEGIN)
                .setHeader(CanalEntry.Header.newBuilder().setSchemaName("a").setExecuteTime(5).addProps(pair("x", "1")))
                .setStoreValue(ByteString.copyFromUtf8("ignored")).build();
        CanalEntry.RowChange one = CanalEntry.RowChange.newBuilder().setTableId(1)
                .addRowDatas(CanalEntry.RowData.newBuilder().addAfterColumns(col(0, "id", "1")
                        .setIsKey(true).setName("first"))).build();
        CanalEntry.RowChange two = CanalEntry.RowChange.newBuilder().setTableId(2)
                .addRowDatas(CanalEntry.RowData.newBuilder().addAfterColumns(col(0, "id", "2"))).build();
        CanalEntry.Entry second = CanalEntry.Entry.newBuilder().setEntryType(CanalEntry.EntryType.ROWDATA)
                .setHeader(CanalEntry.Header.newBuilder().setTableName("b").setExecuteTime(6).addProps(pair("y", "2")))
                .setStoreValue(one.toByteString().concat(two.toByteString())).build();
        // a column whose name and key flag come twice
        byte[] column = concat(col(0, "id", "9").setIsKey(true).build().toByteArray(),
                Column.newBuilder().setName("renamed").setIsKey(false).build().toByteArray());
        byte[] rowData = concat(new byte[] {0x12, (byte) column.length}, column);
        byte[] change = concat(new byte[] {0x62, (byte) rowData.length}, rowData);
        CanalEntry.Entry third = CanalEntry.Entry.newBuilder().setStoreValue(ByteString.copyFrom(change)).build();

        byte[] bytes = concat(first.toByteArray(), second.toByteArray());
        assertAgrees(received(bytes), "pieces");
        assertAgrees(received(concat(bytes, third.toByteArray())), "pieces with a repeated column field");
        view.wrap(received(bytes));
        assertThat(view.schemaName()).isEqualTo("a");
        assertThat(view.tableName()).isEqualTo("b");
        assertThat(view.executeTime()).isEqualTo(6);
        assertThat(view.props()).extracting(CanalEntry.Pair::getKey).containsExactly("x", "y");
        assertThat(view.rowChange().tableId()).isEqualTo(2);
        assertThat(view.rowChange().rowCount()).isEqualTo(2);
    }

    @Test
    void negativeAndLargeNumbersReadAsProtobufReadsThem() throws Exception {
        CanalEntry.RowChange change = CanalEntry.RowChange.newBuilder().setTableId(Long.MIN_VALUE)
                .addRowDatas(CanalEntry.RowData.newBuilder().addBeforeColumns(Column.newBuilder().setIndex(-1)
                        .setSqlType(Integer.MIN_VALUE).setLength(Integer.MAX_VALUE).setValue("-9223372036854775808")))
                .build();
        CanalEntry.Entry entry = CanalEntry.Entry.newBuilder().setStoreValue(change.toByteString())
                .setHeader(CanalEntry.Header.newBuilder().setLogfileOffset(Long.MAX_VALUE).setServerId(-5)
                        .setVersion(-2))
                .build();
        assertAgrees(received(entry.toByteArray()), "numbers");
        RowCursor rows = view.wrap(received(entry.toByteArray())).rowChange();
        rows.next();
        assertThat(rows.before().longValue(0)).isEqualTo(Long.MIN_VALUE);
    }

    // ---- the API beyond agreement -------------------------------------------------------------------------------

    @Test
    void longValueParsesDecimalsAndRefusesAnythingElse() throws Exception {
        RowImage image = imageOf("123", "-45", "+6", "9223372036854775807", "9223372036854775808", "", "1.5", "-", "١");
        assertThat(image.longValue(0)).isEqualTo(123);
        assertThat(image.longValue(1)).isEqualTo(-45);
        assertThat(image.longValue(2)).isEqualTo(6);
        assertThat(image.longValue(3)).isEqualTo(Long.MAX_VALUE);
        for (int i = 4; i < image.size(); i++) {
            int column = i;
            assertThatThrownBy(() -> image.longValue(column)).isInstanceOf(NumberFormatException.class)
                    .hasMessageContaining("column c" + column);
        }
    }

    @Test
    void namesAndValuesCompareWithoutDecoding() throws Exception {
        RowImage image = imageOf("abc", "ünï", "");
        assertThat(image.find("c1")).isEqualTo(1);
        assertThat(image.find("c0")).isEqualTo(0);
        assertThat(image.find("c")).isEqualTo(-1);
        assertThat(image.find("c00")).isEqualTo(-1);
        assertThat(image.valueEquals(0, "abc")).isTrue();
        assertThat(image.valueEquals(0, "ab")).isFalse();
        assertThat(image.valueEquals(0, "abcd")).isFalse();
        assertThat(image.valueEquals(1, "ünï")).isTrue();
        assertThat(image.valueEquals(1, "uni")).isFalse();
        assertThat(image.valueEquals(2, "")).isTrue();
        assertThat(image.appendValue(1, new StringBuilder("x")).append('|').toString()).isEqualTo("xünï|");
        assertThat(new String(image.array(), image.valueOffset(1), image.valueLength(1), StandardCharsets.UTF_8))
                .isEqualTo("ünï");
        assertThatThrownBy(() -> image.value(3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void oneViewReadsEntryAfterEntryWithNothingLeftOver() throws Exception {
        CanalEntry.Entry withEverything = CanalEntry.Entry.newBuilder().setEntryType(CanalEntry.EntryType.ROWDATA)
                .setHeader(CanalEntry.Header.newBuilder().setSchemaName("shop").setTableName("orders")
                        .setGtid("g:1-5").addProps(pair("rowsCount", "2")))
                .setStoreValue(CanalEntry.RowChange.newBuilder().setEventType(EventType.INSERT).setIsDdl(true)
                        .setSql("x").addProps(pair("a", "b"))
                        .addRowDatas(CanalEntry.RowData.newBuilder().addAfterColumns(col(0, "id", "1")))
                        .addRowDatas(CanalEntry.RowData.newBuilder().addAfterColumns(col(0, "id", "2")))
                        .build().toByteString())
                .build();
        CanalEntry.Entry bare = CanalEntry.Entry.newBuilder().setEntryType(CanalEntry.EntryType.TRANSACTIONEND)
                .build();
        view.wrap(received(withEverything.toByteArray()));
        assertThat(view.isTable("shop", "orders")).isTrue();
        assertThat(view.isTable("shop", "order")).isFalse();
        assertThat(view.prop("rowsCount")).isEqualTo("2");
        RowCursor rows = view.rowChange();
        rows.next();
        assertThat(rows.after().longValue(0)).isEqualTo(1);
        rows.moveTo(1);
        assertThat(rows.after().longValue(0)).isEqualTo(2);

        view.wrap(received(bare.toByteArray()));
        assertAgrees(received(bare.toByteArray()), "after a full entry");
        assertThat(view.rowChange()).isSameAs(rows);
        assertThat(rows.rowCount()).isZero();
        assertThat(rows.props()).isEmpty();
        assertThat(view.prop("rowsCount")).isNull();
        assertThatThrownBy(rows::after).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void bytesThatAreNoEntryAreRefusedAsProtobufRefusesThem() {
        byte[] whole = rowEntry("s", "t", CanalEntry.RowChange.newBuilder().setSql("some statement").build())
                .toByteArray();
        byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 3);
        for (byte[] bad : List.of(truncated, new byte[] {(byte) 0xFF, (byte) 0xFF}, new byte[] {0x0F, 1},
                new byte[] {0x0B, 0x10, 1}, new byte[] {0x00})) {
            assertThatThrownBy(() -> CanalEntry.Entry.parseFrom(bad)).isInstanceOf(InvalidProtocolBufferException.class);
            assertThatThrownBy(() -> view.wrap(ByteString.copyFrom(bad))).isInstanceOf(SluiceClientException.class)
                    .hasMessageContaining("not a valid canal protobuf message");
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /**
     * Asserts that the view reads {@code raw} field for field as protobuf-java does, entry and RowChange (every entry's
     * payload is also read as a RowChange, as Entries.rowChange would: both must succeed or both fail).
     */
    private void assertAgrees(ByteString raw, String what) throws Exception {
        CanalEntry.Entry parsed = CanalEntry.Entry.parseFrom(raw);
        view.wrap(raw);
        assertThat(Normalized.entry(view)).as(what).isEqualTo(Normalized.entry(parsed));
        CanalEntry.RowChange change;
        try {
            change = CanalEntry.RowChange.parseFrom(parsed.getStoreValue());
        } catch (InvalidProtocolBufferException notARowChange) {
            // the cursor checks a row when it gets there, protobuf all at once: either way the change is refused
            assertThatThrownBy(() -> Normalized.rowChange(view.rowChange())).as(what)
                    .isInstanceOf(SluiceClientException.class);
            return;
        }
        assertThat(Normalized.rowChange(view.rowChange())).as(what).isEqualTo(Normalized.rowChange(change));
        assertThat(Normalized.rowChange(new RowCursor().wrap(view.storeValue()))).as(what)
                .isEqualTo(Normalized.rowChange(change));
    }

    /** The entry as the client holds it: a slice of a larger frame, as ServerPacket cuts it. */
    private static ByteString received(byte[] entry) {
        byte[] frame = new byte[entry.length + 64];
        java.util.Arrays.fill(frame, (byte) 0x5A);
        System.arraycopy(entry, 0, frame, 37, entry.length);
        return com.google.protobuf.UnsafeByteOperations.unsafeWrap(frame, 37, entry.length);
    }

    private RowImage imageOf(String... values) throws Exception {
        CanalEntry.RowData.Builder row = CanalEntry.RowData.newBuilder();
        for (int i = 0; i < values.length; i++) {
            row.addAfterColumns(col(i, "c" + i, values[i]));
        }
        RowCursor rows = view.wrap(received(rowEntry("s", "t", CanalEntry.RowChange.newBuilder().addRowDatas(row)
                .build()).toByteArray())).rowChange();
        rows.next();
        return rows.after();
    }

    private static Column.Builder col(int index, String name, String value) {
        return Column.newBuilder().setIndex(index).setSqlType(12).setName(name).setValue(value);
    }

    private static CanalEntry.Pair pair(String key, String value) {
        return CanalEntry.Pair.newBuilder().setKey(key).setValue(value).build();
    }

    private static CanalEntry.Entry rowEntry(String schema, String table, CanalEntry.RowChange change) {
        return CanalEntry.Entry.newBuilder().setEntryType(CanalEntry.EntryType.ROWDATA)
                .setHeader(CanalEntry.Header.newBuilder().setSchemaName(schema).setTableName(table))
                .setStoreValue(change.toByteString()).build();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
