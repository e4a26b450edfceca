package io.sluice.server.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.parser.schema.EveryColumnType;
import io.sluice.server.parser.value.ValueOptions;
import io.sluice.server.position.SnapshotProgress;
import io.sluice.server.tls.MasterTls;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Snapshot rows carry the master's COLUMN_TYPE as mysqlType, for every column type and alias. */
@ExtendWith(TestDatabaseExtension.class)
@Timeout(120)
class SnapshotColumnTypeIT {

    @Test
    void snapshotRowsCarryTheMastersColumnTypes(TestDatabase db) throws Exception {
        db.execute("DROP DATABASE IF EXISTS snapcoltypes", "CREATE DATABASE snapcoltypes",
                EveryColumnType.create("snapcoltypes", "t"),
                "INSERT INTO snapcoltypes.t (id, c_bool, c_varchar, c_json) VALUES (1, 1, 'x', '{}'), (2, NULL, NULL, NULL)");
        Map<String, String> expected = EveryColumnType.columnTypes(db, "snapcoltypes", "t");

        for (boolean canal : new boolean[] {false, true}) {
            List<List<CanalEntry.Column>> rows = new ArrayList<>();
            try (SnapshotConnection c = SnapshotConnection.open(new SnapshotConnection.Target(db.host(), db.port(),
                    TestDatabase.REPLICATION_USER, TestDatabase.REPLICATION_PASSWORD, Duration.ofSeconds(10),
                    MasterTls.disabled(db.host(), db.port())))) {
                c.beginConsistentSnapshot();
                SnapshotTable table = c.describe(new SnapshotProgress.Table("snapcoltypes", "t"));
                TableReader reader = new TableReader(table, new ValueOptions(canal, ZoneOffset.UTC, StandardCharsets.UTF_8), 10);
                List<String> after = List.of();
                Chunk chunk;
                do {
                    chunk = reader.read(c.jdbc(), after);
                    for (Chunk.Piece p : chunk.pieces()) {
                        p.rows().getRowDatasList().forEach(r -> rows.add(r.getAfterColumnsList()));
                        after = p.lastKey();
                    }
                } while (!chunk.tableDone());
                c.commit();
            }
            assertThat(rows).hasSize(2);
            for (List<CanalEntry.Column> row : rows) {
                Map<String, String> actual = new LinkedHashMap<>();
                row.forEach(col -> actual.put(col.getName(), col.getMysqlType()));
                assertThat(actual).as("canal-compatible values: " + canal).containsExactlyEntriesOf(expected);
            }
        }
        assertThat(expected).containsEntry("c_bool", "tinyint(1)").containsEntry("c_json", "longtext");
    }
}
