package io.sluice.server.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.parser.BinlogParser;
import io.sluice.server.parser.ParserSettings;
import io.sluice.server.parser.schema.MemorySchemaHistoryStore;
import io.sluice.server.parser.schema.SchemaHistory;
import io.sluice.server.parser.value.ValueOptions;
import io.sluice.server.position.SnapshotProgress;
import io.sluice.server.tls.MasterTls;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A snapshot row and the binlog INSERT of the same row become the same canal columns, byte for byte: every
 * MariaDB type, NULLs and extremes, in Sluice's exact rendering and in canal-compatible rendering.
 */
@ExtendWith(TestDatabaseExtension.class)
class SnapshotRenderingIT {

    private static final String TABLE = """
            CREATE TABLE snaprender.everything (
              id INT PRIMARY KEY,
              ti TINYINT, tu TINYINT UNSIGNED, b1 TINYINT(1), si SMALLINT, mu MEDIUMINT UNSIGNED, i INT,
              bu BIGINT UNSIGNED, bs BIGINT,
              f FLOAT, d DOUBLE, dec1 DECIMAL(20,6), dec2 DECIMAL(5,0) UNSIGNED, dec3 DECIMAL(30,25),
              bt BIT(10), b64 BIT(64),
              dt DATE, tm TIME(2), tm0 TIME, dtm DATETIME(6), dtm0 DATETIME, ts TIMESTAMP(3) NULL, yr YEAR,
              en ENUM('small','medium','large'), st SET('a','b','c','d'),
              c5 CHAR(5) CHARACTER SET latin1, vc VARCHAR(20) CHARACTER SET utf8mb4, vg VARCHAR(10) CHARACTER SET gbk,
              tx TEXT, lt LONGTEXT, bl BLOB, bn BINARY(4), vb VARBINARY(8), js JSON,
              pt POINT, ip INET6, uu UUID
            ) CHARACTER SET utf8mb4""";

    private static final String[] ROWS = {
            "(1, -128, 255, 1, -32768, 16777215, -2147483648, 18446744073709551615, -9223372036854775808,"
                    + " 1.2345678, 0.1e0 + 0.2e0, -12345678901234.123456, 99999, 0.0000000000000000000000001,"
                    + " b'1010101010', b'1111111111111111111111111111111111111111111111111111111111111111',"
                    + " '2024-02-29', '-838:59:59.00', '838:59:59', '2020-01-02 03:04:05.123456', '1000-01-01 00:00:00',"
                    + " '2020-06-01 12:00:00.123', 2155, 'large', 'a,d', 'ab ', 'héllo 😀', '你好',"
                    + " 'text\\nline', REPEAT('x', 70000), X'00FF10', 'a', X'0001', '{\"k\": [1, 2.5, \"v\"]}',"
                    + " ST_GeomFromText('POINT(1 2)'), '::ffff:1.2.3.4', 'b5e5c1a4-1234-11ee-8c90-0242ac120002')",
            "(2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '0000-00-00', '00:00:00.5', '-00:00:01',"
                    + " '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', 0, 'small', '', '', '', '',"
                    + " '', '', '', X'00000000', '', '[]', ST_GeomFromText('POINT(0 0)'), '::', "
                    + " '00000000-0000-0000-0000-000000000001')",
            "(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
                    + " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
                    + " NULL, NULL, NULL)",
            "(4, 127, 128, 2, 32767, 1, 2147483647, 9223372036854775808, 9223372036854775807, -3.4e38,"
                    + " -1.7976931348623157e308, 0.000001, 1, -0.5, b'1', b'1', '9999-12-31', '12:34:56.78', '-00:00:00',"
                    + " '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07', '2038-01-19 03:14:07.999', 1901, 'medium',"
                    + " 'a,b,c,d', 'z', 'Ω', '中', REPEAT('é', 300), 'lt', X'FF', X'FFFFFFFF', X'FF00FF00FF00FF00',"
                    + " '{\"a\": {\"b\": null}}', ST_GeomFromText('POINT(-1.5 2.25)'), 'fe80::1',"
                    + " 'ffffffff-ffff-ffff-ffff-ffffffffffff')"};

    @Test
    void snapshotRowsRenderExactlyAsTheirBinlogInserts(TestDatabase db) throws Exception {
        compare(db, false, ZoneId.of("UTC"));
    }

    @Test
    void canalCompatibleRenderingIsTheSameForBoth(TestDatabase db) throws Exception {
        compare(db, true, ZoneId.of("Asia/Shanghai"));
    }

    private void compare(TestDatabase db, boolean canal, ZoneId zone) throws Exception {
        db.execute("DROP DATABASE IF EXISTS snaprender", "CREATE DATABASE snaprender", TABLE);
        TestDatabase.BinlogCoordinates before = db.masterStatus();
        List<ParsedEntry> streamed = Collections.synchronizedList(new ArrayList<>());
        ParserSettings settings = ParserSettings.builder("render", db.host(), db.port(), TestDatabase.REPLICATION_USER,
                        TestDatabase.REPLICATION_PASSWORD).journal(before.file(), before.position())
                .canalCompatibleValues(canal).timeZone(zone).heartbeatPeriod(Duration.ofSeconds(1))
                .transport(MasterTls.disabled(db.host(), db.port())).build();
        BinlogParser parser = new BinlogParser(settings, new SchemaHistory(new MemorySchemaHistoryStore()),
                (s, t) -> s.equals("snaprender"), streamed::addAll);
        parser.start(null);
        try {
            for (String row : ROWS) {
                db.execute("INSERT INTO snaprender.everything VALUES " + row);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> binlogRows(streamed).size() == ROWS.length);
        } finally {
            parser.stop();
        }
        Map<String, List<CanalEntry.Column>> fromBinlog = binlogRows(streamed);

        Map<String, List<CanalEntry.Column>> fromSnapshot = new LinkedHashMap<>();
        try (SnapshotConnection c = SnapshotConnection.open(new SnapshotConnection.Target(db.host(), db.port(),
                TestDatabase.REPLICATION_USER, TestDatabase.REPLICATION_PASSWORD, Duration.ofSeconds(10),
                MasterTls.disabled(db.host(), db.port())))) {
            c.beginConsistentSnapshot();
            SnapshotTable table = c.describe(new SnapshotProgress.Table("snaprender", "everything"));
            TableReader reader = new TableReader(table, new ValueOptions(canal, zone, StandardCharsets.UTF_8), 2);
            List<String> after = List.of();
            Chunk chunk;
            do {
                chunk = reader.read(c.jdbc(), after);
                for (Chunk.Piece p : chunk.pieces()) {
                    for (CanalEntry.RowData r : p.rows().getRowDatasList()) {
                        fromSnapshot.put(id(r.getAfterColumnsList()), r.getAfterColumnsList());
                    }
                    after = p.lastKey();
                }
            } while (!chunk.tableDone());
            c.commit();
        }

        assertThat(fromSnapshot.keySet()).containsExactlyElementsOf(fromBinlog.keySet());
        for (String id : fromBinlog.keySet()) {
            List<CanalEntry.Column> expected = fromBinlog.get(id);
            List<CanalEntry.Column> actual = fromSnapshot.get(id);
            assertThat(actual).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                assertThat(actual.get(i)).as("row %s column %s", id, expected.get(i).getName()).isEqualTo(expected.get(i));
            }
        }
        // the comparison means something only if the values are the interesting ones
        Map<String, String> row1 = values(fromBinlog.get("1"));
        assertThat(row1.get("bu")).isEqualTo("18446744073709551615");
        assertThat(row1.get("tm")).isEqualTo("-838:59:59.00");
        assertThat(row1.get("vc")).isEqualTo("héllo 😀");
        assertThat(row1.get("vg")).isEqualTo("你好");
        assertThat(row1.get("en")).isEqualTo(canal ? "3" : "large");
        assertThat(row1.get("f")).isEqualTo("1.2345678");
    }

    private static Map<String, List<CanalEntry.Column>> binlogRows(List<ParsedEntry> entries) {
        Map<String, List<CanalEntry.Column>> out = new LinkedHashMap<>();
        synchronized (entries) {
            for (ParsedEntry e : entries) {
                if (e.entryType() == CanalEntry.EntryType.ROWDATA && e.payload() instanceof CanalEntry.RowChange rc
                        && rc.getEventType() == CanalEntry.EventType.INSERT) {
                    for (CanalEntry.RowData r : rc.getRowDatasList()) {
                        out.put(id(r.getAfterColumnsList()), r.getAfterColumnsList());
                    }
                }
            }
        }
        return out;
    }

    private static String id(List<CanalEntry.Column> columns) {
        return columns.get(0).getValue();
    }

    private static Map<String, String> values(List<CanalEntry.Column> columns) {
        Map<String, String> out = new LinkedHashMap<>();
        columns.forEach(c -> out.put(c.getName(), c.getIsNull() ? null : c.getValue()));
        return out;
    }
}
