package io.sluice.server.mq;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.Column;
import io.sluice.protocol.entry.CanalEntry.EntryType;
import io.sluice.protocol.entry.CanalEntry.EventType;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds canal entries as the parser emits them (header, RowChange with before/after images and the
 * {@code updated} flags of CANAL-PROTOCOL.md §3.6), for tests that run before the parser is wired in.
 */
final class TestEntries {

    record Col(String name, int sqlType, String mysqlType, boolean key) {
    }

    record Table(String schema, String name, List<Col> columns) {

        String fullName() {
            return schema + "." + name;
        }
    }

    /** id INT PK, name VARCHAR, score DECIMAL(5,2), note TEXT NULL: the columns most tests use. */
    static Table table(String schema, String name) {
        return new Table(schema, name, List.of(new Col("id", 4, "int(11)", true), new Col("name", 12, "varchar(64)", false),
                new Col("score", 3, "decimal(5,2)", false), new Col("note", 2005, "text", false)));
    }

    static Map<String, String> row(Object... kv) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            row.put((String) kv[i], kv[i + 1] == null ? null : String.valueOf(kv[i + 1]));
        }
        return row;
    }

    private long offset = 4;
    private long timeSeconds = 1_709_210_096L;
    private String gtid = "";

    TestEntries withGtid(String gtidSet) {
        this.gtid = gtidSet;
        return this;
    }

    long executeTimeMillis() {
        return timeSeconds * 1000;
    }

    StoredEntry begin() {
        CanalEntry.TransactionBegin b = CanalEntry.TransactionBegin.newBuilder().setThreadId(7).build();
        return stored(header("", "", null), EntryType.TRANSACTIONBEGIN, b.toByteString(), StoredEntry.Kind.TRANSACTION_BEGIN);
    }

    StoredEntry end() {
        CanalEntry.TransactionEnd e = CanalEntry.TransactionEnd.newBuilder().setTransactionId(String.valueOf(offset)).build();
        StoredEntry s = stored(header("", "", null), EntryType.TRANSACTIONEND, e.toByteString(), StoredEntry.Kind.TRANSACTION_END);
        timeSeconds++;
        return s;
    }

    StoredEntry insert(Table t, List<Map<String, String>> rows) {
        CanalEntry.RowChange.Builder rc = CanalEntry.RowChange.newBuilder().setTableId(42).setEventType(EventType.INSERT);
        for (Map<String, String> r : rows) {
            rc.addRowDatas(CanalEntry.RowData.newBuilder().addAllAfterColumns(columns(t, r, null, true)));
        }
        return rows(t, EventType.INSERT, rc.build(), rows.size());
    }

    StoredEntry update(Table t, List<Map<String, String>> before, List<Map<String, String>> after) {
        CanalEntry.RowChange.Builder rc = CanalEntry.RowChange.newBuilder().setTableId(42).setEventType(EventType.UPDATE);
        for (int i = 0; i < before.size(); i++) {
            rc.addRowDatas(CanalEntry.RowData.newBuilder().addAllBeforeColumns(columns(t, before.get(i), null, false))
                    .addAllAfterColumns(columns(t, after.get(i), before.get(i), false)));
        }
        return rows(t, EventType.UPDATE, rc.build(), before.size());
    }

    StoredEntry delete(Table t, List<Map<String, String>> rows) {
        CanalEntry.RowChange.Builder rc = CanalEntry.RowChange.newBuilder().setTableId(42).setEventType(EventType.DELETE);
        for (Map<String, String> r : rows) {
            rc.addRowDatas(CanalEntry.RowData.newBuilder().addAllBeforeColumns(columns(t, r, null, false)));
        }
        return rows(t, EventType.DELETE, rc.build(), rows.size());
    }

    StoredEntry ddl(String schema, String table, EventType type, String sql) {
        CanalEntry.RowChange rc = CanalEntry.RowChange.newBuilder().setEventType(type).setIsDdl(true).setSql(sql)
                .setDdlSchemaName(schema).build();
        return stored(header(schema, table, type), EntryType.ROWDATA, rc.toByteString(), StoredEntry.Kind.DDL);
    }

    private StoredEntry rows(Table t, EventType type, CanalEntry.RowChange rc, int count) {
        CanalEntry.Header.Builder h = header(t.schema(), t.name(), type).toBuilder()
                .addProps(CanalEntry.Pair.newBuilder().setKey("rowsCount").setValue(String.valueOf(count)));
        return stored(h.build(), EntryType.ROWDATA, rc.toByteString(), StoredEntry.Kind.ROW_DATA);
    }

    private static List<Column> columns(Table t, Map<String, String> values, Map<String, String> before, boolean insert) {
        List<Column> out = new java.util.ArrayList<>();
        for (int i = 0; i < t.columns().size(); i++) {
            Col c = t.columns().get(i);
            String v = values.get(c.name());
            boolean updated = insert || (before != null && !Objects.equals(before.get(c.name()), v));
            Column.Builder b = Column.newBuilder().setIndex(i).setSqlType(c.sqlType()).setName(c.name())
                    .setIsKey(c.key()).setUpdated(updated).setIsNull(v == null).setMysqlType(c.mysqlType());
            if (v != null) {
                b.setValue(v);
            }
            out.add(b.build());
        }
        return out;
    }

    private CanalEntry.Header header(String schema, String table, EventType type) {
        CanalEntry.Header.Builder h = CanalEntry.Header.newBuilder().setVersion(1).setLogfileName("mysql-bin.000001")
                .setLogfileOffset(offset).setServerId(1).setServerenCode("UTF-8").setExecuteTime(timeSeconds * 1000)
                .setSourceType(CanalEntry.Type.MYSQL).setSchemaName(schema).setTableName(table).setEventLength(100);
        if (type != null) {
            h.setEventType(type);
        }
        if (!gtid.isEmpty()) {
            h.setGtid(gtid);
        }
        return h.build();
    }

    private StoredEntry stored(CanalEntry.Header header, EntryType type, com.google.protobuf.ByteString value,
                               StoredEntry.Kind kind) {
        byte[] bytes = CanalEntry.Entry.newBuilder().setHeader(header).setEntryType(type).setStoreValue(value).build()
                .toByteArray();
        BinlogPosition position = new BinlogPosition("mysql-bin.000001", offset, gtid, 1, timeSeconds * 1000);
        offset += 100;
        return new StoredEntry(bytes, position, ResumePoint.at(position.withOffset(offset)), kind, header.getSchemaName(),
                header.getTableName());
    }
}
