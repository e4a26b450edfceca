package io.sluice.client.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.server.entry.EntryEncoder;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.meta.ClientIdentity;
import io.sluice.server.net.NetServer;
import io.sluice.server.net.NetServerSettings;
import io.sluice.server.net.testing.ListDestination;
import io.sluice.server.parser.BinlogFileParser;
import io.sluice.server.parser.schema.MemorySchemaHistoryStore;
import io.sluice.server.parser.schema.SchemaHistory;
import io.sluice.server.parser.value.ValueOptions;
import io.sluice.server.sink.TableFilter;
import io.sluice.testkit.LocalPostgres;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The MySQL → PostgreSQL type table of docs/table-sync.md, end to end: a source row per value class (extremes,
 * NULLs) copied into the PostgreSQL column type the page recommends and compared field by field.
 */
@ExtendWith(TestDatabaseExtension.class)
@Timeout(300)
class TableSyncTypesIT {

    @Test
    void everyDocumentedTypeArrivesInPostgresWithItsValue(TestDatabase db) throws Exception {
        String reason = LocalPostgres.unavailableReason();
        if (reason != null) {
            System.out.println("TableSyncTypesIT skipped: " + reason);
        }
        assumeTrue(reason == null, reason);
        db.execute("FLUSH BINARY LOGS");
        String firstFile = db.masterStatus().file();
        db.execute("DROP DATABASE IF EXISTS ttypes", "CREATE DATABASE ttypes",
                "CREATE TABLE ttypes.t (id INT PRIMARY KEY, u8 TINYINT UNSIGNED, i16 SMALLINT, i24 MEDIUMINT,"
                        + " u32 INT UNSIGNED, i64 BIGINT, u64 BIGINT UNSIGNED, num DECIMAL(65,30), f FLOAT, d DOUBLE,"
                        + " b BIT(10), dt DATETIME(6), ts TIMESTAMP(6) NULL, tm TIME(6), y YEAR, c CHAR(3), vc VARCHAR(40),"
                        + " tx TEXT, bin BINARY(4), blb BLOB, e ENUM('small','medium','large'), s SET('red','green','blue'),"
                        + " j JSON, ip INET6, u UUID)",
                "SET time_zone = '+00:00'",
                "INSERT INTO ttypes.t VALUES (1, 255, -32768, -8388608, 4294967295, -9223372036854775808,"
                        + " 18446744073709551615, -99999999999999999999999999999999999.999999999999999999999999999999,"
                        + " 1.5, -2.25e100, b'1000000001', '2024-02-29 12:34:56.789012', '2024-01-01 21:34:05.123456',"
                        + " '-838:59:59.000001', 2155, 'ab', 'héllo 😀 \\'q\\'', 'text 中文 \\\\ back', x'00ff0001',"
                        + " x'0001027f80feff', 'large', 'red,blue', '{\"a\": 1, \"b\": [true, null]}', '2001:db8::1',"
                        + " '123e4567-e89b-12d3-a456-426614174000')",
                "INSERT INTO ttypes.t (id) VALUES (2)",
                "INSERT INTO ttypes.t VALUES (3, 0, 0, 0, 0, 0, 0, 0.000000000000000000000000000001, 0, 0, b'0',"
                        + " '1970-01-01 00:00:00.000001', '1970-01-02 00:00:00.000001', '00:00:00.000001', 1901, '', '',"
                        + " '', x'00000000', '', 'small', '', '[]', '::', '00000000-0000-0000-0000-000000000000')",
                "FLUSH BINARY LOGS");
        List<StoredEntry> entries = decode(db, firstFile);
        ListDestination destination = new ListDestination("types", entries);
        ClientIdentity client = new ClientIdentity("types", (short) 1001);
        try (LocalPostgres pg = LocalPostgres.launch();
             NetServer server = new NetServer(NetServerSettings.open("127.0.0.1", 0), n -> Optional.of(destination))) {
            server.start();
            try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id integer PRIMARY KEY, u8 smallint, i16 smallint, i24 integer, u32 bigint,"
                        + " i64 bigint, u64 numeric(20), num numeric(65,30), f real, d double precision, b bigint,"
                        + " dt timestamp(6), ts timestamp(6), tm interval, y smallint, c char(3), vc varchar(40), tx text,"
                        + " bin bytea, blb bytea, e text, s text, j json, ip inet, u uuid)");
            }
            Properties p = new Properties();
            p.setProperty("sluice.address", "127.0.0.1:" + server.localAddress().getPort());
            p.setProperty("sluice.destination", "types");
            p.setProperty("target.url", pg.jdbcUrl());
            p.setProperty("target.user", pg.user());
            p.setProperty("sync.tables", "ttypes.t");
            try (TableSync sync = new TableSync(TableSyncSettings.fromProperties(p)).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> destination.isSubscribed(client)
                        && destination.acked(client) == entries.size());
            }
            // each side rendered to the same text: PostgreSQL's interval as seconds, CHAR without its padding
            String common = "id, u8, i16, i24, u32, i64, u64, num, f, d, %s, dt, ts, %s, %s, %s, vc, tx, bin, blb, e, s,"
                    + " %s, %s, %s";
            List<List<String>> source = TableSyncIT.rows(() -> {
                Connection c = db.connect();
                try (Statement s = c.createStatement()) {
                    s.execute("SET time_zone = '+00:00'");
                }
                return c;
            }, "SELECT " + String.format(common, "b + 0", "TIME_TO_SEC(tm)", "CAST(y AS UNSIGNED)", "c",
                    "CAST(j AS CHAR)", "CAST(ip AS CHAR)", "CAST(u AS CHAR)") + " FROM ttypes.t ORDER BY id");
            List<List<String>> target = TableSyncIT.rows(pg::connect, "SELECT " + String.format(common, "b",
                    "extract(epoch from tm)", "y", "rtrim(c)", "j::text", "host(ip)", "u::text") + " FROM t ORDER BY id");
            assertThat(target).hasSize(3);
            assertThat(target.get(0)).doesNotContainNull();
            for (int row = 0; row < source.size(); row++) {
                assertThat(target.get(row)).as("row %d", row + 1).isEqualTo(source.get(row));
            }
        }
    }

    private static List<StoredEntry> decode(TestDatabase db, String firstFile) throws Exception {
        Path base = Path.of(db.query("SELECT @@log_bin_basename AS b").get(0).get("b"));
        String current = db.masterStatus().file();
        List<String> files = db.query("SHOW BINARY LOGS").stream().map(m -> m.get("Log_name"))
                .filter(f -> f.compareTo(firstFile) >= 0 && f.compareTo(current) < 0).sorted().toList();
        List<ParsedEntry> parsed = new ArrayList<>();
        BinlogFileParser parser = new BinlogFileParser(new ValueOptions(false, ZoneOffset.UTC, StandardCharsets.UTF_8),
                false, new SchemaHistory(new MemorySchemaHistoryStore()), TableFilter.ALL, parsed::addAll, files.get(0));
        for (String f : files) {
            parser.parse(base.resolveSibling(f));
        }
        return parsed.stream().map(EntryEncoder::encode).toList();
    }
}
