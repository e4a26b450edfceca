package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One schema history for a destination whichever server runs it: rows on both sides of an ADD, a DROP and a
 * reorder of columns, read by the active server; kill -9 of it before the client acked past the DDL; the standby,
 * which never served the table, must deliver every row under its own column names, with both
 * {@code binlog_row_metadata} MINIMAL (only the history in ZooKeeper can tell) and FULL.
 */
@ExtendWith(TestDatabaseExtension.class)
@Timeout(300)
class ClusterSchemaHistoryIT {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"MINIMAL", "FULL"})
    void theStandbyDeliversRowsAroundADdlItNeverSawUnderTheirOwnNames(String rowMetadata, TestDatabase db)
            throws Exception {
        String before = db.query("SELECT @@GLOBAL.binlog_row_metadata AS v").get(0).get("v");
        String t = "ha.s_" + rowMetadata.toLowerCase();
        db.execute("SET GLOBAL binlog_row_metadata = '" + rowMetadata + "'", "CREATE DATABASE IF NOT EXISTS ha",
                "DROP TABLE IF EXISTS " + t, "DROP TABLE IF EXISTS ha.marker", "CREATE TABLE ha.marker (id INT)",
                "CREATE TABLE " + t + " (id INT PRIMARY KEY, a INT, b VARCHAR(10), c VARCHAR(10))");
        try (SluiceCluster cluster = new SluiceCluster(dir, db, 2, "sluice.ha.rebalance = false");
             SluiceConnector client = SluiceConnector.cluster(cluster.connectString(),
                     ConnectorSettings.of(SluiceCluster.DEST).withReconnect(600, Duration.ofMillis(50)))) {
            cluster.startAll();
            SluiceCluster.Server active = await().atMost(Duration.ofSeconds(60))
                    .until(cluster::active, Optional::isPresent).get();
            // the running node is there a moment before the destination runs
            await().atMost(Duration.ofSeconds(30)).ignoreException(ServerErrorException.class).until(() -> {
                client.connect();
                client.subscribe();
                return true;
            });
            // a row delivered means the parser has read the tables: rows written before that read could not be
            // proven under MINIMAL (they would be flagged), rows written after it are
            db.execute("INSERT INTO ha.marker VALUES (1)");
            receive(client, "ha.marker", rows -> !rows.isEmpty(), true);

            db.execute("INSERT INTO " + t + " VALUES (1, 11, 'b1', 'c1')");
            assertThat(receive(client, t, rows -> rows.size() >= 1, true)).containsExactly("null|id=1 a=11 b=b1 c=c1");

            db.execute("ALTER TABLE " + t + " ADD COLUMN d INT",
                    "INSERT INTO " + t + " VALUES (2, 12, 'b2', 'c2', 22)",
                    "ALTER TABLE " + t + " DROP COLUMN a",
                    "INSERT INTO " + t + " VALUES (3, 'b3', 'c3', 33)",
                    "ALTER TABLE " + t + " MODIFY c VARCHAR(10) AFTER id",
                    "INSERT INTO " + t + " (id, c, b, d) VALUES (4, 'c4', 'b4', 44)");
            // the active has read past every DDL; the client does not ack
            receive(client, t, rows -> rows.size() >= 3, false);
            active.kill();
            db.execute("INSERT INTO " + t + " (id, c, b, d) VALUES (5, 'c5', 'b5', 55)");

            List<String> afterFailover = receive(client, t, rows -> rows.stream().anyMatch(r -> r.contains("id=5 ")), true);
            assertThat(cluster.active()).as("the standby took over").isPresent().get().isNotEqualTo(active);
            assertThat(afterFailover).as("every row after the acked one, under its own names, none flagged")
                    .containsExactly("null|id=2 a=12 b=b2 c=c2 d=22", "null|id=3 b=b3 c=c3 d=33",
                            "null|id=4 c=c4 b=b4 d=44", "null|id=5 c=c5 b=b5 d=55");
            System.out.printf("HA_RESULT client=sluice test=schema-history binlog_row_metadata=%s rows=%s%n",
                    rowMetadata, afterFailover);
        } finally {
            db.execute("SET GLOBAL binlog_row_metadata = '" + before + "'");
        }
    }

    /** Gets batches (acking them or not) until the rows of {@code table} received satisfy {@code done}. */
    private static List<String> receive(SluiceConnector client, String table, Predicate<List<String>> done, boolean ack)
            throws Exception {
        List<String> rows = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!done.test(rows)) {
            assertThat(System.nanoTime()).as("rows so far: %s", rows).isLessThan(deadline);
            Message message;
            try {
                message = client.getWithoutAck(100, 200, TimeUnit.MILLISECONDS);
            } catch (SluiceClientException e) {
                Thread.sleep(50); // no active server yet
                continue;
            }
            for (CanalEntry.Entry entry : message.entries()) {
                CanalEntry.Header h = entry.getHeader();
                if (entry.getEntryType() != CanalEntry.EntryType.ROWDATA
                        || !(h.getSchemaName() + "." + h.getTableName()).equals(table)) {
                    continue;
                }
                CanalEntry.RowChange change = CanalEntry.RowChange.parseFrom(entry.getStoreValue());
                String flag = h.getPropsList().stream().filter(p -> p.getKey().equals("sluice.structure"))
                        .map(CanalEntry.Pair::getValue).findFirst().orElse(null);
                for (CanalEntry.RowData row : change.getRowDatasList()) {
                    List<String> columns = new ArrayList<>();
                    for (CanalEntry.Column c : row.getAfterColumnsList()) {
                        columns.add(c.getName() + "=" + c.getValue());
                    }
                    rows.add(flag + "|" + String.join(" ", columns));
                }
            }
            if (ack && !message.isEmpty()) {
                try {
                    client.ack(message);
                } catch (SluiceClientException e) {
                    // the batch's session ended; the new active sends it again
                }
            }
        }
        return rows;
    }
}
