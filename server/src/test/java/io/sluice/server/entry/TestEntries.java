package io.sluice.server.entry;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the entries a parser produces for one master, with consistent positions and resume points: each
 * entry 100 bytes after the previous; inside a transaction starting at boundary B the n-th entry resumes at
 * (B, n); an END or a statement outside a transaction resumes at the boundary after it.
 */
public final class TestEntries {

    private final String file;
    private final long serverId;
    private long offset;
    private BinlogPosition boundary;
    private int inTransaction = -1;
    private long time = 1_700_000_000_000L;

    public TestEntries(String file, long serverId) {
        this.file = file;
        this.serverId = serverId;
        this.offset = 4;
    }

    public TestEntries() {
        this("mysql-bin.000001", 1);
    }

    /** Execute time (ms) of the next entries. */
    public TestEntries at(long millis) {
        this.time = millis;
        return this;
    }

    private BinlogPosition next() {
        BinlogPosition p = new BinlogPosition(file, offset, "", serverId, time);
        offset += 100;
        return p;
    }

    private CanalEntry.Header.Builder header(BinlogPosition p) {
        return CanalEntry.Header.newBuilder().setVersion(1).setLogfileName(file).setLogfileOffset(p.offset())
                .setServerId(serverId).setServerenCode("UTF-8").setExecuteTime(time)
                .setSourceType(CanalEntry.Type.MYSQL).setEventLength(100);
    }

    public ParsedEntry begin() {
        BinlogPosition p = next();
        boundary = p;
        inTransaction = 1;
        return new ParsedEntry(header(p).build(), CanalEntry.EntryType.TRANSACTIONBEGIN,
                CanalEntry.TransactionBegin.newBuilder().setThreadId(7).build(), p, new ResumePoint(p, 1),
                StoredEntry.Kind.TRANSACTION_BEGIN);
    }

    public ParsedEntry end() {
        BinlogPosition p = next();
        inTransaction = -1;
        return new ParsedEntry(header(p).build(), CanalEntry.EntryType.TRANSACTIONEND,
                CanalEntry.TransactionEnd.newBuilder().setTransactionId("42").build(), p,
                ResumePoint.at(p.withOffset(offset)), StoredEntry.Kind.TRANSACTION_END);
    }

    /** A row change of one row; columns as name=value strings (value "NULL" for a null). */
    public ParsedEntry row(String schema, String table, CanalEntry.EventType type, String... columns) {
        CanalEntry.RowData.Builder row = CanalEntry.RowData.newBuilder();
        for (int i = 0; i < columns.length; i++) {
            String[] kv = columns[i].split("=", 2);
            CanalEntry.Column.Builder c = CanalEntry.Column.newBuilder().setIndex(i).setName(kv[0]).setSqlType(12)
                    .setIsKey(i == 0).setUpdated(type != CanalEntry.EventType.DELETE).setMysqlType("varchar(64)");
            if ("NULL".equals(kv[1])) {
                c.setIsNull(true);
            } else {
                c.setValue(kv[1]);
            }
            if (type == CanalEntry.EventType.DELETE) {
                row.addBeforeColumns(c);
            } else {
                row.addAfterColumns(c);
            }
        }
        CanalEntry.RowChange rc = CanalEntry.RowChange.newBuilder().setTableId(99).setEventType(type)
                .addRowDatas(row).build();
        return rowChange(schema, table, type, rc, StoredEntry.Kind.ROW_DATA);
    }

    public ParsedEntry ddl(String schema, String table, CanalEntry.EventType type, String sql) {
        CanalEntry.RowChange rc = CanalEntry.RowChange.newBuilder().setEventType(type).setIsDdl(true).setSql(sql)
                .setDdlSchemaName(schema).build();
        return rowChange(schema, table, type, rc, StoredEntry.Kind.DDL);
    }

    /** A query entry that is not DDL: a DCL/other statement (isDdl) or DML as text (!isDdl). */
    public ParsedEntry query(String schema, CanalEntry.EventType type, boolean isDdl, String sql) {
        CanalEntry.RowChange rc = CanalEntry.RowChange.newBuilder().setEventType(type).setIsDdl(isDdl).setSql(sql)
                .build();
        return rowChange(schema, "", type, rc, StoredEntry.Kind.QUERY);
    }

    public ParsedEntry heartbeat() {
        BinlogPosition p = new BinlogPosition(file, offset, "", serverId, time);
        return new ParsedEntry(header(p).build(), CanalEntry.EntryType.HEARTBEAT,
                CanalEntry.TransactionEnd.getDefaultInstance(), p, ResumePoint.at(p), StoredEntry.Kind.QUERY);
    }

    private ParsedEntry rowChange(String schema, String table, CanalEntry.EventType type, CanalEntry.RowChange rc,
                                  StoredEntry.Kind kind) {
        BinlogPosition p = next();
        ResumePoint resume;
        if (inTransaction > 0) {
            inTransaction++;
            resume = new ResumePoint(boundary, inTransaction);
        } else {
            resume = ResumePoint.at(p.withOffset(offset));
        }
        CanalEntry.Header h = header(p).setSchemaName(schema).setTableName(table).setEventType(type).build();
        return new ParsedEntry(h, CanalEntry.EntryType.ROWDATA, rc, p, resume, kind);
    }

    /** BEGIN, the given rows (built by {@link #row}), END. */
    public List<ParsedEntry> transaction(java.util.function.Function<TestEntries, List<ParsedEntry>> rows) {
        List<ParsedEntry> out = new ArrayList<>();
        out.add(begin());
        out.addAll(rows.apply(this));
        out.add(end());
        return out;
    }

    /** Decodes stored bytes back into a canal Entry. */
    public static CanalEntry.Entry decode(StoredEntry e) {
        try {
            return CanalEntry.Entry.parseFrom(e.bytes());
        } catch (com.google.protobuf.InvalidProtocolBufferException x) {
            throw new IllegalStateException(x);
        }
    }

    public static CanalEntry.RowChange rowChange(StoredEntry e) {
        try {
            return CanalEntry.RowChange.parseFrom(decode(e).getStoreValue());
        } catch (com.google.protobuf.InvalidProtocolBufferException x) {
            throw new IllegalStateException(x);
        }
    }
}
