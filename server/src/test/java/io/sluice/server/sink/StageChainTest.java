package io.sluice.server.sink;

import static io.sluice.protocol.entry.CanalEntry.EventType.INSERT;
import static io.sluice.protocol.entry.CanalEntry.EventType.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.EntryEncoder;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.entry.TestEntries;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.sink.rows.RowContentFilter;
import io.sluice.server.store.BatchMode;
import io.sluice.server.store.RingBufferStore;
import io.sluice.server.store.StoreSettings;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class StageChainTest {

    private final TestEntries t = new TestEntries();

    private static ParsedEntry renamed(ParsedEntry e, String suffix) {
        return e.withHeader(e.header().toBuilder().setTableName(e.table() + suffix).build());
    }

    /** A row entry as the parser hands it: already encoded, no RowChange object. */
    private static ParsedEntry encoded(ParsedEntry row) {
        byte[] bytes = EntryEncoder.toBytes(row);
        int length = row.payload().getSerializedSize();
        return ParsedEntry.encoded(row.header(), row.rowChangeEventType(), row.rowDataCount(), bytes,
                bytes.length - length, length, row.position(), row.resume(), row.kind());
    }

    private static List<ParsedEntry> run(StageChain chain, ParsedEntry e) throws InterruptedException {
        List<ParsedEntry> out = new ArrayList<>();
        chain.run(e, out);
        return out;
    }

    @Test
    void anEmptyChainPassesTheSameEntryAndTheSinkStoresItsBytesAsTheyAre() throws InterruptedException {
        ParsedEntry row = encoded(t.row("s", "t", INSERT, "id=1"));
        assertThat(run(new StageChain(List.of()), row)).singleElement().isSameAs(row);

        RingBufferStore store = new RingBufferStore(new StoreSettings(64, 1024, BatchMode.ITEMSIZE, false));
        new StoreSink(FilterSettings.NONE, List.of(), store).put(List.of(row));
        StoredEntry stored = store.openReader().get(10, -1).entries().get(0);
        assertThat(stored.bytes()).as("not encoded again").isSameAs(row.encodedEntry());
    }

    @Test
    void stagesThatPassAnEntryOnKeepTheSameObject() throws InterruptedException {
        ParsedEntry row = encoded(t.row("s", "t", INSERT, "id=1"));
        StageChain chain = new StageChain(List.of((e, out) -> out.accept(e), (e, out) -> out.accept(e)));
        assertThat(run(chain, row)).singleElement().isSameAs(row);
    }

    @Test
    void stagesRunInOrderEachPieceThroughTheNextBeforeTheFollowingPiece() throws InterruptedException {
        List<String> calls = new ArrayList<>();
        SinkStage split = (e, out) -> {
            calls.add("split " + e.table());
            out.accept(renamed(e, ".1"));
            out.accept(renamed(e, ".2"));
        };
        SinkStage tag = (e, out) -> {
            calls.add("tag " + e.table());
            out.accept(renamed(e, "+"));
        };
        List<ParsedEntry> out = run(new StageChain(List.of(split, tag)), t.row("s", "t", INSERT, "id=1"));
        assertThat(out).extracting(ParsedEntry::table).containsExactly("t.1+", "t.2+");
        assertThat(calls).containsExactly("split t", "tag t.1", "tag t.2");
    }

    @Test
    void aStageMayDropAnEntryOrEmitSeveral() throws InterruptedException {
        SinkStage dropT = (e, out) -> {
            if (!e.table().startsWith("t")) {
                out.accept(e);
            }
        };
        SinkStage triple = (e, out) -> {
            for (int i = 0; i < 3; i++) {
                out.accept(renamed(e, "." + i));
            }
        };
        StageChain chain = new StageChain(List.of(dropT, triple));
        assertThat(run(chain, t.row("s", "t", INSERT, "id=1"))).isEmpty();
        assertThat(run(chain, t.row("s", "u", INSERT, "id=1"))).extracting(ParsedEntry::table)
                .containsExactly("u.0", "u.1", "u.2");
        assertThat(run(chain, t.row("s", "t", INSERT, "id=1"))).as("nothing left over from the last run").isEmpty();
    }

    @Test
    void theResumeRuleIsAppliedOnceToWhatTheLastStageEmits() throws InterruptedException {
        List<ResumePoint> seenBySecond = new ArrayList<>();
        SinkStage split = (e, out) -> {
            out.accept(renamed(e, ".a"));
            out.accept(renamed(e, ".b"));
        };
        SinkStage splitAgain = (e, out) -> {
            seenBySecond.add(e.resume());
            out.accept(renamed(e, "1"));
            out.accept(renamed(e, "2"));
        };
        t.begin();
        ParsedEntry row = t.row("s", "t", INSERT, "id=1");
        ResumePoint r = row.resume();
        ResumePoint before = new ResumePoint(r.position(), r.skipEntries() - 1);

        List<ParsedEntry> out = run(new StageChain(List.of(split, splitAgain)), row);

        assertThat(seenBySecond).as("stages see the entry's own resume point").containsOnly(r);
        assertThat(out).extracting(ParsedEntry::table).containsExactly("t.a1", "t.a2", "t.b1", "t.b2");
        assertThat(out).extracting(ParsedEntry::resume).containsExactly(before, before, before, r);
    }

    @Test
    void rowFilterTransitionsResumeSafelyThroughTheChain() throws InterruptedException {
        t.begin();
        t.row("shop", "orders", INSERT, "id=0", "status=paid");
        ParsedEntry update = updateOfTwoRows();
        StageChain chain = SinkStages.of(FilterSettings.NONE, RowContentFilter.parse("shop.orders: status = 'paid'", true),
                List.of(), List.of()).chain();

        List<ParsedEntry> out = run(chain, update);

        assertThat(out).extracting(ParsedEntry::rowChangeEventType).containsExactly(UPDATE, CanalEntry.EventType.DELETE);
        int skip = update.resume().skipEntries();
        assertThat(out).extracting(e -> e.resume().skipEntries()).as("acking the first piece must not skip the second")
                .containsExactly(skip - 1, skip);
    }

    /** An UPDATE of shop.orders with one row staying 'paid' and one leaving it. */
    private ParsedEntry updateOfTwoRows() {
        ParsedEntry one = t.row("shop", "orders", UPDATE, "id=1", "status=paid");
        CanalEntry.RowChange rc = one.rowChange();
        CanalEntry.RowData stays = rc.getRowDatas(0).toBuilder()
                .addAllBeforeColumns(rc.getRowDatas(0).getAfterColumnsList()).build();
        CanalEntry.RowData leaves = CanalEntry.RowData.newBuilder()
                .addAllBeforeColumns(stays.getAfterColumnsList())
                .addAllAfterColumns(stays.getAfterColumnsList().stream()
                        .map(c -> c.getName().equals("status") ? c.toBuilder().setValue("refunded").build() : c).toList())
                .build();
        return one.withPayload(rc.toBuilder().clearRowDatas().addRowDatas(stays).addRowDatas(leaves).build());
    }

    @Test
    void anEntryThatEveryStagePassesOnAllocatesNothing() throws InterruptedException {
        StageChain chain = SinkStages.of(FilterSettings.NONE.withTables("s\\..*", ""), List.of()).chain();
        ParsedEntry row = encoded(t.row("s", "t", INSERT, "id=1"));
        List<ParsedEntry> out = new ArrayList<>(4);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (int i = 0; i < 20_000; i++) { // warm up: lists at their size, the code compiled
            out.clear();
            chain.run(row, out);
        }
        long before = threads.getThreadAllocatedBytes(thread);
        int runs = 100_000;
        for (int i = 0; i < runs; i++) {
            out.clear();
            chain.run(row, out);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertThat(out).singleElement().isSameAs(row);
        assertThat(allocated).as("bytes allocated for %d entries", runs).isLessThan(runs);
    }
}
