package io.sluice.server.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.EntryEncoder;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.position.SnapshotProgress;
import io.sluice.server.position.SourcePositions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where chunks land in the stream, what resume points they and the entries around them carry. */
class ChunkSplicerTest {

    private static final String FILE = "mysql-bin.000002";
    private static final SnapshotProgress.Table T = new SnapshotProgress.Table("shop", "orders");

    private final List<ParsedEntry> out = new CopyOnWriteArrayList<>();
    private final ChunkSplicer splicer = new ChunkSplicer(out::addAll, () -> null, 42);
    private final ExecutorService parserThread = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        splicer.close();
        parserThread.shutdownNow();
    }

    /** A one-row-event transaction from {@code start} to {@code end}, as the parser numbers it. */
    private static List<ParsedEntry> transaction(long start, long end) {
        BinlogPosition s = BinlogPosition.of(FILE, start);
        return List.of(
                entry(CanalEntry.EntryType.TRANSACTIONBEGIN, s, new ResumePoint(s, 1), StoredEntry.Kind.TRANSACTION_BEGIN),
                entry(CanalEntry.EntryType.ROWDATA, s.withOffset(start + 10), new ResumePoint(s, 2), StoredEntry.Kind.ROW_DATA),
                entry(CanalEntry.EntryType.TRANSACTIONEND, s.withOffset(end - 20),
                        ResumePoint.at(BinlogPosition.of(FILE, end)), StoredEntry.Kind.TRANSACTION_END));
    }

    private static ParsedEntry entry(CanalEntry.EntryType type, BinlogPosition p, ResumePoint r, StoredEntry.Kind kind) {
        CanalEntry.Header h = CanalEntry.Header.newBuilder().setLogfileName(p.file()).setLogfileOffset(p.offset())
                .setSchemaName("shop").setTableName("orders").build();
        return new ParsedEntry(h, type, CanalEntry.RowChange.newBuilder().build(), p, r, kind);
    }

    private static Chunk chunk(int... ids) {
        List<Chunk.Piece> pieces = new ArrayList<>();
        for (int id : ids) {
            pieces.add(new Chunk.Piece(CanalEntry.RowChange.newBuilder().setEventType(CanalEntry.EventType.INSERT)
                    .addRowDatas(CanalEntry.RowData.newBuilder()).build().toByteArray(), 1, List.of(Integer.toString(id))));
        }
        return new Chunk(T, pieces, false);
    }

    private Future<?> parserPuts(List<ParsedEntry> entries) {
        return parserThread.submit(() -> {
            splicer.put(entries);
            return null;
        });
    }

    @Test
    void aChunkLandsAfterEveryEntryBeforeItsPositionAndBeforeTheFirstAtIt() throws Exception {
        splicer.streamFrom(ResumePoint.at(BinlogPosition.of(FILE, 4)));
        splicer.enqueue(List.of(T));
        splicer.hold();
        // the parser was already waiting when the chunk's position became known: its entry may pass
        Future<?> before = parserPuts(transaction(100, 200));
        await().atMost(Duration.ofSeconds(5)).until(() -> !before.isDone());
        BinlogPosition at = BinlogPosition.of(FILE, 300);
        assertThat(splicer.placeAt(at)).isTrue();
        before.get();
        assertThat(splicer.awaitReached(at, 100)).as("the stream is at 200, not yet at 300").isFalse();

        Future<?> after = parserPuts(transaction(300, 400));
        assertThat(splicer.awaitReached(at, 5000)).isTrue();
        assertThat(after.isDone()).as("entries at the chunk's position wait for it").isFalse();
        splicer.emit(chunk(1, 2), at);
        splicer.release();
        after.get();

        assertThat(out).extracting(e -> e.position().offset() + " " + e.entryType())
                .containsExactly("100 TRANSACTIONBEGIN", "110 ROWDATA", "180 TRANSACTIONEND",
                        "300 TRANSACTIONBEGIN", "300 ROWDATA", "300 ROWDATA", "300 TRANSACTIONEND",
                        "300 TRANSACTIONBEGIN", "310 ROWDATA", "380 TRANSACTIONEND");
        // resume points grow along the stream, so an ack of any entry covers exactly what came before it
        List<ResumePoint> resumes = out.stream().map(ParsedEntry::resume).toList();
        for (int i = 1; i < resumes.size(); i++) {
            assertThat(SourcePositions.ORDER.compare(resumes.get(i - 1), resumes.get(i))).as("entry %d", i).isLessThan(0);
        }
        assertThat(out.get(3).header().getPropsList()).extracting(CanalEntry.Pair::getKey).contains("snapshot");
    }

    @Test
    void aChunksRowsAreHandedOverEncodedAsTheBinlogPathDoes() throws Exception {
        splicer.streamFrom(ResumePoint.at(BinlogPosition.of(FILE, 4)));
        splicer.enqueue(List.of(T));
        BinlogPosition at = BinlogPosition.of(FILE, 300);
        assertThat(splicer.placeAt(at)).isTrue();
        splicer.emit(chunk(7), at);

        ParsedEntry rows = out.get(1);
        assertThat(rows.entryType()).isEqualTo(CanalEntry.EntryType.ROWDATA);
        assertThat(rows.encodedEntry()).as("the entry's bytes are written once, around the piece's").isNotNull();
        CanalEntry.Entry parsed = CanalEntry.Entry.parseFrom(EntryEncoder.toBytes(rows));
        assertThat(parsed.getHeader()).isEqualTo(rows.header());
        assertThat(parsed.getHeader().getPropsList()).extracting(p -> p.getKey() + "=" + p.getValue())
                .containsExactly("rowsCount=1", "snapshot=true");
        // exactly what protobuf writes for the same message: a client cannot tell the two paths apart
        assertThat(parsed.toByteArray()).isEqualTo(EntryEncoder.toBytes(rows));
        CanalEntry.RowChange change = CanalEntry.RowChange.parseFrom(parsed.getStoreValue());
        assertThat(change.getEventType()).isEqualTo(CanalEntry.EventType.INSERT);
        assertThat(change.getRowDatasCount()).isEqualTo(1);
        assertThat(rows.payload()).isEqualTo(change);
    }

    @Test
    void entriesCarryTheSnapshotProgressWhileItRuns() throws Exception {
        splicer.streamFrom(ResumePoint.at(BinlogPosition.of(FILE, 4)));
        splicer.put(transaction(100, 200));
        assertThat(out).allSatisfy(e -> assertThat(e.resume().snapshot()).isNull());
        out.clear();

        splicer.enqueue(List.of(T, new SnapshotProgress.Table("shop", "items")));
        splicer.emit(chunk(7), BinlogPosition.of(FILE, 200));
        splicer.put(transaction(200, 300));
        SnapshotProgress p = out.get(out.size() - 1).resume().snapshot();
        assertThat(p.tables()).extracting(SnapshotProgress.Table::table).containsExactly("orders", "items");
        assertThat(p.lastKey()).containsExactly("7");
        assertThat(p.rowsDone()).isEqualTo(1);
        assertThat(p.epoch()).isEqualTo(42);

        splicer.emit(new Chunk(T, List.of(), true), BinlogPosition.of(FILE, 300));
        assertThat(splicer.progress().current().table()).isEqualTo("items");
        assertThat(splicer.progress().lastKey()).isEmpty();
        splicer.emit(new Chunk(new SnapshotProgress.Table("shop", "items"), chunk(1).pieces(), true),
                BinlogPosition.of(FILE, 300));
        assertThat(out.get(out.size() - 1).resume().snapshot().isDone()).isTrue();
        assertThat(splicer.progress()).isNull();
        out.clear();
        splicer.put(transaction(300, 400));
        assertThat(out).allSatisfy(e -> assertThat(e.resume().snapshot()).isNull());
    }

    @Test
    void progressRequestsAndStoppingDoNotWaitForAFullStore() throws Exception {
        java.util.concurrent.CountDownLatch full = new java.util.concurrent.CountDownLatch(1);
        ChunkSplicer blocked = new ChunkSplicer(entries -> {
            full.countDown();
            Thread.sleep(Long.MAX_VALUE); // a store nobody drains
        }, () -> null, 1);
        blocked.enqueue(List.of(T));
        Future<?> emitting = parserThread.submit(() -> {
            blocked.emit(chunk(1), BinlogPosition.of(FILE, 100));
            return null;
        });
        full.await();
        assertThat(blocked.progress().lastKey()).containsExactly("1");
        assertThat(blocked.enqueue(List.of(new SnapshotProgress.Table("shop", "items")))).hasSize(1);
        blocked.close();
        emitting.cancel(true);
        await().atMost(Duration.ofSeconds(5)).until(emitting::isDone);
    }

    @Test
    void aChunkWhosePositionTheStreamAlreadyPassedIsRefused() throws Exception {
        splicer.streamFrom(ResumePoint.at(BinlogPosition.of(FILE, 4)));
        splicer.put(transaction(100, 200));
        splicer.hold();
        assertThat(splicer.placeAt(BinlogPosition.of(FILE, 150))).isFalse();
        splicer.release();
        assertThat(splicer.placeAt(BinlogPosition.of(FILE, 200))).isTrue();
    }

    @Test
    void aLaterRunOrdersAfterEverythingAnEarlierOneEmitted() {
        ResumePoint earlier = ResumePoint.at(BinlogPosition.of(FILE, 300))
                .withSnapshot(new SnapshotProgress(System.currentTimeMillis() + 60_000, 9, List.of(T), List.of("5"), 5));
        long epoch = ChunkSplicer.nextEpoch(earlier);
        assertThat(epoch).isGreaterThan(earlier.snapshot().epoch());
        assertThat(ChunkSplicer.nextEpoch(null)).isGreaterThan(0);
    }
}
