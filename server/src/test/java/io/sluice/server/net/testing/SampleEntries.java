package io.sluice.server.net.testing;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.EntryEncoder;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic canal entries for protocol tests: transaction {@code i} (from 1) is BEGIN, one INSERT into
 * {@code compat.t} with {@code rows} rows, END. Row {@code r} of transaction {@code i} has
 * {@code id = i*100 + r} (key, int(11)) and {@code name = "row-i-r"} (varchar(32)). Binlog file
 * {@code mysql-bin.000001}; BEGIN/INSERT/END sit at offsets {@code 1000*i}, {@code 1000*i+100}, {@code 1000*i+200};
 * executeTime {@code 1_700_000_000_000 + 1000*i}; thread id {@code i}; xid {@code i}. Tests in other modules
 * recompute these values from the rule rather than importing this class.
 */
public final class SampleEntries {

    public static final String FILE = "mysql-bin.000001";
    public static final String SCHEMA = "compat";
    public static final String TABLE = "t";
    public static final long BASE_TIME = 1_700_000_000_000L;

    private SampleEntries() {
    }

    /** {@code count} transactions starting with number 1: {@code 3 * count} entries. */
    public static List<StoredEntry> transactions(int count, int rows) {
        return transactions(1, count, rows);
    }

    public static List<StoredEntry> transactions(int first, int count, int rows) {
        List<StoredEntry> out = new ArrayList<>(count * 3);
        for (int i = first; i < first + count; i++) {
            out.add(begin(i));
            out.add(insert(i, rows));
            out.add(end(i));
        }
        return out;
    }

    /**
     * Entries shaped like the bench table's rows ({@code ../shared/bench}: 9 columns, ~0.5 KB per row), as few
     * distinct arrays repeated, so that millions of rows cost little memory: {@code entries} ROWDATA entries of
     * {@code rowsPerEntry} rows each.
     */
    public static List<StoredEntry> wide(int entries, int rowsPerEntry) {
        List<StoredEntry> distinct = List.of(wideEntry(0, rowsPerEntry), wideEntry(1, rowsPerEntry),
                wideEntry(2, rowsPerEntry), wideEntry(3, rowsPerEntry));
        List<StoredEntry> out = new ArrayList<>(entries);
        for (int i = 0; i < entries; i++) {
            out.add(distinct.get(i % distinct.size()));
        }
        return out;
    }

    private static StoredEntry wideEntry(int seed, int rowsPerEntry) {
        CanalEntry.RowChange.Builder change = CanalEntry.RowChange.newBuilder().setTableId(70)
                .setEventType(CanalEntry.EventType.INSERT);
        for (int r = 0; r < rowsPerEntry; r++) {
            long id = seed * 1000L + r;
            String[][] columns = {
                {"id", "-5", "bigint(20)", Long.toString(id)},
                {"c_int", "4", "int(11)", Long.toString(id * 7919 % 1_000_000)},
                {"c_name", "12", "varchar(64)", "name-" + Long.toHexString(id * 0x9E3779B97F4A7C15L)},
                {"c_desc", "12", "varchar(255)", ("description " + id + " ").repeat(8)},
                {"c_amount", "3", "decimal(12,2)", (id % 100_000) + ".25"},
                {"c_dt", "93", "datetime(3)", "2024-05-01 12:34:56.789"},
                {"c_ts", "93", "timestamp", "2024-05-01 12:34:56"},
                {"c_double", "8", "double", Double.toString(id / 3.0)},
                {"c_flag", "-6", "tinyint(4)", Long.toString(id % 2)},
            };
            CanalEntry.RowData.Builder row = CanalEntry.RowData.newBuilder();
            for (int c = 0; c < columns.length; c++) {
                row.addAfterColumns(CanalEntry.Column.newBuilder().setIndex(c)
                        .setSqlType(Integer.parseInt(columns[c][1])).setName(columns[c][0]).setIsKey(c == 0)
                        .setUpdated(true).setIsNull(false).setValue(columns[c][3]).setMysqlType(columns[c][2]));
            }
            change.addRowDatas(row);
        }
        CanalEntry.Header header = header(seed + 1, 1).setSchemaName("bench").setTableName("t")
                .setEventType(CanalEntry.EventType.INSERT).build();
        return encode(header, CanalEntry.EntryType.ROWDATA, change.build(), seed + 1, 1, StoredEntry.Kind.ROW_DATA);
    }

    static StoredEntry begin(int i) {
        CanalEntry.TransactionBegin begin = CanalEntry.TransactionBegin.newBuilder().setThreadId(i).build();
        return encode(header(i, 0).build(), CanalEntry.EntryType.TRANSACTIONBEGIN, begin, i, 0,
                StoredEntry.Kind.TRANSACTION_BEGIN);
    }

    static StoredEntry insert(int i, int rows) {
        CanalEntry.RowChange.Builder change = CanalEntry.RowChange.newBuilder().setTableId(42)
                .setEventType(CanalEntry.EventType.INSERT).setIsDdl(false);
        for (int r = 0; r < rows; r++) {
            change.addRowDatas(CanalEntry.RowData.newBuilder()
                    .addAfterColumns(CanalEntry.Column.newBuilder().setIndex(0).setSqlType(4).setName("id")
                            .setIsKey(true).setUpdated(true).setIsNull(false).setValue(Integer.toString(i * 100 + r))
                            .setMysqlType("int(11)"))
                    .addAfterColumns(CanalEntry.Column.newBuilder().setIndex(1).setSqlType(12).setName("name")
                            .setIsKey(false).setUpdated(true).setIsNull(false).setValue("row-" + i + "-" + r)
                            .setMysqlType("varchar(32)")));
        }
        CanalEntry.Header header = header(i, 1).setSchemaName(SCHEMA).setTableName(TABLE)
                .setEventType(CanalEntry.EventType.INSERT)
                .addProps(CanalEntry.Pair.newBuilder().setKey("rowsCount").setValue(Integer.toString(rows)))
                .build();
        return encode(header, CanalEntry.EntryType.ROWDATA, change.build(), i, 1, StoredEntry.Kind.ROW_DATA);
    }

    static StoredEntry end(int i) {
        CanalEntry.TransactionEnd end = CanalEntry.TransactionEnd.newBuilder().setTransactionId(Integer.toString(i))
                .build();
        return encode(header(i, 2).build(), CanalEntry.EntryType.TRANSACTIONEND, end, i, 2,
                StoredEntry.Kind.TRANSACTION_END);
    }

    private static CanalEntry.Header.Builder header(int i, int k) {
        return CanalEntry.Header.newBuilder().setVersion(1).setLogfileName(FILE).setLogfileOffset(1000L * i + 100L * k)
                .setServerId(1).setServerenCode("UTF-8").setExecuteTime(BASE_TIME + 1000L * i)
                .setSourceType(CanalEntry.Type.MYSQL).setSchemaName("").setTableName("").setEventLength(100);
    }

    private static StoredEntry encode(CanalEntry.Header header, CanalEntry.EntryType type,
                                      com.google.protobuf.MessageLite payload, int i, int k, StoredEntry.Kind kind) {
        BinlogPosition position = new BinlogPosition(FILE, 1000L * i + 100L * k, "", 1, BASE_TIME + 1000L * i);
        ResumePoint resume = k == 2
                ? ResumePoint.at(new BinlogPosition(FILE, 1000L * (i + 1), "", 1, BASE_TIME + 1000L * i))
                : new ResumePoint(new BinlogPosition(FILE, 1000L * i, "", 1, BASE_TIME + 1000L * i), k + 1);
        return EntryEncoder.encode(new ParsedEntry(header, type, payload, position, resume, kind));
    }
}
