package io.sluice.server.sink;

import static io.sluice.protocol.entry.CanalEntry.EventType.INSERT;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.entry.TestEntries;
import io.sluice.server.store.BatchMode;
import io.sluice.server.store.RingBufferStore;
import io.sluice.server.store.Slice;
import io.sluice.server.store.StoreSettings;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RouteTargetTest {

    private final RingBufferStore store = new RingBufferStore(new StoreSettings(1024, 1024, BatchMode.ITEMSIZE, false));
    private final RingBufferStore.Reader reader = store.openReader();
    private final TestEntries t = new TestEntries();

    private List<StoredEntry> stored() throws InterruptedException {
        Slice s = reader.get(10_000, -1);
        reader.ack(s.to());
        return s.entries();
    }

    @Test
    void replaysUpToTheFloorAreDroppedOnce() throws InterruptedException {
        StoreSink sink = new StoreSink(FilterSettings.NONE, List.of(), store);
        RouteTarget target = new RouteTarget(sink, sink.tableFilter());
        List<ParsedEntry> first = t.transaction(x -> List.of(x.row("s", "t", INSERT, "id=1")));
        List<ParsedEntry> second = t.transaction(x -> List.of(x.row("s", "t", INSERT, "id=2")));
        target.put(first);
        assertThat(stored()).hasSize(3);
        target.dropUpTo(target.lastSeen());
        List<ParsedEntry> replay = new ArrayList<>(first);
        replay.addAll(second);
        target.put(replay);
        assertThat(stored()).extracting(StoredEntry::resume).containsExactlyElementsOf(
                second.stream().map(ParsedEntry::resume).toList());
        assertThat(target.lastSeen()).isEqualTo(second.get(2).resume());

        target.put(first);
        assertThat(stored()).as("the floor is gone once passed").hasSize(3);
    }

    @Test
    void aPutWhollyBelowTheFloorStoresNothingButCountsAsSeen() throws InterruptedException {
        StoreSink sink = new StoreSink(FilterSettings.NONE, List.of(), store);
        RouteTarget target = new RouteTarget(sink, sink.tableFilter());
        List<ParsedEntry> first = t.transaction(x -> List.of(x.row("s", "t", INSERT, "id=1")));
        target.dropUpTo(first.get(2).resume());
        target.put(first);
        assertThat(store.putSequence()).isZero();
        assertThat(target.lastSeen()).isEqualTo(first.get(2).resume());
    }
}
