package io.sluice.server.meta;

import static io.sluice.server.meta.MetaFixtures.C1001;
import static io.sluice.server.meta.MetaFixtures.C1002;
import static io.sluice.server.meta.MetaFixtures.cursor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.position.SourcePositions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class FileMetaStoreTest {

    @TempDir
    Path data;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void captureLogs() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(FileMetaStore.class)).addAppender(logs);
        ((Logger) LoggerFactory.getLogger(AckJournal.class)).addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        ((Logger) LoggerFactory.getLogger(FileMetaStore.class)).detachAppender(logs);
        ((Logger) LoggerFactory.getLogger(AckJournal.class)).detachAppender(logs);
    }

    private FileMetaStore store() {
        return new FileMetaStore("example", data, 60_000);
    }

    private Path metaDat() {
        return data.resolve("example").resolve("meta.dat");
    }

    @Test
    void writesCanalsMetaDatShapeWithSluiceResumeAsAnExtraKey() throws IOException {
        FileMetaStore s = store();
        s.start();
        s.subscribe(C1001, "");
        s.subscribe(C1002, "test\\..*");
        s.updateCursor(C1001, cursor(4567, 2));
        s.stop();
        assertThat(Files.readString(metaDat())).isEqualTo("{\"clientDatas\":[{\"clientIdentity\":{\"clientId\":1001,"
                + "\"destination\":\"example\",\"filter\":\"\"},\"cursor\":{\"identity\":{\"slaveId\":-1,\"sourceAddress\":"
                + "{\"address\":\"10.0.0.21\",\"port\":3306}},\"postion\":{\"gtid\":\"\",\"included\":false,\"journalName\":"
                + "\"mysql-bin.000003\",\"position\":4567,\"serverId\":1,\"timestamp\":1700000000000}},\"sluiceResume\":"
                + "[{\"gtid\":\"\",\"journalName\":\"mysql-bin.000003\",\"position\":4467,\"serverId\":1,\"skipEntries\":2,"
                + "\"source\":\"\",\"timestamp\":1700000000000}]},{\"clientIdentity\":{\"clientId\":1002,\"destination\":"
                + "\"example\",\"filter\":\"test\\\\..*\"}}],\"destination\":\"example\"}");
    }

    @Test
    void stateSurvivesARestart() {
        FileMetaStore s = store();
        s.start();
        s.subscribe(C1001, "a\\.b");
        s.updateCursor(C1001, cursor(900, 0));
        s.stop();
        FileMetaStore again = store();
        again.start();
        assertThat(again.subscriptions()).containsExactly(new Subscription(C1001, "a\\.b"));
        assertThat(again.cursor(C1001)).contains(cursor(900, 0));
        again.stop();
    }

    @Test
    void readsAMetaDatWrittenByCanalInAnyLayout() throws IOException {
        Files.createDirectories(metaDat().getParent());
        Files.writeString(metaDat(), """
                {
                  "destination" : "example",
                  "clientDatas" : [ {
                    "cursor" : {
                      "postion" : {"timestamp":1700000000000,"serverId":1,"position":4567,"journalName":"mysql-bin.000003",
                                   "included":false,"gtid":""},
                      "identity" : {"sourceAddress":{"port":3306,"address":"10.0.0.21"},"slaveId":-1}
                    },
                    "clientIdentity" : {"filter":"","destination":"example","clientId":1001}
                  } ]
                }
                """);
        FileMetaStore s = store();
        s.start();
        BinlogPosition p = new BinlogPosition("mysql-bin.000003", 4567, "", 1, 1700000000000L);
        assertThat(s.cursor(C1001)).contains(new ClientCursor(new LogPosition("10.0.0.21", 3306, p),
                SourcePositions.of("", ResumePoint.at(p))));
        s.stop();
    }

    @Test
    void truncatedTempFileFromACrashMidWriteLeavesTheLastGoodPosition() throws IOException {
        FileMetaStore s = store();
        s.start();
        s.subscribe(C1001, "");
        s.updateCursor(C1001, cursor(1000, 0));
        s.flush();
        s.updateCursor(C1001, cursor(2000, 0));
        // simulate the crash: the next write got as far as half a temp file, no rename
        byte[] next = Files.readAllBytes(metaDat());
        Files.write(metaDat().resolveSibling("meta.dat.tmp"), java.util.Arrays.copyOf(next, next.length / 2));

        // and the power failed too, so the ack journal's page cache never reached the disk
        deleteJournal();

        FileMetaStore afterCrash = store();
        afterCrash.start();
        assertThat(afterCrash.cursor(C1001)).contains(cursor(1000, 0));
        assertThat(metaDat().resolveSibling("meta.dat.tmp")).doesNotExist();
        assertThat(logs.list).anyMatch(e -> e.getFormattedMessage().contains("meta.dat.tmp left by an interrupted write"));
        afterCrash.stop();
    }

    @Test
    void theAckJournalIsOwnerOnlyLikeMetaDatWhateverTheUmask() throws IOException {
        FileMetaStore s = store();
        s.start();
        s.subscribe(C1001, "");
        s.updateCursor(C1001, cursor(1000, 0)); // journaled, not yet in meta.dat
        java.util.List<Path> journals = journalFiles();
        assertThat(journals).isNotEmpty();
        for (Path journal : journals) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(journal))).as(journal.toString())
                    .isEqualTo("rw-------");
        }
        s.stop();
    }

    private void deleteJournal() throws IOException {
        for (Path f : journalFiles()) {
            Files.delete(f);
        }
    }

    private java.util.List<Path> journalFiles() throws IOException {
        try (Stream<Path> files = Files.list(metaDat().getParent())) {
            return files.filter(p -> p.getFileName().toString().startsWith("meta.dat.journal.")).sorted().toList();
        }
    }

    @Test
    void anAckTheProcessDiedRightAfterIsReplayedFromTheJournal() throws IOException {
        FileMetaStore s = store();
        s.start();
        s.subscribe(C1001, "");
        s.updateCursor(C1001, cursor(1000, 0));
        s.flush();
        s.updateCursor(C1001, cursor(2000, 1));
        s.updateCursor(C1001, cursor(3000, 2));
        assertThat(Files.readString(metaDat())).as("meta.dat waits for the period").contains("\"position\":1000");
        // killed here: no stop(), no flush

        FileMetaStore afterKill = store();
        afterKill.start();
        assertThat(afterKill.cursor(C1001)).contains(cursor(3000, 2));
        assertThat(Files.readString(metaDat())).as("the journal folded into meta.dat at start")
                .contains("\"position\":3000");
        afterKill.stop();
        assertThat(journalFiles()).as("a stopped store leaves meta.dat alone").isEmpty();
    }

    @Test
    void eachMetaDatWriteCompactsTheJournal() throws IOException {
        FileMetaStore s = store();
        s.start();
        s.subscribe(C1001, "");
        for (int i = 1; i <= 50; i++) {
            s.updateCursor(C1001, cursor(1000 + i, 0));
        }
        assertThat(journalFiles()).hasSize(1);
        s.flush();
        assertThat(journalFiles()).as("meta.dat holds them all").isEmpty();
        s.updateCursor(C1001, cursor(5000, 0));
        assertThat(journalFiles()).hasSize(1);
        assertThat(Files.readString(journalFiles().get(0))).contains("\"position\":5000").hasLineCount(1);
        s.stop();
    }

    @Test
    void aRecordCutShortByTheKillIsIgnored() throws IOException {
        FileMetaStore s = store();
        s.start();
        s.subscribe(C1001, "");
        s.updateCursor(C1001, cursor(2000, 0));
        Path journal = journalFiles().get(journalFiles().size() - 1);
        Files.writeString(journal, "{\"clientId\":1001,\"cursor\":{\"identity\"",
                java.nio.file.StandardOpenOption.APPEND);

        FileMetaStore afterKill = store();
        afterKill.start();
        assertThat(afterKill.cursor(C1001)).contains(cursor(2000, 0));
        assertThat(logs.list).anyMatch(e -> e.getFormattedMessage().contains("ends with an incomplete record"));
        afterKill.stop();
    }

    @Test
    void replayingAGenerationMetaDatAlreadyHoldsChangesNothing() throws IOException {
        FileMetaStore s = store();
        s.start();
        s.subscribe(C1001, "");
        s.updateCursor(C1001, cursor(2000, 0));
        s.unsubscribe(C1001);
        s.subscribe(C1001, "a\\.b");
        s.subscribe(C1002, "");
        s.updateCursor(C1002, cursor(3000, 0));
        s.stop();
        // the same changes, still journaled: a kill between a meta.dat write and the removal of what it holds
        String journaled = Stream.of(MetaJson.journalSubscribe((short) 1001, ""),
                        MetaJson.journalCursor((short) 1001, cursor(2000, 0)),
                        MetaJson.journalUnsubscribe((short) 1001),
                        MetaJson.journalSubscribe((short) 1001, "a\\.b"),
                        MetaJson.journalSubscribe((short) 1002, ""),
                        MetaJson.journalCursor((short) 1002, cursor(3000, 0)))
                .map(b -> new String(b, StandardCharsets.UTF_8) + "\n").reduce("", String::concat);
        Files.writeString(metaDat().resolveSibling("meta.dat.journal.7"), journaled);

        FileMetaStore afterKill = store();
        afterKill.start();
        assertThat(afterKill.subscriptions()).containsExactlyInAnyOrder(new Subscription(C1001, "a\\.b"),
                new Subscription(C1002, ""));
        assertThat(afterKill.cursor(C1001)).as("the unsubscribe dropped the old cursor").isEmpty();
        assertThat(afterKill.cursor(C1002)).contains(cursor(3000, 0));
        afterKill.stop();
    }

    @Test
    void corruptMetaDatIsReportedWithItsPathAndTheBackupIsUsed() throws IOException {
        FileMetaStore s = store();
        s.start();
        s.subscribe(C1001, "");
        s.updateCursor(C1001, cursor(1000, 0));
        s.flush();
        s.updateCursor(C1001, cursor(2000, 0));
        s.flush();
        assertThat(metaDat().resolveSibling("meta.dat.bak")).content(StandardCharsets.UTF_8).contains("\"position\":1000");
        s.stop();
        byte[] good = Files.readAllBytes(metaDat());
        Files.write(metaDat(), java.util.Arrays.copyOf(good, 40)); // truncated by a disk or an editor

        FileMetaStore reloaded = store();
        reloaded.start();
        assertThat(reloaded.cursor(C1001)).as("the previous good copy").contains(cursor(1000, 0));
        assertThat(logs.list).anyMatch(e -> e.getFormattedMessage().startsWith(metaDat() + " is unreadable"));
        try (Stream<Path> files = Files.list(metaDat().getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("meta.dat.corrupt-"));
        }
        reloaded.stop();
        assertThat(metaDat()).as("rewritten from the recovered state").content(StandardCharsets.UTF_8)
                .contains("\"position\":1000");
    }

    @Test
    void corruptMetaDatWithoutAUsableBackupFailsStartNamingBothFiles() throws IOException {
        Files.createDirectories(metaDat().getParent());
        Files.writeString(metaDat(), "{\"clientDatas\":[{\"clientIdentity\":");
        Files.writeString(metaDat().resolveSibling("meta.dat.bak"), "garbage");
        assertThatThrownBy(() -> store().start()).isInstanceOf(MetaStoreException.class)
                .hasMessageContaining(metaDat().toString())
                .hasMessageContaining(metaDat().resolveSibling("meta.dat.bak").toString());
    }

    @Test
    void cursorChangesAreFlushedPeriodically() throws IOException {
        FileMetaStore s = new FileMetaStore("example", data, 50);
        s.start();
        s.subscribe(C1001, "");
        s.updateCursor(C1001, cursor(3333, 0));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.readString(metaDat()).contains("\"position\":3333"));
        s.stop();
    }

    @Test
    void aFlushPeriodOfZeroPersistsEveryAck() throws IOException {
        FileMetaStore s = new FileMetaStore("example", data, 0);
        s.start();
        s.subscribe(C1001, "");
        s.updateCursor(C1001, cursor(4444, 1));
        assertThat(Files.readString(metaDat())).contains("\"position\":4444");
        s.stop();
    }

    @Test
    void unsubscribeIsWrittenAtOnce() throws IOException {
        FileMetaStore s = store();
        s.start();
        s.subscribe(C1001, "");
        s.subscribe(C1002, "");
        assertThat(Files.readString(metaDat())).contains("1002");
        s.unsubscribe(C1002);
        assertThat(Files.readString(metaDat())).doesNotContain("1002");
        s.stop();
    }

    @Test
    void restartPositionIsTheEarliestClientCursor() {
        MemoryMetaStore m = new MemoryMetaStore("example");
        m.subscribe(C1001, "");
        m.subscribe(C1002, "");
        assertThat(m.restartPositions()).isEqualTo(SourcePositions.NONE);
        m.updateCursor(C1001, cursor(5000, 3));
        m.updateCursor(C1002, cursor(5000, 1));
        assertThat(m.restartPositions()).isEqualTo(cursor(5000, 1).resume());
        m.updateCursor(C1002, cursor(7000, 0));
        assertThat(m.restartPositions()).isEqualTo(cursor(5000, 3).resume());
        m.unsubscribe(C1001);
        assertThat(m.restartPositions()).isEqualTo(cursor(7000, 0).resume());
    }

    @Test
    void mergedDestinationsKeepOneResumePointPerSource() {
        BinlogPosition a = BinlogPosition.of("a-bin.000001", 100);
        BinlogPosition b = BinlogPosition.of("b-bin.000007", 900);
        ClientCursor c = new ClientCursor(new LogPosition("a", 3306, a),
                SourcePositions.of("shard1", ResumePoint.at(a)).with("shard2", new ResumePoint(b, 4)));
        FileMetaStore s = store();
        s.start();
        s.subscribe(C1001, "");
        s.updateCursor(C1001, c);
        s.stop();
        FileMetaStore again = store();
        again.start();
        assertThat(again.cursor(C1001)).contains(c);
        again.stop();
    }
}
