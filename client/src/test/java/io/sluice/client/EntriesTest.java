package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.sluice.protocol.entry.CanalEntry;
import org.junit.jupiter.api.Test;

class EntriesTest {

    private static CanalEntry.Entry entry(ByteString storeValue) {
        return CanalEntry.Entry.newBuilder().setEntryType(CanalEntry.EntryType.ROWDATA)
                .setHeader(CanalEntry.Header.newBuilder().setSchemaName("s").setTableName("t"))
                .setStoreValue(storeValue).build();
    }

    @Test
    void rowChangeEqualsAPlainParseWithEveryValue() throws Exception {
        CanalEntry.RowChange change = CanalEntry.RowChange.newBuilder().setTableId(7)
                .setEventType(CanalEntry.EventType.UPDATE)
                .addRowDatas(CanalEntry.RowData.newBuilder()
                        .addBeforeColumns(CanalEntry.Column.newBuilder().setIndex(0).setName("id").setValue("1"))
                        .addAfterColumns(CanalEntry.Column.newBuilder().setIndex(0).setName("id").setValue("1"))
                        .addAfterColumns(CanalEntry.Column.newBuilder().setIndex(1).setName("名前").setValue("ünïcødé ✓")
                                .setUpdated(true))
                        .addAfterColumns(CanalEntry.Column.newBuilder().setIndex(2).setName("n").setIsNull(true)))
                .build();
        // the entry as a client receives it: parsed with aliasing from a larger frame
        byte[] frame = new byte[1000];
        byte[] bytes = entry(change.toByteString()).toByteArray();
        System.arraycopy(bytes, 0, frame, 100, bytes.length);
        com.google.protobuf.CodedInputStream in = ByteString.copyFrom(frame).substring(100, 100 + bytes.length)
                .newCodedInput();
        in.enableAliasing(true);
        CanalEntry.Entry received = CanalEntry.Entry.parseFrom(in);

        CanalEntry.RowChange parsed = Entries.rowChange(received);

        assertThat(parsed).isEqualTo(CanalEntry.RowChange.parseFrom(received.getStoreValue()));
        assertThat(parsed.getRowDatas(0).getAfterColumns(1).getValue()).isEqualTo("ünïcødé ✓");
        assertThat(parsed.getRowDatas(0).getAfterColumns(2).getIsNull()).isTrue();
    }

    @Test
    void aPayloadThatIsNoRowChangeIsRefused() {
        CanalEntry.Entry bad = entry(ByteString.copyFrom(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF}));
        assertThatThrownBy(() -> Entries.rowChange(bad)).isInstanceOf(InvalidProtocolBufferException.class);
    }
}
