package io.sluice.server.sink;

import static io.sluice.protocol.entry.CanalEntry.EventType.ALTER;
import static io.sluice.protocol.entry.CanalEntry.EventType.DELETE;
import static io.sluice.protocol.entry.CanalEntry.EventType.INSERT;
import static io.sluice.protocol.entry.CanalEntry.EventType.QUERY;
import static io.sluice.protocol.entry.CanalEntry.EventType.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.EntryEncoder;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.entry.TestEntries;
import io.sluice.server.store.BatchMode;
import io.sluice.server.store.RingBufferStore;
import io.sluice.server.store.Slice;
import io.sluice.server.store.StoreSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class StoreSinkTest {

    private final RingBufferStore store = new RingBufferStore(new StoreSettings(1024, 1024, BatchMode.ITEMSIZE, false));
    private final RingBufferStore.Reader reader = store.openReader();
    private final TestEntries t = new TestEntries();
    private final AtomicLong clock = new AtomicLong();

    private StoreSink sink(FilterSettings f, EntryTransform... transforms) {
        return new StoreSink(f, List.of(transforms), store, clock::get);
    }

    private List<StoredEntry> stored() throws InterruptedException {
        Slice s = reader.get(10_000, -1);
        reader.ack(s.to());
        return s.entries();
    }

    private static String describe(StoredEntry e) {
        CanalEntry.Entry entry = TestEntries.decode(e);
        return switch (entry.getEntryType()) {
            case TRANSACTIONBEGIN -> "BEGIN";
            case TRANSACTIONEND -> "END";
            default -> TestEntries.rowChange(e).getEventType() + " " + e.schema() + "." + e.table();
        };
    }

    private static FilterSettings filters(String include, String exclude) {
        return FilterSettings.NONE.withTables(include, exclude);
    }

    @Test
    void storesSurvivorsSerializedOnceInCanalsEntryBytes() throws InterruptedException {
        StoreSink sink = sink(FilterSettings.NONE);
        List<ParsedEntry> tx = t.transaction(x -> List.of(x.row("shop", "orders", INSERT, "id=1", "amount=9.50")));
        sink.put(tx);
        List<StoredEntry> out = stored();
        assertThat(out).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(out.get(i).bytes()).isEqualTo(EntryEncoder.toBytes(tx.get(i)));
            assertThat(out.get(i).resume()).isEqualTo(tx.get(i).resume());
            assertThat(out.get(i).source()).isEmpty();
        }
        assertThat(out.get(1).schema()).isEqualTo("shop");
    }

    @Test
    void tableFilterDropsRowsAndEmptiedTransactionsLoseBeginAndEnd() throws InterruptedException {
        StoreSink sink = sink(filters("shop\\..*", "shop\\.tmp.*"));
        sink.put(t.transaction(x -> List.of(x.row("shop", "orders", INSERT, "id=1"), x.row("shop", "tmp1", INSERT, "id=1"),
                x.row("crm", "user", INSERT, "id=1"))));
        sink.put(t.transaction(x -> List.of(x.row("crm", "user", UPDATE, "id=1"))));
        assertThat(stored()).extracting(StoreSinkTest::describe).containsExactly("BEGIN", "INSERT shop.orders", "END");
    }

    @Test
    void anEmptiedTransactionIsKeptEveryFiveSecondsSoPositionsMove() throws InterruptedException {
        StoreSink sink = sink(filters("shop\\..*", ""));
        sink.put(t.transaction(x -> List.of(x.row("crm", "user", INSERT, "id=1"))));
        assertThat(stored()).isEmpty();
        clock.addAndGet(StoreSink.KEEP_EMPTY_EVERY_NANOS);
        sink.put(t.transaction(x -> List.of(x.row("crm", "user", INSERT, "id=2"))));
        assertThat(stored()).extracting(StoreSinkTest::describe).containsExactly("BEGIN", "END");
        sink.put(t.transaction(x -> List.of(x.row("crm", "user", INSERT, "id=3"))));
        assertThat(stored()).isEmpty();
    }

    @Test
    void anEmptiedTransactionIsKeptEvery8192() throws InterruptedException {
        StoreSink sink = sink(filters("shop\\..*", ""));
        int kept = 0;
        for (int i = 0; i < StoreSink.KEEP_EMPTY_EVERY_COUNT * 2; i++) {
            sink.put(t.transaction(x -> List.of(x.row("crm", "user", INSERT, "id=1"))));
            kept += stored().size();
        }
        assertThat(kept).isEqualTo(4);
    }

    @Test
    void beginHeldAcrossPutsIsReleasedWithTheFirstSurvivingRow() throws InterruptedException {
        StoreSink sink = sink(filters("shop\\..*", ""));
        sink.put(List.of(t.begin()));
        assertThat(stored()).isEmpty();
        sink.put(List.of(t.row("crm", "user", INSERT, "id=1")));
        assertThat(stored()).isEmpty();
        sink.put(List.of(t.row("shop", "orders", INSERT, "id=1"), t.end()));
        assertThat(stored()).extracting(StoreSinkTest::describe).containsExactly("BEGIN", "INSERT shop.orders", "END");
    }

    @Test
    void querySwitchesDropTheirKindOfEntry() throws InterruptedException {
        List<ParsedEntry> all = List.of(
                t.ddl("shop", "orders", ALTER, "ALTER TABLE orders ADD c INT"),
                t.query("shop", QUERY, true, "CREATE DATABASE shop2"),
                t.query("shop", QUERY, false, "INSERT INTO orders VALUES (1)"),
                t.query("shop", INSERT, false, "INSERT INTO orders VALUES (2)"));
        record Case(FilterSettings f, List<String> kept) {
        }
        FilterSettings n = FilterSettings.NONE;
        List<Case> cases = List.of(
                new Case(n, List.of("ALTER shop.orders", "QUERY shop.", "QUERY shop.", "INSERT shop.")),
                new Case(new FilterSettings("", "", "", "", false, false, true, false, false, false, false, false),
                        List.of("QUERY shop.", "QUERY shop.", "INSERT shop.")),
                new Case(new FilterSettings("", "", "", "", true, false, false, false, false, false, false, false),
                        List.of("ALTER shop.orders", "QUERY shop.", "INSERT shop.")),
                new Case(new FilterSettings("", "", "", "", false, true, false, false, false, false, false, false),
                        List.of("ALTER shop.orders", "QUERY shop.")),
                new Case(filters("crm\\..*", ""), List.of("QUERY shop.", "QUERY shop.", "INSERT shop.")));
        for (Case c : cases) {
            sink(c.f()).put(all);
            assertThat(stored()).as(c.f().toString()).extracting(StoreSinkTest::describe).isEqualTo(c.kept());
        }
    }

    @Test
    void rowAndDmlKindSwitches() throws InterruptedException {
        record Case(FilterSettings f, List<String> kept) {
        }
        List<Case> cases = List.of(
                new Case(new FilterSettings("", "", "", "", false, false, false, true, false, false, false, false),
                        List.of()),
                new Case(new FilterSettings("", "", "", "", false, false, false, false, false, true, false, false),
                        List.of("BEGIN", "UPDATE s.t", "DELETE s.t", "END")),
                new Case(new FilterSettings("", "", "", "", false, false, false, false, false, false, true, false),
                        List.of("BEGIN", "INSERT s.t", "DELETE s.t", "END")),
                new Case(new FilterSettings("", "", "", "", false, false, false, false, false, false, false, true),
                        List.of("BEGIN", "INSERT s.t", "UPDATE s.t", "END")),
                new Case(new FilterSettings("", "", "", "", false, false, false, false, true, false, false, false),
                        List.of("INSERT s.t", "UPDATE s.t", "DELETE s.t")));
        for (Case c : cases) {
            sink(c.f()).put(t.transaction(x -> List.of(x.row("s", "t", INSERT, "id=1"), x.row("s", "t", UPDATE, "id=1"),
                    x.row("s", "t", DELETE, "id=1"))));
            assertThat(stored()).as(c.f().toString()).extracting(StoreSinkTest::describe).isEqualTo(c.kept());
        }
    }

    @Test
    void heartbeatsNeverReachTheStore() throws InterruptedException {
        sink(FilterSettings.NONE).put(List.of(t.heartbeat()));
        assertThat(stored()).isEmpty();
    }

    @Test
    void columnFiltersKeepOrDropNamedColumnsOfNamedTables() throws InterruptedException {
        FilterSettings f = new FilterSettings("", "", "shop.orders:id/AMOUNT", "crm.user:password", false, false,
                false, false, false, false, false, false);
        sink(f).put(List.of(t.row("shop", "orders", INSERT, "id=1", "amount=2", "note=x"),
                t.row("crm", "user", DELETE, "id=1", "name=a", "password=p"),
                t.row("other", "t", INSERT, "id=1", "password=p")));
        List<StoredEntry> out = stored();
        assertThat(TestEntries.rowChange(out.get(0)).getRowDatas(0).getAfterColumnsList())
                .extracting(CanalEntry.Column::getName).containsExactly("id", "amount");
        assertThat(TestEntries.rowChange(out.get(1)).getRowDatas(0).getBeforeColumnsList())
                .extracting(CanalEntry.Column::getName).containsExactly("id", "name");
        assertThat(TestEntries.rowChange(out.get(2)).getRowDatas(0).getAfterColumnsList())
                .extracting(CanalEntry.Column::getName).containsExactly("id", "password");
        assertThat(TestEntries.rowChange(out.get(0)).getRowDatas(0).getAfterColumns(1).getIndex())
                .as("ordinal kept").isEqualTo(1);
    }

    @Test
    void builtInTransformsDropAndMaskColumns() throws InterruptedException {
        Properties p = new Properties();
        p.setProperty("sluice.transform.drop-columns", "crm.user:avatar");
        p.setProperty("sluice.transform.mask-columns", "crm.user:email/phone");
        List<EntryTransform> transforms = TransformLoader.load(List.of("io.sluice.server.sink.DropColumnsTransform",
                "io.sluice.server.sink.MaskColumnsTransform"), p, getClass().getClassLoader());
        sink(FilterSettings.NONE, transforms.toArray(EntryTransform[]::new))
                .put(List.of(t.row("crm", "user", INSERT, "id=1", "email=a@b.c", "phone=NULL", "avatar=xyz")));
        List<CanalEntry.Column> cols = TestEntries.rowChange(stored().get(0)).getRowDatas(0).getAfterColumnsList();
        assertThat(cols).extracting(CanalEntry.Column::getName).containsExactly("id", "email", "phone");
        assertThat(cols).extracting(CanalEntry.Column::getValue).containsExactly("1", "***", "");
        assertThat(cols.get(2).getIsNull()).as("NULL stays NULL").isTrue();
    }

    /** A user transform built with the Properties constructor: splits each row entry in two. */
    public static final class Duplicate implements EntryTransform {
        private final String marker;

        public Duplicate(Properties p) {
            this.marker = p.getProperty("sluice.transform.duplicate.marker", "copy");
        }

        @Override
        public void apply(ParsedEntry entry, Consumer<ParsedEntry> out) {
            out.accept(entry);
            if (entry.entryType() == CanalEntry.EntryType.ROWDATA) {
                out.accept(entry.withHeader(entry.header().toBuilder().setTableName(marker).build()));
            }
        }
    }

    /** A user transform with a no-arg constructor: drops deletes. */
    public static final class NoDeletes implements EntryTransform {
        @Override
        public void apply(ParsedEntry entry, Consumer<ParsedEntry> out) {
            if (!(entry.payload() instanceof CanalEntry.RowChange rc) || rc.getEventType() != DELETE) {
                out.accept(entry);
            }
        }
    }

    @Test
    void userTransformsRunInOrderAndMayEmitZeroOrSeveralEntries() throws InterruptedException {
        Properties p = new Properties();
        p.setProperty("sluice.transform.duplicate.marker", "mirror");
        List<EntryTransform> ts = TransformLoader.load(List.of(NoDeletes.class.getName(), Duplicate.class.getName()), p,
                getClass().getClassLoader());
        sink(FilterSettings.NONE, ts.toArray(EntryTransform[]::new)).put(
                t.transaction(x -> List.of(x.row("s", "t", INSERT, "id=1"), x.row("s", "t", DELETE, "id=1"))));
        assertThat(stored()).extracting(StoredEntry::table).containsExactly("", "t", "mirror", "");
    }

    @Test
    void transformsSeeTheBeginOfATransactionBeforeItsRowsAndItsEnd() throws InterruptedException {
        List<String> seen = new ArrayList<>();
        EntryTransform recording = (e, out) -> {
            seen.add(e.entryType() + " " + e.table());
            out.accept(e);
        };
        sink(filters("shop\\..*", ""), recording).put(t.transaction(x -> List.of(x.row("crm", "user", INSERT, "id=1"),
                x.row("shop", "orders", INSERT, "id=1"))));
        assertThat(seen).containsExactly("TRANSACTIONBEGIN ", "ROWDATA orders", "TRANSACTIONEND ");
        assertThat(stored()).extracting(StoreSinkTest::describe).containsExactly("BEGIN", "INSERT shop.orders", "END");
    }

    @Test
    void aTransactionATransformEmptiesLosesBeginAndEndLikeAFilteredOne() throws InterruptedException {
        StoreSink sink = sink(FilterSettings.NONE, new NoDeletes());
        sink.put(t.transaction(x -> List.of(x.row("s", "t", DELETE, "id=1"))));
        assertThat(stored()).isEmpty();
        sink.put(t.transaction(x -> List.of(x.row("s", "t", DELETE, "id=2"), x.row("s", "t", INSERT, "id=3"))));
        assertThat(stored()).extracting(StoreSinkTest::describe).containsExactly("BEGIN", "INSERT s.t", "END");
    }

    @Test
    void transformLoaderErrorsNameTheClass() {
        Properties none = new Properties();
        ClassLoader cl = getClass().getClassLoader();
        assertThatThrownBy(() -> TransformLoader.load(List.of("com.example.Missing"), none, cl))
                .isInstanceOf(TransformException.class).hasMessageContaining("com.example.Missing not found");
        assertThatThrownBy(() -> TransformLoader.load(List.of(String.class.getName()), none, cl))
                .hasMessageContaining("does not implement");
        assertThatThrownBy(() -> TransformLoader.load(List.of(DropColumnsTransform.class.getName()), none, cl))
                .hasMessageContaining("sluice.transform.drop-columns is not set");
        Properties bad = new Properties();
        bad.setProperty("sluice.transform.mask-columns", "nocolon");
        assertThatThrownBy(() -> TransformLoader.load(List.of(MaskColumnsTransform.class.getName()), bad, cl))
                .hasMessageContaining("sluice.transform.mask-columns=nocolon");
    }

    @Test
    void aFailingTransformStoresNothingOfTheBatch() {
        EntryTransform failing = (e, out) -> {
            if (e.entryType() == CanalEntry.EntryType.TRANSACTIONEND) {
                throw new IllegalStateException("boom");
            }
            out.accept(e);
        };
        assertThatThrownBy(() -> sink(FilterSettings.NONE, failing)
                .put(t.transaction(x -> List.of(x.row("s", "t", INSERT, "id=1"))))).hasMessage("boom");
        assertThat(store.putSequence()).isZero();
    }

    @Test
    void piecesOfASplitEntryButTheLastResumeBeforeIt() throws InterruptedException {
        Duplicate duplicate = new Duplicate(new Properties());
        List<ParsedEntry> tx = t.transaction(x -> List.of(x.row("s", "t", INSERT, "id=1"), x.row("s", "t", INSERT, "id=2")));
        sink(FilterSettings.NONE, duplicate).put(tx);
        List<StoredEntry> out = stored();
        assertThat(out).extracting(StoredEntry::table).containsExactly("", "t", "copy", "t", "copy", "");
        ParsedEntry first = tx.get(1);
        ParsedEntry second = tx.get(2);
        assertThat(out.get(1).resume()).as("acking it must not skip its copy on resume")
                .isEqualTo(new io.sluice.server.position.ResumePoint(first.resume().position(),
                        first.resume().skipEntries() - 1));
        assertThat(out.get(2).resume()).isEqualTo(first.resume());
        assertThat(out.get(3).resume().skipEntries()).isEqualTo(second.resume().skipEntries() - 1);
        assertThat(out.get(4).resume()).isEqualTo(second.resume());
    }
}
