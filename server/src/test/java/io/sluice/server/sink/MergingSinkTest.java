package io.sluice.server.sink;

import static io.sluice.protocol.entry.CanalEntry.EventType.INSERT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.TestEntries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MergingSinkTest {

    private record Out(String source, ParsedEntry entry) {
        String describe() {
            if (entry.entryType() == CanalEntry.EntryType.TRANSACTIONBEGIN) {
                return source + ":BEGIN";
            }
            if (entry.entryType() == CanalEntry.EntryType.TRANSACTIONEND) {
                return source + ":END@" + entry.header().getExecuteTime();
            }
            return source + ":" + entry.rowChange().getRowDatas(0).getAfterColumns(0).getValue();
        }
    }

    private final List<Out> merged = new CopyOnWriteArrayList<>();
    private MergingSink merge;

    @AfterEach
    void close() {
        if (merge != null) {
            merge.close();
        }
    }

    private MergingSink merge(long maxWaitMillis, int maxQueued) {
        merge = new MergingSink("orders", List.of("a", "b"), maxWaitMillis, maxQueued,
                (source, entries) -> entries.forEach(e -> merged.add(new Out(source, e))));
        merge.start();
        return merge;
    }

    private static List<ParsedEntry> tx(TestEntries t, long commit, String... ids) {
        t.at(commit);
        List<ParsedEntry> out = new ArrayList<>();
        out.add(t.begin());
        for (String id : ids) {
            out.add(t.row("shop", "orders", INSERT, "id=" + id));
        }
        out.add(t.end());
        return out;
    }

    @Test
    void transactionsOfTwoSourcesComeInCommitTimestampOrderEachWhole() throws InterruptedException {
        MergingSink m = merge(60_000, 1000);
        TestEntries a = new TestEntries("a-bin.000001", 1);
        TestEntries b = new TestEntries("b-bin.000001", 2);
        m.input("a").put(tx(a, 1000, "a1", "a2"));
        m.input("a").put(tx(a, 3000, "a3"));
        m.input("b").put(tx(b, 2000, "b1", "b2"));
        m.input("b").put(tx(b, 4000, "b3"));
        // nothing newer from a: a heartbeat says a has nothing older than 5000
        m.input("a").put(List.of(a.at(5000).heartbeat()));
        await().atMost(Duration.ofSeconds(10)).until(() -> merged.size() == 14);
        assertThat(merged).extracting(Out::describe).containsExactly(
                "a:BEGIN", "a:a1", "a:a2", "a:END@1000",
                "b:BEGIN", "b:b1", "b:b2", "b:END@2000",
                "a:BEGIN", "a:a3", "a:END@3000",
                "b:BEGIN", "b:b3", "b:END@4000");
    }

    @Test
    void aSilentSourceHoldsOthersOnlyForTheBoundedWait() throws InterruptedException {
        MergingSink m = merge(200, 1000);
        TestEntries a = new TestEntries("a-bin.000001", 1);
        m.input("a").put(tx(a, 1000, "a1"));
        // b never says anything: a's transaction goes after the bounded wait
        await().atMost(Duration.ofSeconds(10)).until(() -> merged.size() == 3);
        assertThat(merged).extracting(Out::source).containsOnly("a");
    }

    @Test
    void aSourceThatIsBehindIsWaitedForAndItsOlderTransactionGoesFirst() throws InterruptedException {
        MergingSink m = merge(60_000, 1000);
        TestEntries a = new TestEntries("a-bin.000001", 1);
        TestEntries b = new TestEntries("b-bin.000001", 2);
        m.input("a").put(tx(a, 5000, "a1"));
        m.input("b").put(tx(b, 1000, "b1"));
        m.input("a").put(List.of(a.at(9000).heartbeat()));
        m.input("b").put(List.of(b.at(9000).heartbeat()));
        await().atMost(Duration.ofSeconds(10)).until(() -> merged.size() == 6);
        assertThat(merged).extracting(Out::describe)
                .containsExactly("b:BEGIN", "b:b1", "b:END@1000", "a:BEGIN", "a:a1", "a:END@5000");
    }

    @Test
    void aTransactionTooLargeToQueueWholeStaysContiguous() throws InterruptedException {
        MergingSink m = merge(60_000, 8); // units are cut at 4 entries
        TestEntries a = new TestEntries("a-bin.000001", 1);
        TestEntries b = new TestEntries("b-bin.000001", 2);
        Thread big = new Thread(() -> {
            try {
                m.input("a").put(tx(a, 1000, "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9"));
                m.input("a").put(List.of(a.at(9000).heartbeat()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        big.start();
        m.input("b").put(tx(b, 500, "b1"));
        m.input("b").put(List.of(b.at(9000).heartbeat()));
        big.join(10_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> merged.size() == 14);
        List<String> order = merged.stream().map(Out::describe).toList();
        int aBegin = order.indexOf("a:BEGIN");
        int aEnd = order.indexOf("a:END@1000");
        assertThat(order.subList(aBegin, aEnd + 1)).allMatch(s -> s.startsWith("a:")).hasSize(11);
    }
}
