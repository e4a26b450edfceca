package io.sluice.server.meta;

import static io.sluice.server.meta.MetaFixtures.C1001;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.position.SnapshotProgress;
import io.sluice.server.position.SourcePositions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A running snapshot's progress is part of each client's resume point and survives meta.dat and ZooKeeper. */
class SnapshotProgressMetaTest {

    @TempDir
    Path data;

    private static final BinlogPosition AT = new BinlogPosition("mysql-bin.000007", 1234, "0-1-55", 1, 1700000000000L);

    private static SnapshotProgress progress(long epoch, long seq) {
        return new SnapshotProgress(epoch, seq, List.of(new SnapshotProgress.Table("shop", "orders"),
                new SnapshotProgress.Table("shop", "odd.name")), List.of("42", "0A0B"), 4711);
    }

    private static ClientCursor cursorWith(SnapshotProgress p) {
        return new ClientCursor(new LogPosition("db1", 3306, AT), SourcePositions.of("", new ResumePoint(AT, 0, p)));
    }

    @Test
    void snapshotProgressSurvivesMetaDat() {
        FileMetaStore s = new FileMetaStore("example", data, 60_000);
        s.start();
        s.subscribe(C1001, "");
        s.updateCursor(C1001, cursorWith(progress(9, 77)));
        s.stop();

        FileMetaStore again = new FileMetaStore("example", data, 60_000);
        again.start();
        ResumePoint r = again.restartPositions().get("");
        assertThat(r.position()).isEqualTo(AT);
        assertThat(r.snapshot()).isEqualTo(progress(9, 77));
        assertThat(r.snapshot().current()).isEqualTo(new SnapshotProgress.Table("shop", "orders"));
        again.stop();
    }

    @Test
    void snapshotProgressSurvivesTheZooKeeperCursorNode() throws Exception {
        ClientCursor c = cursorWith(progress(3, 4));
        ClientCursor back = MetaJson.readCursorNode(MetaJson.cursorNode(c));
        assertThat(back.resume().get("").snapshot()).isEqualTo(progress(3, 4));
        ClientCursor plain = MetaJson.readCursorNode(MetaJson.cursorNode(MetaFixtures.cursor(500, 2)));
        assertThat(plain.resume().get("").snapshot()).isNull();
        assertThat(new String(MetaJson.cursorNode(MetaFixtures.cursor(500, 2)), StandardCharsets.UTF_8))
                .doesNotContain("snapshot");
    }

    @Test
    void aMetaDatWrittenBeforeSnapshotsExistedStillLoads() throws Exception {
        Path dir = Files.createDirectories(data.resolve("example"));
        Files.writeString(dir.resolve("meta.dat"), "{\"clientDatas\":[{\"clientIdentity\":{\"clientId\":1001,"
                + "\"destination\":\"example\",\"filter\":\"\"},\"cursor\":{\"identity\":{\"slaveId\":-1,\"sourceAddress\":"
                + "{\"address\":\"db1\",\"port\":3306}},\"postion\":{\"gtid\":\"\",\"included\":false,\"journalName\":"
                + "\"mysql-bin.000003\",\"position\":900,\"serverId\":1,\"timestamp\":1700000000000}},\"sluiceResume\":"
                + "[{\"gtid\":\"\",\"journalName\":\"mysql-bin.000003\",\"position\":800,\"serverId\":1,\"skipEntries\":2,"
                + "\"source\":\"\",\"timestamp\":1700000000000}]}],\"destination\":\"example\"}");
        FileMetaStore s = new FileMetaStore("example", data, 60_000);
        s.start();
        ResumePoint r = s.restartPositions().get("");
        assertThat(r.position().offset()).isEqualTo(800);
        assertThat(r.skipEntries()).isEqualTo(2);
        assertThat(r.snapshot()).isNull();
        s.stop();
    }

    @Test
    void snapshotRowsAtABoundaryFollowItAndPrecedeTheNextTransaction() {
        ResumePoint boundary = ResumePoint.at(AT);
        ResumePoint firstRow = boundary.withSnapshot(progress(5, 1));
        ResumePoint laterRow = boundary.withSnapshot(progress(5, 2));
        ResumePoint nextRun = boundary.withSnapshot(progress(6, 1));
        ResumePoint nextTransactionBegin = new ResumePoint(AT, 1);
        assertThat(List.of(nextTransactionBegin, nextRun, laterRow, boundary, firstRow)
                .stream().sorted(SourcePositions.ORDER).toList())
                .containsExactly(boundary, firstRow, laterRow, nextRun, nextTransactionBegin);
        SourcePositions acked = SourcePositions.of("", laterRow);
        assertThat(acked.covers("", firstRow)).isTrue();
        assertThat(acked.covers("", nextRun)).isFalse();
        assertThat(acked.covers("", boundary)).isTrue();
    }
}
