package io.sluice.server.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.server.entry.StoredEntry;
import io.sluice.testkit.KafkaBroker;
import io.sluice.testkit.LocalPostgres;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debezium's own JDBC sink connector (debezium-connector-jdbc) in a Kafka Connect standalone worker reads what
 * Sluice published in Debezium's format (with schemas) to a real Kafka broker, and writes it into a private
 * PostgreSQL: at the end every target table equals its source table on the private MariaDB row for row, over the
 * types of the values matrix, after inserts, updates, key changes, deletes, an ALTER ADD COLUMN and a TRUNCATE.
 */
@ExtendWith(TestDatabaseExtension.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class DebeziumJdbcSinkIT {

    private static final Logger log = LoggerFactory.getLogger(DebeziumJdbcSinkIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The source table with every value as text in one normal form, the same one {@link #TARGET_TYPED} gives for
     * PostgreSQL's column types (what the sink created from the Connect schemas):
     * <ul>
     *   <li>integers (BIGINT UNSIGNED up to 2^64-1), DECIMAL, strings, ENUM, SET, JSON, INET6, UUID: as each server prints them, unchanged (DECIMAL
     *       keeps its scale in numeric(p,s); YEAR as a number);</li>
     *   <li>FLOAT / DOUBLE: the binary value (source read as DOUBLE, both printed by Java's Float / Double);</li>
     *   <li>BIT(1): 0 / 1 (PostgreSQL boolean); BIT(6): its bits as text (PostgreSQL bit(6));</li>
     *   <li>DATE: ISO text; the zero date {@code 0000-00-00} is NULL, as Debezium (and Sluice) send it;</li>
     *   <li>DATETIME(p), TIME(p): wall clock with exactly p fraction digits;</li>
     *   <li>TIMESTAMP(6): the instant as UTC wall clock (source session time zone UTC, target timestamptz AT TIME ZONE
     *       'UTC');</li>
     *   <li>BINARY, VARBINARY, BLOB, GEOMETRY (SRID + WKB, Sluice's bytes; PostgreSQL bytea): upper-case hex.</li>
     * </ul>
     */
    static final String SOURCE_TYPED = "SELECT id, ti, tu, si, su, mi, iu, bi, bu, CAST(f AS DOUBLE) AS f, d, dc, dbig,"
            + " dneg, b1 + 0 AS b1, LPAD(BIN(b6), 6, '0') AS b6,"
            + " IF(CAST(dt AS CHAR) = '0000-00-00', NULL, CAST(dt AS CHAR)) AS dt, CAST(dtm AS CHAR) AS dtm,"
            + " CAST(dt3 AS CHAR) AS dt3, CAST(dt6 AS CHAR) AS dt6, CAST(ts6 AS CHAR) AS ts6, CAST(tm AS CHAR) AS tm,"
            + " CAST(tm6 AS CHAR) AS tm6, yr + 0 AS yr, c, vc, tx, l1, HEX(bn) AS bn, HEX(vb) AS vb, HEX(bl) AS bl,"
            + " en, st, js, CAST(i6 AS CHAR) AS i6, CAST(uu AS CHAR) AS uu, HEX(g) AS g, added FROM cdc.typed";

    static final String TARGET_TYPED = "SELECT id::text, ti::text, tu::text, si::text, su::text, mi::text, iu::text,"
            + " bi::text, bu::text, f::text, d::text, dc::text, dbig::text, dneg::text, b1::int::text AS b1,"
            + " b6::text, dt::text, to_char(dtm, 'YYYY-MM-DD HH24:MI:SS') AS dtm,"
            + " to_char(dt3, 'YYYY-MM-DD HH24:MI:SS.MS') AS dt3, to_char(dt6, 'YYYY-MM-DD HH24:MI:SS.US') AS dt6,"
            + " to_char(ts6 AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS ts6, to_char(tm, 'HH24:MI:SS') AS tm,"
            + " to_char(tm6, 'HH24:MI:SS.US') AS tm6, yr::text, c, vc, tx, l1, upper(encode(bn, 'hex')) AS bn,"
            + " upper(encode(vb, 'hex')) AS vb, upper(encode(bl, 'hex')) AS bl, en, st, js, i6, uu,"
            + " upper(encode(g, 'hex')) AS g, added FROM typed";

    static final String SOURCE_WIPED = "SELECT id, name, amount FROM cdc.wiped";
    static final String TARGET_WIPED = "SELECT id::text, name, amount::text FROM wiped";

    @Test
    void debeziumJdbcSinkWritesTargetTablesEqualToTheSourceTables(TestDatabase db) throws Exception {
        assumeTrue(db.flavor().equals("MariaDB"), "the workload uses MariaDB's INET6 and UUID types");
        String noPostgres = LocalPostgres.unavailableReason();
        assumeTrue(noPostgres == null, noPostgres);
        TypesWorkload workload = TypesWorkload.run(db);
        try (KafkaBroker broker = KafkaBroker.start(Map.of()); LocalPostgres pg = LocalPostgres.launch()) {
            // one partition: a TRUNCATE has no key, and must stay in order with the rows of every key
            broker.createTopic("sluice.cdc.typed", 1);
            broker.createTopic("sluice.cdc.wiped", 1);
            Properties p = FlinkCanalJsonIT.properties(broker, "unused");
            p.setProperty("sluice.mq.format", "debezium");
            p.setProperty("sluice.mq.debezium.topic.prefix", "sluice");
            p.setProperty("sluice.mq.debezium.schemas.enable", "true");
            p.setProperty("sluice.mq.debezium.truncate", "true");
            // BIGINT UNSIGNED as Decimal(20, 0): the sink creates numeric(20,0) and keeps values above 2^63-1
            p.setProperty("sluice.mq.debezium.bigint.unsigned.handling.mode", "precise");
            // Debezium's transaction metadata and heartbeats on: the sink reads data events with a transaction block
            p.setProperty("sluice.mq.debezium.provide.transaction.metadata", "true");
            p.setProperty("sluice.mq.debezium.heartbeat.interval.ms", "1000");
            p.setProperty("sluice.values.time-zone", "UTC");
            publish(workload.entries(), p);

            FormatExamples examples = new FormatExamples();
            for (ConsumerRecord<byte[], byte[]> rec : KafkaFromBinlogIT.consumeAll(broker, "sluice.cdc.wiped", 1)) {
                examples.offer(rec.value() == null ? "tombstone"
                        : "op " + JSON.readTree(rec.value()).get("payload").get("op").asText(), rec.key(), rec.value());
            }
            assertTransactionsMatchTheDataEvents(broker, examples);
            examples.write("debezium-jdbc-sink");

            try (ConnectStandaloneWorker worker = ConnectStandaloneWorker.start(broker.bootstrap(), connectorConfig(pg),
                    Path.of("target", "connect-worker.log"))) {
                Map<String, Map<String, String>> typed = source(db, SOURCE_TYPED);
                Map<String, Map<String, String>> wiped = source(db, SOURCE_WIPED);
                // the workload's keys: moved ones present under their new key, deleted ones gone, TRUNCATE applied
                assertThat(typed).containsKeys("1", "2", "12", "100", "1020", "1022", "200").doesNotContainKeys(
                        "3", "11", "13", "14", "15", "16", "17", "20", "21", "22", "1021").hasSizeGreaterThan(25);
                assertThat(wiped.keySet()).containsExactly("2", "4");
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                Map<String, Map<String, String>> typedTarget = Map.of();
                Map<String, Map<String, String>> wipedTarget = Map.of();
                while (System.nanoTime() < deadline && !(typed.equals(typedTarget) && wiped.equals(wipedTarget))) {
                    assertThat(worker.log()).as("connect worker log").doesNotContain("unrecoverable exception");
                    Thread.sleep(500);
                    typedTarget = target(pg, TARGET_TYPED);
                    wipedTarget = target(pg, TARGET_WIPED);
                }
                log.info("target tables: typed {} rows, wiped {} rows (source: {}, {})", typedTarget.size(),
                        wipedTarget.size(), typed.size(), wiped.size());
                assertThat(typedTarget).as("cdc.typed in PostgreSQL").isEqualTo(typed);
                assertThat(wipedTarget).as("cdc.wiped in PostgreSQL").isEqualTo(wiped);
                log.info("columns the sink created: {}", columnTypes(pg, "typed"));
                assertThat(columnTypes(pg, "typed")).containsAllEntriesOf(Map.of("bu", "numeric(20,0)",
                        "dbig", "numeric(38,30)", "b1", "boolean", "b6", "bit(6)", "ts6", "timestamp(6) with time zone",
                        "tm6", "time(6) without time zone", "bl", "bytea", "added", "text"));
                // the sink rejected nothing: its only warnings are the ENUM fallback to text and, with
                // ${source.table} naming, one skipped tombstone per delete (the d event before it deleted the row)
                assertThat(worker.log().lines().filter(l -> l.contains(" ERROR ") || l.contains(" WARN ")))
                        .allMatch(l -> l.contains("Cannot create enum types automatically")
                                || l.contains("isn't a Debezium record") || l.contains("No resolvable table name"));
            }
        }
    }

    /** Every BEGIN has its END, and the END counts add up to the data events that carry a transaction block. */
    private static void assertTransactionsMatchTheDataEvents(KafkaBroker broker, FormatExamples examples)
            throws Exception {
        Map<String, Long> inTransaction = new TreeMap<>();
        for (String topic : List.of("sluice.cdc.typed", "sluice.cdc.wiped")) {
            for (ConsumerRecord<byte[], byte[]> rec : KafkaFromBinlogIT.consumeAll(broker, topic, 1)) {
                if (rec.value() != null && !JSON.readTree(rec.value()).get("payload").get("transaction").isNull()) {
                    inTransaction.merge(topic.substring("sluice.".length()), 1L, Long::sum);
                }
            }
        }
        Map<String, Long> ended = new TreeMap<>();
        int begins = 0;
        int ends = 0;
        for (ConsumerRecord<byte[], byte[]> rec : KafkaFromBinlogIT.consumeAll(broker, "sluice.transaction", 1)) {
            JsonNode value = JSON.readTree(rec.value()).get("payload");
            examples.offer("transaction " + value.get("status").asText(), rec.key(), rec.value());
            if (value.get("status").asText().equals("BEGIN")) {
                begins++;
                continue;
            }
            ends++;
            value.get("data_collections").forEach(c -> ended.merge(c.get("data_collection").asText(),
                    c.get("event_count").asLong(), Long::sum));
        }
        assertThat(begins).isEqualTo(ends).isGreaterThan(10);
        assertThat(ended).isEqualTo(inTransaction);
        List<ConsumerRecord<byte[], byte[]>> heartbeats = KafkaFromBinlogIT.consumeAll(broker, "__debezium-heartbeat.sluice", 1);
        assertThat(heartbeats).isNotEmpty();
        examples.offer("heartbeat", heartbeats.get(0).key(), heartbeats.get(0).value());
    }

    private static void publish(List<StoredEntry> entries, Properties p) {
        InMemoryDestination d = new InMemoryDestination("cdc");
        d.append(entries);
        MqPublishSettings settings = MqPublishSettings.fromProperties(p);
        try (DestinationPublisher publisher = new DestinationPublisher(d, settings, MqProducer.create(settings)).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> d.ackedEntries() == d.size());
        }
    }

    static Map<String, String> connectorConfig(LocalPostgres pg) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("name", "sluice-jdbc-sink");
        c.put("connector.class", "io.debezium.connector.jdbc.JdbcSinkConnector");
        c.put("tasks.max", "1");
        c.put("topics", "sluice.cdc.typed,sluice.cdc.wiped");
        c.put("connection.url", pg.jdbcUrl());
        c.put("connection.username", pg.user());
        c.put("connection.password", "");
        c.put("insert.mode", "upsert");
        c.put("primary.key.mode", "record_key");
        c.put("delete.enabled", "true");
        c.put("truncate.enabled", "true");
        c.put("schema.evolution", "basic");
        c.put("collection.name.format", "${source.table}");
        c.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("key.converter.schemas.enable", "true");
        c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("value.converter.schemas.enable", "true");
        return c;
    }

    /** Column name to type ({@code format_type}) of a table the sink created. */
    private static Map<String, String> columnTypes(LocalPostgres pg, String table) throws SQLException {
        Map<String, String> types = new LinkedHashMap<>();
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
                     + " WHERE attrelid = '" + table + "'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
            while (rs.next()) {
                types.put(rs.getString(1), rs.getString(2));
            }
        }
        return types;
    }

    /** The source rows by id, every value as text in the normal form documented on {@link #SOURCE_TYPED}. */
    private static Map<String, Map<String, String>> source(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+00:00'");
            return rows(s, sql);
        }
    }

    private static Map<String, Map<String, String>> target(LocalPostgres pg, String sql) {
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            return rows(s, sql);
        } catch (SQLException e) {
            return Map.of(); // the sink has not created the table (or its new column) yet
        }
    }

    private static Map<String, Map<String, String>> rows(Statement s, String sql) throws SQLException {
        Map<String, Map<String, String>> out = new TreeMap<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= n; i++) {
                    String column = rs.getMetaData().getColumnLabel(i);
                    String v = rs.getString(i);
                    // FLOAT and DOUBLE: the same binary value, whatever digits each server prints
                    if (v != null && column.equals("f")) {
                        v = Float.toString(Float.parseFloat(v));
                    } else if (v != null && column.equals("d")) {
                        v = Double.toString(Double.parseDouble(v));
                    }
                    row.put(column, v);
                }
                out.put(row.get("id"), row);
            }
        }
        return out;
    }
}
