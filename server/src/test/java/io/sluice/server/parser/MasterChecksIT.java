package io.sluice.server.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * canal.instance.binlog.image, canal.instance.network.*BufferSize and canal.auto.reset.latest.pos.mode reach the
 * replication connection.
 */
@ExtendWith(TestDatabaseExtension.class)
@Timeout(120)
class MasterChecksIT {

    @Test
    void aRowImageNotListedIsRefusedAtConnectNamingBoth(TestDatabase db) {
        String image = db.query("SELECT @@GLOBAL.binlog_row_image AS i").get(0).get("i");
        assertThat(image).isEqualToIgnoringCase("FULL");
        try (LiveParser live = new LiveParser(db, "it_image", b -> b.binlogImages(Set.of("MINIMAL", "NOBLOB")))
                .start(null)) {
            live.awaitFailure();
            assertThat(live.parser.failure()).isInstanceOf(UnsupportedBinlogFormatException.class)
                    .hasMessageContaining("binlog_row_image=FULL")
                    .hasMessageContaining("canal.instance.binlog.image=MINIMAL,NOBLOB");
        }
    }

    @Test
    void listedImageAndTunedSocketBuffersStream(TestDatabase db) {
        db.execute("DROP DATABASE IF EXISTS it_buffers", "CREATE DATABASE it_buffers",
                "CREATE TABLE it_buffers.t (id INT PRIMARY KEY)");
        try (LiveParser live = new LiveParser(db, "it_buffers",
                b -> b.binlogImages(Set.of("FULL")).socketBuffers(262_144, 65_536)).start(null)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> live.parser.status().state() == ParserStatus.State.STREAMING);
            db.execute("INSERT INTO it_buffers.t VALUES (1), (2)");
            live.awaitRows(2);
            assertThat(live.parser.failure()).isNull();
        }
    }

    @Test
    void autoResetLatestPosModeContinuesAtTheMastersPositionInsteadOfAPurgedOne(TestDatabase db) {
        db.execute("DROP DATABASE IF EXISTS it_reset", "CREATE DATABASE it_reset",
                "CREATE TABLE it_reset.t (id INT PRIMARY KEY)");
        ResumePoint gone = ResumePoint.at(BinlogPosition.of("mysql-bin.999990", 4));
        try (LiveParser live = new LiveParser(db, "it_reset", b -> b.autoResetToLatest(true)).start(gone)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> live.parser.status().state() == ParserStatus.State.STREAMING);
            assertThat(live.parser.status().lastError()).contains("mysql-bin.999990:4").contains("no longer on master");
            db.execute("INSERT INTO it_reset.t VALUES (7)");
            live.awaitRows(1);
            assertThat(live.parser.failure()).isNull();
        }
        // without the key the same position stops the parser
        try (LiveParser live = new LiveParser(db, "it_reset", b -> { }).start(gone)) {
            live.awaitFailure();
            assertThat(live.parser.failure()).isInstanceOf(BinlogPurgedException.class);
        }
    }
}
