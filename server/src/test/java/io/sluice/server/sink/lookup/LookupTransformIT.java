package io.sluice.server.sink.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.Column;
import io.sluice.protocol.entry.CanalEntry.EventType;
import io.sluice.protocol.entry.CanalEntry.RowChange;
import io.sluice.protocol.entry.CanalEntry.RowData;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import io.sluice.testkit.LocalMariaDb;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestDatabaseExtension.class)
class LookupTransformIT {

    @BeforeEach
    void schema(TestDatabase db) {
        db.execute("CREATE DATABASE IF NOT EXISTS lk", "DROP TABLE IF EXISTS lk.customers",
                "CREATE TABLE lk.customers (id INT PRIMARY KEY, name VARCHAR(40), email VARCHAR(80))",
                "INSERT INTO lk.customers VALUES (1, 'Ann', 'ann@example.com'), (2, 'Bob', NULL)");
    }

    private static LookupSettings settings(String jdbcUrl, String policy) {
        Properties p = new Properties();
        p.setProperty("sluice.transform.lookup.customer.table", "lk.orders");
        p.setProperty("sluice.transform.lookup.customer.key", "customer_id");
        p.setProperty("sluice.transform.lookup.customer.from", "lk.customers");
        p.setProperty("sluice.transform.lookup.customer.columns", "name,email");
        p.setProperty("sluice.transform.lookup.customer.on.failure", policy);
        p.setProperty("sluice.transform.lookup.customer.cache.ttl.ms", "3600000");
        p.setProperty("sluice.transform.lookup.customer.retry.backoff.max.ms", "200");
        List<LookupSettings> all = LookupSettings.fromProperties(p, jdbcUrl, "root", "");
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private static Column col(int index, String name, String value) {
        return Column.newBuilder().setIndex(index).setName(name).setValue(value).setIsNull(false).build();
    }

    private static ParsedEntry rows(String table, EventType type, List<RowData> rows) {
        BinlogPosition pos = BinlogPosition.of("mysql-bin.000001", 100);
        return new ParsedEntry(CanalEntry.Header.newBuilder().setSchemaName("lk").setTableName(table).setEventType(type).build(),
                CanalEntry.EntryType.ROWDATA, RowChange.newBuilder().setEventType(type).addAllRowDatas(rows).build(),
                pos, new ResumePoint(pos, 1), StoredEntry.Kind.ROW_DATA);
    }

    private static ParsedEntry orderInserted(int id, String customerId) {
        return rows("orders", EventType.INSERT, List.of(RowData.newBuilder()
                .addAfterColumns(col(0, "id", String.valueOf(id))).addAfterColumns(col(1, "customer_id", customerId)).build()));
    }

    private static Column added(ParsedEntry e, String name) {
        return e.rowChange().getRowDatas(0).getAfterColumnsList().stream().filter(c -> c.getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no column " + name + " in " + e.rowChange()));
    }

    @Test
    void rowsAreEnrichedAndTheLookedUpTablesOwnChangesInvalidateTheCache(TestDatabase db) throws Exception {
        try (LookupTransform lookup = new LookupTransform(settings(db.jdbcUrl(""), "retry"))) {
            ParsedEntry first = lookup.apply(orderInserted(10, "1")).get(0);
            assertThat(added(first, "customer_name").getValue()).isEqualTo("Ann");
            assertThat(added(first, "customer_email").getValue()).isEqualTo("ann@example.com");
            assertThat(added(first, "customer_name").getIndex()).isEqualTo(2);
            assertThat(added(first, "customer_name").getPropsList())
                    .anySatisfy(p -> assertThat(p.getKey() + "=" + p.getValue()).isEqualTo("source=lookup:customer"));
            assertThat(added(lookup.apply(orderInserted(11, "2")).get(0), "customer_email").getIsNull()).isTrue();
            assertThat(added(lookup.apply(orderInserted(12, "99")).get(0), "customer_name").getIsNull()).isTrue();

            db.execute("UPDATE lk.customers SET name = 'Annie' WHERE id = 1");
            // still cached: the change has not come through the stream yet
            assertThat(added(lookup.apply(orderInserted(13, "1")).get(0), "customer_name").getValue()).isEqualTo("Ann");

            ParsedEntry customerUpdate = rows("customers", EventType.UPDATE, List.of(RowData.newBuilder()
                    .addBeforeColumns(col(0, "id", "1")).addBeforeColumns(col(1, "name", "Ann"))
                    .addAfterColumns(col(0, "id", "1")).addAfterColumns(col(1, "name", "Annie")).build()));
            assertThat(lookup.apply(customerUpdate)).containsExactly(customerUpdate);
            assertThat(added(lookup.apply(orderInserted(14, "1")).get(0), "customer_name").getValue()).isEqualTo("Annie");
        }
    }

    @Test
    void aSourceThatIsDownFollowsThePolicy() throws Exception {
        try (LocalMariaDb source = LocalMariaDb.launch()) {
            source.execute("CREATE DATABASE lk", "CREATE TABLE lk.customers (id INT PRIMARY KEY, name VARCHAR(40), email VARCHAR(80))",
                    "INSERT INTO lk.customers VALUES (1, 'Ann', 'a@x')");
            try (LookupTransform pass = new LookupTransform(settings(source.jdbcUrl(""), "pass"));
                 LookupTransform retry = new LookupTransform(settings(source.jdbcUrl(""), "retry"))) {
                source.stop();

                ParsedEntry flagged = pass.apply(orderInserted(1, "1")).get(0);
                assertThat(flagged.rowChange().getRowDatas(0).getPropsList())
                        .anySatisfy(p -> assertThat(p.getKey() + "=" + p.getValue()).isEqualTo("sluice.lookup.failed=customer"));
                assertThat(flagged.rowChange().getRowDatas(0).getAfterColumnsCount()).isEqualTo(2);

                CompletableFuture<List<ParsedEntry>> waiting = CompletableFuture.supplyAsync(() -> {
                    try {
                        return retry.apply(orderInserted(2, "1"));
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                Thread.sleep(1000);
                assertThat(waiting).isNotDone();
                source.start();
                ParsedEntry enriched = waiting.get(60, TimeUnit.SECONDS).get(0);
                assertThat(added(enriched, "customer_name").getValue()).isEqualTo("Ann");
            }
        }
    }
}
