package io.sluice.server.sink;

import static io.sluice.protocol.entry.CanalEntry.EventType.ALTER;
import static io.sluice.protocol.entry.CanalEntry.EventType.DELETE;
import static io.sluice.protocol.entry.CanalEntry.EventType.INSERT;
import static io.sluice.protocol.entry.CanalEntry.EventType.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.entry.TestEntries;
import io.sluice.server.store.BatchMode;
import io.sluice.server.store.RingBufferStore;
import io.sluice.server.store.StoreSettings;
import java.util.ArrayList;
import java.util.Arrays;
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

    /**
     * Row changes of tables a destination does not want are left out of its hand-offs; what it stores must be what
     * its own sink makes of the whole stream: its rows, the DDL and statements its filters keep, and the END kept for
     * progress after 8192 transactions of other tables.
     */
    @Test
    void eachDestinationStoresWhatItsOwnSinkMakesOfTheWholeStream() throws InterruptedException {
        List<FilterSettings> filters = List.of(FilterSettings.NONE.withTables("shop\\.orders", ""),
                FilterSettings.NONE.withTables("shop\\..*", "shop\\.audit"), FilterSettings.NONE.withTables("crm\\..*", ""),
                FilterSettings.NONE.withTables("nothing\\.here", ""));
        RouteSink route = new RouteSink();
        List<StoreSink> alone = new ArrayList<>();
        List<RingBufferStore> routedStores = new ArrayList<>();
        List<RingBufferStore> aloneStores = new ArrayList<>();
        for (FilterSettings f : filters) {
            RingBufferStore routed = bigStore();
            RingBufferStore direct = bigStore();
            routed.openReader();
            direct.openReader();
            routedStores.add(routed);
            aloneStores.add(direct);
            route.add(target(new StoreSink(f, List.of(), routed)));
            alone.add(new StoreSink(f, List.of(), direct));
        }
        assertThat(route.targets()).as("StoreSinks: their rows can be sorted out once").allMatch(RouteTarget::skipsUnwantedRows);
        TestEntries t = new TestEntries();
        List<List<ParsedEntry>> handOffs = new ArrayList<>();
        handOffs.add(t.transaction(x -> List.of(x.row("shop", "orders", INSERT, "id=1"), x.row("crm", "user", INSERT, "id=2"),
                x.row("shop", "audit", UPDATE, "id=3"))));
        handOffs.add(List.of(t.ddl("shop", "orders", ALTER, "ALTER TABLE orders ADD c INT")));
        handOffs.add(List.of(t.ddl("crm", "user", ALTER, "ALTER TABLE user ADD c INT")));
        for (int i = 0; i < 9000; i++) { // past StoreSink.KEEP_EMPTY_EVERY_COUNT transactions of one table
            handOffs.add(t.transaction(x -> List.of(x.row("shop", "audit", INSERT, "id=4"), x.row("shop", "audit", DELETE, "id=4"))));
        }
        // a transaction handed over in parts
        List<ParsedEntry> split = t.transaction(x -> List.of(x.row("crm", "user", UPDATE, "id=5"), x.row("shop", "orders", DELETE, "id=6")));
        handOffs.add(split.subList(0, 2));
        handOffs.add(split.subList(2, 3));
        handOffs.add(split.subList(3, 4));
        for (List<ParsedEntry> h : handOffs) {
            route.put(h);
            for (StoreSink s : alone) {
                s.put(h);
            }
        }
        for (int i = 0; i < filters.size(); i++) {
            List<String> routed = describe(routedStores.get(i));
            assertThat(routed).as("destination %s", filters.get(i).include()).isEqualTo(describe(aloneStores.get(i)));
            assertThat(routed).as("destination %s keeps its positions moving", filters.get(i).include()).isNotEmpty();
        }
        assertThat(String.join("\n", describe(routedStores.get(0)))).contains("ROWDATA shop.orders", "DDL shop.orders")
                .doesNotContain("ROWDATA shop.audit", "ROWDATA crm.user");
    }

    private static RingBufferStore bigStore() {
        return new RingBufferStore(new StoreSettings(1 << 16, 64 << 20, BatchMode.ITEMSIZE, false));
    }

    private static List<String> describe(RingBufferStore store) throws InterruptedException {
        RingBufferStore.Reader r = store.openReader();
        List<String> out = new ArrayList<>();
        for (StoredEntry e : r.get(1 << 16, -1).entries()) {
            out.add((e.kind() == StoredEntry.Kind.DDL ? "DDL" : e.kind() == StoredEntry.Kind.ROW_DATA ? "ROWDATA"
                    : e.kind().toString()) + " " + e.schema() + "." + e.table() + " " + e.position() + " "
                    + Arrays.hashCode(e.bytes()));
        }
        return out;
    }
}
