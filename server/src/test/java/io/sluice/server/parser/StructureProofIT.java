package io.sluice.server.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.parser.schema.MemorySchemaHistoryStore;
import io.sluice.server.ha.ZkPaths;
import io.sluice.server.parser.schema.ZooKeeperSchemaHistoryStore;
import io.sluice.server.position.ResumePoint;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rows on both sides of an ADD, a DROP and a reorder of columns, read by a parser that did not see them written:
 * with the schema history another parser kept in ZooKeeper every row comes with its own column names; without
 * it, {@code binlog_row_metadata=FULL} names them, and under MINIMAL every row whose structure cannot be proven
 * says so ({@code sluice.structure}) instead of arriving under another row's names.
 */
@ExtendWith(TestDatabaseExtension.class)
@Timeout(180)
class StructureProofIT {

    /** Where the server keeps the history of destination "example" (DestinationWiring). */
    private static final String NODE = ZkPaths.destination("example") + "/sluice-schema/example";

    /** What each row is, column by column in the table's order when it was written. */
    private static final List<String> EXPECTED = List.of(
            "id=1 a=11 b=b1 c=c1",
            "id=2 a=12 b=b2 c=c2 d=22",
            "id=3 b=b3 c=c3 d=33",
            "id=4 c=c4 b=b4 d=44",
            "id=5 c=c5 b=b5 d=55");

    private static void schemaAndRowsBeforeTheDdl(TestDatabase db, String schema) {
        db.execute("DROP DATABASE IF EXISTS " + schema, "CREATE DATABASE " + schema,
                "CREATE TABLE " + schema + ".t (id INT PRIMARY KEY, a INT, b VARCHAR(10), c VARCHAR(10))");
    }

    /** Rows and the DDL between them: the table of each row has the same column count and types as today's twice. */
    private static void rowsAndDdl(TestDatabase db, String schema) {
        String t = schema + ".t";
        db.execute("INSERT INTO " + t + " VALUES (1, 11, 'b1', 'c1')",
                "ALTER TABLE " + t + " ADD COLUMN d INT",
                "INSERT INTO " + t + " VALUES (2, 12, 'b2', 'c2', 22)",
                "ALTER TABLE " + t + " DROP COLUMN a",
                "INSERT INTO " + t + " VALUES (3, 'b3', 'c3', 33)",
                "ALTER TABLE " + t + " MODIFY c VARCHAR(10) AFTER id",
                "INSERT INTO " + t + " (id, c, b, d) VALUES (4, 'c4', 'b4', 44)");
    }

    private static String described(CanalEntry.RowData row) {
        List<String> parts = new ArrayList<>();
        for (CanalEntry.Column c : row.getAfterColumnsList()) {
            parts.add(c.getName() + "=" + c.getValue());
        }
        return String.join(" ", parts);
    }

    private static String flag(ParsedEntry e) {
        return e.header().getPropsList().stream().filter(p -> p.getKey().equals(StructureCheck.PROPERTY))
                .map(CanalEntry.Pair::getValue).findFirst().orElse(null);
    }

    /** "flag|id=.. a=.." per row, in order. */
    private static List<String> delivered(LiveParser parser) {
        List<String> out = new ArrayList<>();
        for (ParsedEntry e : parser.rowEntries()) {
            for (CanalEntry.RowData row : e.rowChange().getRowDatasList()) {
                out.add(flag(e) + "|" + described(row));
            }
        }
        return out;
    }

    private static String metadata(TestDatabase db) {
        return db.query("SELECT @@GLOBAL.binlog_row_metadata AS v").get(0).get("v");
    }

    @ParameterizedTest
    @ValueSource(strings = {"MINIMAL", "FULL"})
    void aParserThatNeverSawTheDdlDecodesEveryRowWithTheHistoryKeptInZooKeeper(String rowMetadata, TestDatabase db)
            throws Exception {
        String schema = "it_proof_zk_" + rowMetadata.toLowerCase();
        String before = metadata(db);
        try (TestingServer server = new TestingServer(true);
             CuratorFramework zk = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100))) {
            zk.start();
            zk.blockUntilConnected();
            db.execute("SET GLOBAL binlog_row_metadata = '" + rowMetadata + "'");
            schemaAndRowsBeforeTheDdl(db, schema);
            TestDatabase.BinlogCoordinates created = db.masterStatus();
            ResumePoint acked;
            try (LiveParser active = new LiveParser(db, schema, b -> b.journal(created.file(), created.position()),
                    new ZooKeeperSchemaHistoryStore(zk, NODE, ZkPaths.epoch("example"))).start(null)) {
                // seeded before the DDL: a parser that reads the master's tables while they change cannot prove them
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> active.parser.status().state() == ParserStatus.State.STREAMING);
                rowsAndDdl(db, schema);
                active.awaitRows(4);
                assertThat(delivered(active)).containsExactlyElementsOf(
                        EXPECTED.subList(0, 4).stream().map(r -> "null|" + r).toList());
                // the client acked the first row only; the active dies (its history was written at each DDL)
                acked = active.sink.snapshot().stream()
                        .filter(e -> e.entryType() == CanalEntry.EntryType.TRANSACTIONEND).findFirst()
                        .orElseThrow().resume();
            }
            db.execute("INSERT INTO " + schema + ".t (id, c, b, d) VALUES (5, 'c5', 'b5', 55)");
            try (LiveParser standby = new LiveParser(db, schema, b -> { },
                    new ZooKeeperSchemaHistoryStore(zk, NODE, ZkPaths.epoch("example"))).start(acked)) {
                standby.awaitRows(4);
                assertThat(delivered(standby)).as("rows 2 to 5, each under its own names, none flagged")
                        .containsExactlyElementsOf(EXPECTED.subList(1, 5).stream().map(r -> "null|" + r).toList());
            }
        } finally {
            db.execute("SET GLOBAL binlog_row_metadata = '" + before + "'");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"MINIMAL", "FULL"})
    void withoutHistoryNoRowArrivesUnderAnotherRowsNamesUnflagged(String rowMetadata, TestDatabase db) {
        String schema = "it_proof_lost_" + rowMetadata.toLowerCase();
        String before = metadata(db);
        try {
            db.execute("SET GLOBAL binlog_row_metadata = '" + rowMetadata + "'");
            schemaAndRowsBeforeTheDdl(db, schema);
            TestDatabase.BinlogCoordinates created = db.masterStatus();
            rowsAndDdl(db, schema);
            // a history lost (or never shared): the parser starts at an old position and reads today's table
            try (LiveParser parser = new LiveParser(db, schema, b -> b.journal(created.file(), created.position()),
                    new MemorySchemaHistoryStore()).start(null)) {
                parser.awaitRows(4);
                db.execute("INSERT INTO " + schema + ".t (id, c, b, d) VALUES (5, 'c5', 'b5', 55)");
                parser.awaitRows(5);
                List<String> rows = delivered(parser);
                assertThat(rows).hasSize(5);
                if (rowMetadata.equals("FULL")) {
                    assertThat(rows).as("the table map names every column")
                            .containsExactlyElementsOf(EXPECTED.stream().map(r -> "null|" + r).toList());
                } else {
                    for (int i = 0; i < 4; i++) {
                        assertThat(rows.get(i)).as("row %d, written before the structure read from the master", i + 1)
                                .matches("(unverified|missing)\\|.*");
                    }
                    assertThat(rows.get(4)).as("a row written after the read is proven")
                            .isEqualTo("null|" + EXPECTED.get(4));
                }
            }
        } finally {
            db.execute("SET GLOBAL binlog_row_metadata = '" + before + "'");
        }
    }
}
