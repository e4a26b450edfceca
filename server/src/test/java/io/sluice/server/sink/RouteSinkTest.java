package io.sluice.server.sink;

import static io.sluice.protocol.entry.CanalEntry.EventType.INSERT;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.server.entry.StoredEntry;
import io.sluice.server.entry.TestEntries;
import io.sluice.server.store.BatchMode;
import io.sluice.server.store.RingBufferStore;
import io.sluice.server.store.StoreSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteSinkTest {

    private static RingBufferStore store() {
        return new RingBufferStore(new StoreSettings(64, 1024, BatchMode.ITEMSIZE, false));
    }

    private static RouteTarget target(StoreSink sink) {
        return new RouteTarget(sink, sink.tableFilter());
    }

    @Test
    void oneSourceFeedsEachDestinationThroughItsOwnFilters() throws InterruptedException {
        RingBufferStore shopStore = store();
        RingBufferStore crmStore = store();
        RingBufferStore.Reader shop = shopStore.openReader();
        RingBufferStore.Reader crm = crmStore.openReader();
        RouteSink route = new RouteSink();
        route.add(target(new StoreSink(FilterSettings.NONE.withTables("shop\\..*", ""), List.of(), shopStore)));
        route.add(target(new StoreSink(FilterSettings.NONE.withTables("crm\\..*", ""), List.of(), crmStore)));

        assertThat(route.tableFilter().accepts("shop", "orders")).isTrue();
        assertThat(route.tableFilter().accepts("crm", "user")).isTrue();
        assertThat(route.tableFilter().accepts("hr", "salary")).as("nobody wants it: not decoded").isFalse();

        TestEntries t = new TestEntries();
        route.put(t.transaction(x -> List.of(x.row("shop", "orders", INSERT, "id=1"), x.row("crm", "user", INSERT, "id=2"),
                x.row("hr", "salary", INSERT, "id=3"))));
        assertThat(shop.get(100, -1).entries()).extracting(StoredEntry::table).containsExactly("", "orders", "");
        assertThat(crm.get(100, -1).entries()).extracting(StoredEntry::table).containsExactly("", "user", "");
    }
}
