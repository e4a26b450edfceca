package io.sluice.server.entry;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import org.junit.jupiter.api.Test;

class EntryEncoderTest {

    @Test
    void encodesTheSameBytesAsAnEntryBuiltWithStoreValue() throws Exception {
        CanalEntry.Header header = CanalEntry.Header.newBuilder().setLogfileName("mysql-bin.000003").setLogfileOffset(4567)
                .setServerId(1).setServerenCode("UTF-8").setExecuteTime(1_700_000_000_000L).setSourceType(CanalEntry.Type.MYSQL)
                .setSchemaName("shop").setTableName("user").setEventLength(77).setEventType(CanalEntry.EventType.INSERT)
                .addProps(CanalEntry.Pair.newBuilder().setKey("rowsCount").setValue("1"))
                .build();
        CanalEntry.RowChange rowChange = CanalEntry.RowChange.newBuilder().setTableId(42).setEventType(CanalEntry.EventType.INSERT)
                .setIsDdl(false)
                .addRowDatas(CanalEntry.RowData.newBuilder().addAfterColumns(CanalEntry.Column.newBuilder()
                        .setIndex(0).setSqlType(4).setName("id").setIsKey(true).setUpdated(true).setIsNull(false)
                        .setValue("1").setMysqlType("int(11)")))
                .build();
        BinlogPosition pos = new BinlogPosition("mysql-bin.000003", 4567, "", 1, 1_700_000_000_000L);
        ParsedEntry parsed = new ParsedEntry(header, CanalEntry.EntryType.ROWDATA, rowChange, pos,
                new ResumePoint(pos.withOffset(4000), 2), StoredEntry.Kind.ROW_DATA);

        byte[] expected = CanalEntry.Entry.newBuilder().setHeader(header).setEntryType(CanalEntry.EntryType.ROWDATA)
                .setStoreValue(rowChange.toByteString()).build().toByteArray();
        StoredEntry stored = EntryEncoder.encode(parsed);

        assertThat(stored.bytes()).isEqualTo(expected);
        assertThat(stored.schema()).isEqualTo("shop");
        assertThat(stored.table()).isEqualTo("user");
        assertThat(stored.resume().skipEntries()).isEqualTo(2);
        assertThat(CanalEntry.RowChange.parseFrom(CanalEntry.Entry.parseFrom(stored.bytes()).getStoreValue())).isEqualTo(rowChange);
    }

    @Test
    void writesTheHeaderInPlaceBeforeAPayloadWithTheSameBytes() throws Exception {
        CanalEntry.Header header = CanalEntry.Header.newBuilder().setLogfileName("mysql-bin.000003").setLogfileOffset(4567)
                .setServerId(1).setServerenCode("UTF-8").setExecuteTime(1_700_000_000_000L).setSchemaName("shop")
                .setTableName("user").setEventType(CanalEntry.EventType.UPDATE).setGtid("0-1-" + "9".repeat(300))
                .build();
        byte[] payload = CanalEntry.RowChange.newBuilder().setTableId(42).setEventType(CanalEntry.EventType.UPDATE)
                .setSql("x".repeat(200)).build().toByteArray();
        byte[] expected = EntryEncoder.toBytes(header, CanalEntry.EntryType.ROWDATA, payload, payload.length);

        for (int room : new int[] {1024, 400, 10, 0}) { // enough room, and too little: written into a new array
            byte[] buf = new byte[room + payload.length + 7];
            java.util.Arrays.fill(buf, (byte) 0x55);
            System.arraycopy(payload, 0, buf, room, payload.length);
            byte[] inPlace = EntryEncoder.toBytesInPlace(header, CanalEntry.EntryType.ROWDATA, buf, room,
                    room + payload.length);
            assertThat(inPlace).as("room %d", room).isEqualTo(expected);
        }
    }
}
