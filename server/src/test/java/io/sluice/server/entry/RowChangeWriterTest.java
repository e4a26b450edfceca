package io.sluice.server.entry;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.Column;
import io.sluice.protocol.entry.CanalEntry.RowChange;
import io.sluice.protocol.entry.CanalEntry.RowData;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import java.sql.Types;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written RowChange path of {@link EntryEncoder} must give protobuf's own bytes, whatever the payload. */
class RowChangeWriterTest {

    private static final BinlogPosition POS = new BinlogPosition("mysql-bin.000001", 4, "", 1, 0);

    @Test
    void randomRowChangesEncodeToProtobufsBytes() {
        Random random = new Random(20261125);
        for (int i = 0; i < 500; i++) {
            ParsedEntry e = entry(randomRowChange(random));
            assertThat(EntryEncoder.toBytes(e)).as("case %d: %s", i, e.payload()).isEqualTo(reference(e));
        }
    }

    @Test
    void ddlWithSqlAndSchemaNameEncodesToProtobufsBytes() {
        RowChange ddl = RowChange.newBuilder().setTableId(7).setEventType(CanalEntry.EventType.ALTER).setIsDdl(true)
                .setSql("ALTER TABLE t ADD COLUMN é INT -- ünïcode").setDdlSchemaName("shop").build();
        assertThat(EntryEncoder.toBytes(entry(ddl))).isEqualTo(reference(entry(ddl)));
    }

    @Test
    void propsAndUnknownFieldsAreWrittenByProtobufInPlace() {
        CanalEntry.Pair pair = CanalEntry.Pair.newBuilder().setKey("k").setValue("v").build();
        Column plain = Column.newBuilder().setIndex(0).setName("id").setValue("1").build();
        Column unknown = plain.toBuilder().setUnknownFields(UnknownFieldSet.newBuilder().addField(99,
                UnknownFieldSet.Field.newBuilder().addVarint(5).build()).build()).build();
        List<RowChange> cases = List.of(
                RowChange.newBuilder().setEventType(CanalEntry.EventType.INSERT).addProps(pair)
                        .addRowDatas(RowData.newBuilder().addAfterColumns(plain)).build(),
                RowChange.newBuilder().addRowDatas(RowData.newBuilder().addProps(pair).addAfterColumns(plain))
                        .addRowDatas(RowData.newBuilder().addAfterColumns(plain)).build(),
                RowChange.newBuilder().addRowDatas(RowData.newBuilder().addBeforeColumns(plain)
                        .addAfterColumns(plain.toBuilder().addProps(pair)).addAfterColumns(plain)).build(),
                RowChange.newBuilder().addRowDatas(RowData.newBuilder().addAfterColumns(unknown)
                        .addAfterColumns(plain)).build());
        for (RowChange rc : cases) {
            assertThat(EntryEncoder.toBytes(entry(rc))).isEqualTo(reference(entry(rc)));
        }
        assertThat(RowChangeWriter.handles(cases.get(0))).isFalse();
        assertThat(RowChangeWriter.handles(cases.get(1))).isTrue();
    }

    @Test
    void sizesMemoizedBeforeAColumnIsReadAsStringStillMatch() {
        // the parser memoizes sizes right after decoding; a later getName()/getValue() turns the field into a String
        RowChange rc = RowChange.newBuilder().setEventType(CanalEntry.EventType.INSERT).addRowDatas(RowData.newBuilder()
                .addAfterColumns(Column.newBuilder().setIndex(0).setNameBytes(ByteString.copyFromUtf8("näme"))
                        .setValueBytes(ByteString.copyFromUtf8("välue ✓")))).build();
        rc.getSerializedSize();
        assertThat(rc.getRowDatas(0).getAfterColumns(0).getName()).isEqualTo("näme");
        assertThat(rc.getRowDatas(0).getAfterColumns(0).getValue()).isEqualTo("välue ✓");
        assertThat(EntryEncoder.toBytes(entry(rc))).isEqualTo(reference(entry(rc)));
    }

    private static ParsedEntry entry(RowChange rc) {
        CanalEntry.Header header = CanalEntry.Header.newBuilder().setLogfileName("mysql-bin.000001").setLogfileOffset(4)
                .setSchemaName("s").setTableName("t").build();
        return new ParsedEntry(header, CanalEntry.EntryType.ROWDATA, rc, POS, ResumePoint.at(POS),
                StoredEntry.Kind.ROW_DATA);
    }

    private static byte[] reference(ParsedEntry e) {
        return CanalEntry.Entry.newBuilder().setHeader(e.header()).setEntryType(e.entryType())
                .setStoreValue(e.payload().toByteString()).build().toByteArray();
    }

    private static RowChange randomRowChange(Random r) {
        RowChange.Builder rc = RowChange.newBuilder();
        if (r.nextBoolean()) {
            rc.setTableId(r.nextBoolean() ? r.nextInt(1000) : r.nextLong());
        }
        if (r.nextInt(4) > 0) {
            rc.setEventType(CanalEntry.EventType.forNumber(1 + r.nextInt(3)));
        }
        if (r.nextBoolean()) {
            rc.setIsDdl(false);
        }
        int rows = r.nextInt(4) == 0 ? r.nextInt(300) : r.nextInt(5);
        for (int i = 0; i < rows; i++) {
            RowData.Builder row = RowData.newBuilder();
            int columns = r.nextInt(12);
            boolean before = r.nextBoolean();
            boolean after = !before || r.nextBoolean();
            for (int c = 0; c < columns; c++) {
                if (before) {
                    row.addBeforeColumns(randomColumn(r, c));
                }
                if (after) {
                    row.addAfterColumns(randomColumn(r, c));
                }
            }
            rc.addRowDatas(row);
        }
        return rc.build();
    }

    private static final int[] SQL_TYPES = {Types.BIT, Types.TINYINT, Types.BIGINT, Types.LONGVARBINARY, Types.BINARY,
            Types.LONGVARCHAR, Types.CHAR, Types.DECIMAL, Types.INTEGER, Types.VARCHAR, Types.BLOB, Types.CLOB, 2147483647};
    private static final String[] TEXTS = {"", "1", "-42", "2026-11-25 23:59:59.123456", "ünïcödé ✓", "𝄞 clef",
            "x".repeat(127), "y".repeat(128), "z".repeat(20000), "NULL"};

    private static Column randomColumn(Random r, int index) {
        Column.Builder c = Column.newBuilder();
        if (r.nextInt(10) > 0) {
            c.setIndex(r.nextInt(10) == 0 ? -1 : index);
        }
        if (r.nextInt(10) > 0) {
            c.setSqlType(SQL_TYPES[r.nextInt(SQL_TYPES.length)]);
        }
        if (r.nextInt(10) > 0) {
            String name = "col_" + index + (r.nextInt(5) == 0 ? "_ä" : "");
            if (r.nextBoolean()) {
                c.setName(name);
            } else {
                c.setNameBytes(ByteString.copyFromUtf8(name));
            }
        }
        if (r.nextBoolean()) {
            c.setIsKey(r.nextBoolean());
        }
        if (r.nextBoolean()) {
            c.setUpdated(r.nextBoolean());
        }
        boolean isNull = r.nextInt(5) == 0;
        if (r.nextInt(5) > 0) {
            c.setIsNull(isNull);
        }
        if (!isNull && r.nextInt(8) > 0) {
            String v = TEXTS[r.nextInt(TEXTS.length)];
            if (r.nextBoolean()) {
                c.setValue(v);
            } else {
                c.setValueBytes(ByteString.copyFromUtf8(v));
            }
        }
        if (r.nextInt(6) == 0) {
            c.setLength(r.nextBoolean() ? r.nextInt(70000) : -r.nextInt(5));
        }
        if (r.nextInt(4) > 0) {
            c.setMysqlType(r.nextBoolean() ? "varchar(255)" : "decimal(10,2) unsigned");
        }
        return c.build();
    }
}
