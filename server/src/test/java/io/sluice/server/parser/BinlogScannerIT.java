package io.sluice.server.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.server.position.BinlogPosition;
import io.sluice.server.tls.MasterTls;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A timestamp start against the private MariaDB: the right position, found by reading few files. */
@ExtendWith(TestDatabaseExtension.class)
@Timeout(120)
class BinlogScannerIT {

    @Test
    void aTimestampFarBackIsFoundByProbingLogarithmicallyManyFilesAndReadingOne(TestDatabase db) throws Exception {
        db.execute("DROP DATABASE IF EXISTS it_scan", "CREATE DATABASE it_scan",
                "CREATE TABLE it_scan.t (id INT PRIMARY KEY)", "INSERT INTO it_scan.t VALUES (1)");
        Thread.sleep(1100); // binlog timestamps have one-second resolution
        long at = Long.parseLong(db.query("SELECT UNIX_TIMESTAMP() AS t").get(0).get("t")) * 1000;
        db.execute("INSERT INTO it_scan.t VALUES (2)");
        String fileOfRow2 = db.query("SHOW MASTER STATUS").get(0).get("File");
        for (int i = 0; i < 40; i++) {
            db.execute("FLUSH BINARY LOGS", "INSERT INTO it_scan.t VALUES (" + (100 + i) + ")");
        }

        ParserSettings settings = ParserSettings.builder("it-scan", db.host(), db.port(),
                TestDatabase.REPLICATION_USER, TestDatabase.REPLICATION_PASSWORD)
                .connectTimeout(Duration.ofSeconds(10)).transport(MasterTls.disabled(db.host(), db.port())).build();
        BinlogScanner scanner = new BinlogScanner(settings);
        BinlogPosition found;
        int files;
        try (MasterConnection master = MasterConnection.open(settings)) {
            files = master.binaryLogs().size();
            found = scanner.atTimestamp(master, at);
        }

        assertThat(files).isGreaterThan(40);
        // the newest-first scan this replaced read the first event of each of the 40+ newer files
        assertThat(scanner.probedFiles()).isLessThanOrEqualTo(32 - Integer.numberOfLeadingZeros(files));
        assertThat(scanner.walkedFiles()).isBetween(1, 2);
        assertThat(found).isNotNull();
        assertThat(found.file()).isEqualTo(fileOfRow2);
        // and it is where row 2's transaction begins: a parser started there delivers 2 first
        try (LiveParser live = new LiveParser(db, "it_scan", b -> b.journalTimestamp(at)).start(null)) {
            live.awaitRows(41);
            assertThat(live.rows().get(0).getAfterColumns(0).getValue()).isEqualTo("2");
            assertThat(live.rows()).hasSize(41);
        }
    }
}
