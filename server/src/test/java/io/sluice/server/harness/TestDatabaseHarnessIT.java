package io.sluice.server.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Proves the private test server: reachable over JDBC, binlog on, and readable as a replica. */
@ExtendWith(TestDatabaseExtension.class)
class TestDatabaseHarnessIT {

    @Test
    void rowWrittenOverJdbcAppearsInTheBinlogReadAsAReplica(TestDatabase db) throws Exception {
        db.execute("CREATE DATABASE IF NOT EXISTS harness",
                "CREATE TABLE IF NOT EXISTS harness.t (id INT PRIMARY KEY, name VARCHAR(20))",
                "DELETE FROM harness.t");
        TestDatabase.BinlogCoordinates before = db.masterStatus();
        assertThat(before.file()).startsWith("mysql-bin.");

        assertThat(db.query("SELECT @@binlog_format AS f").get(0).get("f")).isEqualTo("ROW");
        db.execute("INSERT INTO harness.t VALUES (42, 'harness')");
        assertThat(db.masterStatus().position()).isGreaterThan(before.position());

        BinaryLogClient client = new BinaryLogClient(db.host(), db.port(),
                TestDatabase.REPLICATION_USER, TestDatabase.REPLICATION_PASSWORD);
        client.setServerId(65_001);
        client.setBinlogFilename(before.file());
        client.setBinlogPosition(before.position());
        List<Serializable[]> rows = new CopyOnWriteArrayList<>();
        client.registerEventListener(event -> {
            if (EventType.isWrite(event.getHeader().getEventType())) {
                rows.addAll(((WriteRowsEventData) event.getData()).getRows());
            }
        });
        client.connect(10_000);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (rows.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            client.disconnect();
        }
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)[0]).isEqualTo(42);
        Object name = rows.get(0)[1];
        assertThat(name instanceof byte[] b ? new String(b) : name).isEqualTo("harness");
    }
}
