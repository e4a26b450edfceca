package io.sluice.server.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.tls.MasterTls;
import io.sluice.testkit.LocalMariaDb;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the parser refuses, and how it says so: purged positions, statement logging, grants, server ids. */
@ExtendWith(TestDatabaseExtension.class)
class ParserRefusalsIT {

    @Test
    void aPurgedPositionFailsNamingTheRequestedAndTheOldestPosition(TestDatabase db) {
        db.execute("FLUSH BINARY LOGS", "FLUSH BINARY LOGS");
        String current = db.masterStatus().file();
        // MariaDB keeps a file a lingering dump thread (of an earlier test) still reads: purge until it is gone
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            db.execute("PURGE BINARY LOGS TO '" + current + "'");
            return db.query("SHOW BINARY LOGS").get(0).get("Log_name").equals(current);
        });
        try (LiveParser live = new LiveParser(db, "it_purged", b -> { })
                .start(ResumePoint.at(BinlogPosition.of("mysql-bin.000001", 4)))) {
            live.awaitFailure();
            assertThat(live.parser.failure()).isInstanceOf(BinlogPurgedException.class)
                    .hasMessageContaining("mysql-bin.000001:4").hasMessageContaining(current + ":4");
            assertThat(live.parser.status().lastError()).contains("no longer on master");
            assertThat(live.parser.isRunning()).isFalse();
        }
    }

    @Test
    void aUserWithoutReplicationSlaveIsRefusedNamingTheGrant(TestDatabase db) {
        db.execute("DROP USER IF EXISTS 'noslave'@'%'", "CREATE USER 'noslave'@'%' IDENTIFIED BY 'pw'",
                "GRANT SELECT, REPLICATION CLIENT ON *.* TO 'noslave'@'%'");
        ParserSettings settings = ParserSettings.builder("it-grant", db.host(), db.port(), "noslave", "pw")
                .transport(MasterTls.disabled(db.host(), db.port())).build();
        CollectingSink sink = new CollectingSink();
        BinlogParser parser = new BinlogParser(settings,
                new io.sluice.server.parser.schema.SchemaHistory(new io.sluice.server.parser.schema.MemorySchemaHistoryStore()),
                (s, t) -> false, sink);
        try {
            parser.start(null);
            await().atMost(Duration.ofSeconds(60)).until(() -> parser.status().state() == ParserStatus.State.FAILED);
            assertThat(parser.failure()).isInstanceOf(ReplicationPrivilegeException.class)
                    .hasMessageContaining("REPLICATION SLAVE").hasMessageContaining("noslave");
        } finally {
            parser.stop();
        }
    }

    @Test
    void aServerIdCollisionIsReportedAndTheParserTakesItsPlaceBackWithoutLosingRows(TestDatabase db) throws Exception {
        db.execute("DROP DATABASE IF EXISTS it_sid", "CREATE DATABASE it_sid", "CREATE TABLE it_sid.t (id INT PRIMARY KEY)");
        try (LiveParser live = new LiveParser(db, "it_sid", b -> b.slaveId(424242)).start(null)) {
            await().until(() -> live.parser.status().state() == ParserStatus.State.STREAMING);
            db.execute("INSERT INTO it_sid.t VALUES (1)");
            live.awaitRows(1);
            BinaryLogClient intruder = new BinaryLogClient(db.host(), db.port(), TestDatabase.REPLICATION_USER,
                    TestDatabase.REPLICATION_PASSWORD);
            intruder.setServerId(424242);
            intruder.setKeepAlive(false);
            intruder.connect(10_000);
            await().atMost(Duration.ofSeconds(30)).until(() -> String.valueOf(live.parser.status().lastError())
                    .contains("server id 424242"));
            intruder.disconnect();
            db.execute("INSERT INTO it_sid.t VALUES (2)");
            live.awaitRows(2);
            assertThat(live.rows()).extracting(r -> LiveParser.value(r.getAfterColumnsList(), "id")).containsExactly("1", "2");
        }
    }

    @Test
    void statementLoggingIsRefusedAtConnectAndInTheStream() throws Exception {
        try (LocalMariaDb db = LocalMariaDb.launch()) {
            db.execute("CREATE DATABASE it_stmt", "CREATE TABLE it_stmt.t (id INT PRIMARY KEY)");
            try (LiveParser live = new LiveParser(db, "it_stmt", b -> { }).start(null)) {
                await().until(() -> live.parser.status().state() == ParserStatus.State.STREAMING);
                try (var c = db.connect(); var s = c.createStatement()) {
                    s.execute("SET SESSION binlog_format = 'STATEMENT'");
                    s.execute("INSERT INTO it_stmt.t VALUES (1)");
                }
                live.awaitFailure();
                assertThat(live.parser.failure()).isInstanceOf(UnsupportedBinlogFormatException.class)
                        .hasMessageContaining("binlog_format=ROW").hasMessageContaining("INSERT");
            }
            db.execute("SET GLOBAL binlog_format = 'STATEMENT'");
            try (LiveParser live = new LiveParser(db, "it_stmt", b -> { }).start(null)) {
                live.awaitFailure();
                assertThat(live.parser.failure()).isInstanceOf(UnsupportedBinlogFormatException.class)
                        .hasMessageContaining("binlog_format=STATEMENT").hasMessageContaining("binlog_format=ROW");
            }
        }
    }
}
