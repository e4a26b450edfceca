package io.sluice.server.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.Column;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The live parser against the private MariaDB: values, row images, transactions. */
@ExtendWith(TestDatabaseExtension.class)
class BinlogParserIT {

    private static final String TYPES = """
            CREATE TABLE it_types.t (
              id INT NOT NULL PRIMARY KEY,
              c_tinyint TINYINT, c_tinyint_u TINYINT UNSIGNED, c_smallint_u SMALLINT UNSIGNED,
              c_mediumint MEDIUMINT, c_mediumint_u MEDIUMINT UNSIGNED, c_int INT, c_int_u INT UNSIGNED,
              c_bigint BIGINT, c_bigint_u BIGINT UNSIGNED,
              c_dec DECIMAL(65,30), c_dec2 DECIMAL(10,2), c_float FLOAT, c_double DOUBLE,
              c_bit1 BIT(1), c_bit64 BIT(64),
              c_date DATE, c_time6 TIME(6), c_time TIME, c_datetime3 DATETIME(3), c_datetime6 DATETIME(6),
              c_ts6 TIMESTAMP(6) NULL DEFAULT NULL, c_ts TIMESTAMP NULL DEFAULT NULL, c_year YEAR,
              c_char CHAR(20), c_varchar VARCHAR(100), c_text MEDIUMTEXT,
              c_latin1 VARCHAR(20) CHARACTER SET latin1, c_latin1_text TEXT CHARACTER SET latin1,
              c_binary BINARY(6), c_varbinary VARBINARY(10), c_blob BLOB,
              c_enum ENUM('a','b','c'), c_set SET('x','y','z'), c_json JSON, c_inet6 INET6, c_uuid UUID,
              c_point POINT
            ) DEFAULT CHARSET=utf8mb4""";

    private static final List<String> BINARY_COLUMNS = List.of("c_binary", "c_varbinary", "c_blob", "c_point");

    @Test
    void everyColumnTypeDecodesToTheValueMariadbReadsBack(TestDatabase db) throws Exception {
        db.execute("DROP DATABASE IF EXISTS it_types", "CREATE DATABASE it_types", TYPES);
        TestDatabase.BinlogCoordinates from = db.masterStatus();
        db.execute("SET time_zone = '+00:00'");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+05:30'");
            s.execute("INSERT INTO it_types.t VALUES (1, -128, 255, 65535, -8388608, 16777215, -2147483648, 4294967295,"
                    + " -9223372036854775808, 18446744073709551615, -12345678901234567890.123456789012345678901234567890,"
                    + " 500.00, 3.40282e38, -2.2250738585072014e-308, b'1', x'8000000000000001',"
                    + " '1000-01-01', '-838:59:59.000001', '838:59:59', '2024-02-29 23:59:59.999', '1999-12-31 23:59:59.000001',"
                    + " '2038-01-19 08:44:07.999999', '1970-01-01 05:30:01', 1901,"
                    + " 'emoji 😀🎉', 'tab\\tquote\\'back\\\\slash  ', REPEAT('中文', 1000), 'Ça déjà ÿ', 'naïve',"
                    + " x'00FF', x'', x'CAFEBABE00', 'c', 'x,z', '{\"k\": [1, 2.5, \"ü\"]}', '::ffff:1.2.3.4',"
                    + " '123e4567-e89b-12d3-a456-426614174000', ST_GeomFromText('POINT(1.5 -2)'))");
            s.execute("INSERT INTO it_types.t VALUES (2, 7, 7, 7, 7, 7, 7, 7, 7, 7, 0.000000000000000000000000000001,"
                    + " 0, 1.5, 0.1, b'0', b'101', '2024-06-01', '-00:00:01.500000', '25:30:00', '2024-06-01 12:00:00.5',"
                    + " '2024-06-01 12:00:00', '2024-06-01 12:00:00.000001', '2024-06-01 12:00:00', 2024,"
                    + " 'a', '', '', '', '', x'41', x'00', x'', 'a', '', '[]', '2001:db8::1', '00000000-0000-0000-0000-000000000000',"
                    + " ST_GeomFromText('POINT(0 0)'))");
            s.execute("INSERT INTO it_types.t (id) VALUES (3)");
        }
        try (LiveParser live = new LiveParser(db, "it_types", b -> b.journal(from.file(), from.position()))
                .start(null)) {
            live.awaitRows(3);
            List<CanalEntry.RowData> rows = live.rows();
            assertThat(rows).hasSize(3);
            List<Map<String, String>> expected = readBack(db);
            for (int i = 0; i < 3; i++) {
                List<Column> cols = rows.get(i).getAfterColumnsList();
                for (Map.Entry<String, String> e : expected.get(i).entrySet()) {
                    Column col = cols.stream().filter(c -> c.getName().equals(e.getKey())).findFirst().orElseThrow();
                    String what = "row " + (i + 1) + " " + e.getKey() + " " + col.getMysqlType();
                    if (e.getValue() == null) {
                        assertThat(col.getIsNull()).as(what + " NULL").isTrue();
                        assertThat(col.hasValue()).as(what).isFalse();
                    } else if (BINARY_COLUMNS.contains(e.getKey())) {
                        assertThat(HexFormat.of().withUpperCase().formatHex(col.getValue().getBytes(StandardCharsets.ISO_8859_1)))
                                .as(what).isEqualTo(e.getValue());
                    } else if (e.getKey().equals("c_float") || e.getKey().equals("c_double")) {
                        assertThat(Double.parseDouble(col.getValue())).as(what).isEqualTo(Double.parseDouble(e.getValue()));
                    } else if (e.getKey().equals("c_json")) {
                        assertThat(col.getValue().replace(" ", "")).as(what).isEqualTo(e.getValue().replace(" ", ""));
                    } else {
                        assertThat(col.getValue()).as(what).isEqualTo(e.getValue());
                    }
                }
            }
            Column bigU = rows.get(0).getAfterColumnsList().stream().filter(c -> c.getName().equals("c_bigint_u")).findFirst().orElseThrow();
            assertThat(bigU.getSqlType()).isEqualTo(java.sql.Types.DECIMAL);
            assertThat(LiveParser.value(rows.get(0).getAfterColumnsList(), "c_binary")).hasSize(6);
        }
    }

    /** Each column as MariaDB itself renders it (text via CAST in a UTC session, binary as HEX, BIT as a number). */
    private static List<Map<String, String>> readBack(TestDatabase db) throws Exception {
        List<Map<String, String>> rows = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+00:00'");
            List<String> names = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT * FROM it_types.t LIMIT 0")) {
                ResultSetMetaData md = rs.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    names.add(md.getColumnName(i));
                }
            }
            StringBuilder select = new StringBuilder("SELECT ");
            for (int i = 0; i < names.size(); i++) {
                String n = names.get(i);
                select.append(i == 0 ? "" : ", ").append(BINARY_COLUMNS.contains(n) ? "HEX(" + n + ")"
                        : n.startsWith("c_bit") ? "CAST(" + n + " + 0 AS CHAR)" : "CAST(" + n + " AS CHAR)");
            }
            try (ResultSet rs = s.executeQuery(select + " FROM it_types.t ORDER BY id")) {
                while (rs.next()) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int i = 0; i < names.size(); i++) {
                        row.put(names.get(i), rs.getString(i + 1));
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    @Test
    void insertUpdateDeleteComeWithBeforeAfterImagesInsideBeginAndEnd(TestDatabase db) {
        db.execute("DROP DATABASE IF EXISTS it_rows", "CREATE DATABASE it_rows",
                "CREATE TABLE it_rows.t (id INT PRIMARY KEY, name VARCHAR(20), n INT)");
        TestDatabase.BinlogCoordinates from = db.masterStatus();
        db.execute("INSERT INTO it_rows.t VALUES (1, 'one', 10), (2, 'two', 20)",
                "UPDATE it_rows.t SET name = 'uno' WHERE id = 1",
                "DELETE FROM it_rows.t WHERE id = 2");
        try (LiveParser live = new LiveParser(db, "it_rows", b -> b.journal(from.file(), from.position())).start(null)) {
            live.awaitRows(4);
            List<ParsedEntry> all = live.sink.snapshot();
            List<CanalEntry.EntryType> framing = all.stream().map(ParsedEntry::entryType).toList();
            assertThat(framing).containsSubsequence(CanalEntry.EntryType.TRANSACTIONBEGIN, CanalEntry.EntryType.ROWDATA,
                    CanalEntry.EntryType.TRANSACTIONEND, CanalEntry.EntryType.TRANSACTIONBEGIN,
                    CanalEntry.EntryType.ROWDATA, CanalEntry.EntryType.TRANSACTIONEND);
            List<ParsedEntry> rows = live.rowEntries();
            assertThat(rows).extracting(e -> e.rowChange().getEventType()).containsExactly(
                    CanalEntry.EventType.INSERT, CanalEntry.EventType.UPDATE, CanalEntry.EventType.DELETE);
            assertThat(rows.get(0).header().getPropsList()).anyMatch(p -> p.getKey().equals("rowsCount") && p.getValue().equals("2"));
            CanalEntry.RowData update = rows.get(1).rowChange().getRowDatas(0);
            assertThat(LiveParser.value(update.getBeforeColumnsList(), "name")).isEqualTo("one");
            assertThat(LiveParser.value(update.getAfterColumnsList(), "name")).isEqualTo("uno");
            assertThat(update.getAfterColumnsList()).filteredOn(Column::getUpdated).extracting(Column::getName)
                    .containsExactly("name");
            CanalEntry.RowData delete = rows.get(2).rowChange().getRowDatas(0);
            assertThat(delete.getAfterColumnsCount()).isZero();
            assertThat(LiveParser.value(delete.getBeforeColumnsList(), "id")).isEqualTo("2");
            assertThat(rows.get(0).header().getLogfileName()).isEqualTo(from.file());
            ParsedEntry end = all.stream().filter(e -> e.entryType() == CanalEntry.EntryType.TRANSACTIONEND).findFirst().orElseThrow();
            assertThat(Long.parseLong(((CanalEntry.TransactionEnd) end.payload()).getTransactionId())).isPositive();
            assertThat(live.sink.putSizes).as("whole transactions per put").allMatch(n -> n >= 3);
        }
    }

    @Test
    void aRolledBackTransactionNeverAppears(TestDatabase db) throws Exception {
        db.execute("DROP DATABASE IF EXISTS it_rollback", "CREATE DATABASE it_rollback",
                "CREATE TABLE it_rollback.t (id INT PRIMARY KEY) ENGINE=InnoDB");
        TestDatabase.BinlogCoordinates from = db.masterStatus();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("INSERT INTO it_rollback.t VALUES (1)");
            c.rollback();
            s.execute("INSERT INTO it_rollback.t VALUES (2)");
            c.commit();
        }
        try (LiveParser live = new LiveParser(db, "it_rollback", b -> b.journal(from.file(), from.position())).start(null)) {
            live.awaitRows(1);
            assertThat(live.rows()).extracting(r -> LiveParser.value(r.getAfterColumnsList(), "id")).containsExactly("2");
            assertThat(live.sink.snapshot()).filteredOn(e -> e.entryType() == CanalEntry.EntryType.TRANSACTIONBEGIN).hasSize(1);
        }
    }

    @Test
    void aResumePointInsideATransactionSkipsExactlyTheAcknowledgedEntries(TestDatabase db) {
        db.execute("DROP DATABASE IF EXISTS it_resume", "CREATE DATABASE it_resume",
                "CREATE TABLE it_resume.t (id INT PRIMARY KEY)");
        TestDatabase.BinlogCoordinates from = db.masterStatus();
        db.execute("BEGIN", "INSERT INTO it_resume.t VALUES (1)", "INSERT INTO it_resume.t VALUES (2)",
                "INSERT INTO it_resume.t VALUES (3)", "COMMIT");
        ParsedEntry second;
        List<ParsedEntry> firstRun;
        try (LiveParser first = new LiveParser(db, "it_resume", b -> b.journal(from.file(), from.position())).start(null)) {
            first.awaitRows(3);
            firstRun = first.sink.snapshot();
            second = first.rowEntries().get(1);
        }
        // BEGIN, then per statement MariaDB's ANNOTATE_ROWS (a QUERY entry) and the rows entry, then END
        int ordinal = firstRun.indexOf(second) - firstRun.indexOf(firstRun.stream()
                .filter(e -> e.entryType() == CanalEntry.EntryType.TRANSACTIONBEGIN).findFirst().orElseThrow()) + 1;
        assertThat(second.resume().skipEntries()).isEqualTo(ordinal);
        List<ParsedEntry> rest = firstRun.subList(firstRun.indexOf(second) + 1, firstRun.size());
        try (LiveParser again = new LiveParser(db, "it_resume", b -> { }).start(second.resume())) {
            again.awaitRows(1);
            org.awaitility.Awaitility.await().until(() -> again.sink.snapshot().size() >= rest.size());
            List<ParsedEntry> got = again.sink.snapshot();
            assertThat(again.rows()).extracting(r -> LiveParser.value(r.getAfterColumnsList(), "id")).containsExactly("3");
            assertThat(got).extracting(e -> e.header().getLogfileOffset())
                    .containsExactlyElementsOf(rest.stream().map(e -> e.header().getLogfileOffset()).toList());
            assertThat(got.get(got.size() - 1).entryType()).isEqualTo(CanalEntry.EntryType.TRANSACTIONEND);
        }
    }

    static BigDecimal unused() {
        return BigDecimal.ZERO;
    }

    static ResumePoint at(TestDatabase.BinlogCoordinates c) {
        return ResumePoint.at(BinlogPosition.of(c.file(), c.position()));
    }
}
