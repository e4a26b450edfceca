package io.sluice.server.sink.rows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.Column;
import io.sluice.protocol.entry.CanalEntry.EventType;
import io.sluice.protocol.entry.CanalEntry.RowChange;
import io.sluice.protocol.entry.CanalEntry.RowData;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RowContentFilterTest {

    /** A row of shop.orders: id, status, amount, note (null when "NULL"). */
    private static List<Column> row(String id, String status, String amount, String note) {
        List<Column> cols = new ArrayList<>();
        String[][] values = {{"id", id}, {"status", status}, {"amount", amount}, {"note", note}};
        for (int i = 0; i < values.length; i++) {
            Column.Builder c = Column.newBuilder().setIndex(i).setName(values[i][0]);
            if ("NULL".equals(values[i][1])) {
                c.setIsNull(true);
            } else {
                c.setValue(values[i][1]);
            }
            cols.add(c.build());
        }
        return cols;
    }

    @ParameterizedTest(name = "{0} on ({1},{2},{3}) -> {4}")
    @CsvSource(delimiter = '|', value = {
            "status in ('paid','shipped') and amount > 100 | paid    | 150   | x    | true",
            "status in ('paid','shipped') and amount > 100 | paid    | 100   | x    | false",
            "status in ('paid','shipped') and amount > 100 | new     | 500   | x    | false",
            "status not in ('paid')                        | new     | 1     | x    | true",
            "amount >= 100.5                               | paid    | 100.50| x    | true",
            "amount > 9                                    | paid    | 10    | x    | true",
            "amount < -1                                   | paid    | -5    | x    | true",
            "note is null                                  | paid    | 1     | NULL | true",
            "note is not null                              | paid    | 1     | NULL | false",
            "note = 'x'                                    | paid    | 1     | NULL | false",
            "not note = 'x'                                | paid    | 1     | NULL | false",
            "note = 'x' or status = 'paid'                 | paid    | 1     | NULL | true",
            "status like 'PA%'                             | paid    | 1     | x    | true",
            "status not like '_aid'                        | paid    | 1     | x    | false",
            "amount between 10 and 20                      | paid    | 15    | x    | true",
            "amount not between 10 and 20                  | paid    | 15    | x    | false",
            "not (status = 'paid' and amount > 5)          | paid    | 3     | x    | true",
            "status = 'Paid'                               | paid    | 3     | x    | false",
            "missing_column = 1                            | paid    | 3     | x    | false",
    })
    void expressionsKeepOrDropRows(String expression, String status, String amount, String note, boolean keep) {
        assertThat(RowPredicate.parse(expression).test(row("1", status, amount, note))).isEqualTo(keep);
    }

    @Test
    void syntaxErrorsNameTheKeyTableAndPosition() {
        assertThatThrownBy(() -> RowContentFilter.parse("shop.orders: status = 'paid' and and amount > 1", false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sluice.filter.rows (shop.orders)")
                .hasMessageContaining("status = 'paid' and and amount > 1");
        assertThatThrownBy(() -> RowPredicate.parse("amount > 1 garbage"))
                .isInstanceOf(RowFilterSyntaxException.class)
                .hasMessageContaining("at position");
        assertThatThrownBy(() -> RowContentFilter.parse("orders status = 1", false))
                .hasMessageContaining("is not 'schema.table: condition'");
    }

    private static ParsedEntry update(List<RowData> rows) {
        BinlogPosition pos = new BinlogPosition("mysql-bin.000001", 500, "", 1, 0);
        CanalEntry.Header header = CanalEntry.Header.newBuilder().setSchemaName("shop").setTableName("orders")
                .setEventType(EventType.UPDATE).addProps(CanalEntry.Pair.newBuilder().setKey("rowsCount").setValue(String.valueOf(rows.size())))
                .build();
        RowChange change = RowChange.newBuilder().setEventType(EventType.UPDATE).addAllRowDatas(rows).build();
        return new ParsedEntry(header, CanalEntry.EntryType.ROWDATA, change, pos,
                new ResumePoint(pos.withOffset(300), 3), StoredEntry.Kind.ROW_DATA);
    }

    private static RowData change(List<Column> before, List<Column> after) {
        return RowData.newBuilder().addAllBeforeColumns(before).addAllAfterColumns(after).build();
    }

    @Test
    void updatesCrossingTheFilterBecomeDeletesAndInsertsWithTransitions() {
        RowContentFilter filter = RowContentFilter.parse("shop.orders: status = 'paid'; other.t: id = 1", true);
        ParsedEntry entry = update(List.of(
                change(row("1", "paid", "1", "a"), row("1", "paid", "2", "a")),      // stays in: UPDATE
                change(row("2", "paid", "1", "a"), row("2", "refunded", "1", "a")),  // leaves: DELETE
                change(row("3", "new", "1", "a"), row("3", "paid", "1", "a")),       // enters: INSERT
                change(row("4", "new", "1", "a"), row("4", "new", "2", "a"))));      // never in: dropped

        List<ParsedEntry> out = filter.apply(entry);

        assertThat(out).extracting(e -> e.rowChange().getEventType())
                .containsExactly(EventType.UPDATE, EventType.DELETE, EventType.INSERT);
        assertThat(out).extracting(e -> e.header().getEventType())
                .containsExactly(EventType.UPDATE, EventType.DELETE, EventType.INSERT);
        assertThat(out.get(0).rowChange().getRowDatas(0).getAfterColumns(0).getValue()).isEqualTo("1");
        assertThat(out.get(1).rowChange().getRowDatas(0).getBeforeColumns(0).getValue()).isEqualTo("2");
        assertThat(out.get(1).rowChange().getRowDatas(0).getAfterColumnsCount()).isZero();
        assertThat(out.get(2).rowChange().getRowDatas(0).getAfterColumns(0).getValue()).isEqualTo("3");
        assertThat(out.get(2).rowChange().getRowDatas(0).getBeforeColumnsCount()).isZero();
        assertThat(out.get(2).rowChange().getRowDatas(0).getAfterColumnsList()).allMatch(Column::getUpdated);
        assertThat(out.get(1).header().getPropsList()).anyMatch(p -> p.getKey().equals("rowsCount") && p.getValue().equals("1"));
        // the pieces keep the entry's resume point: the sink's stage chain makes them resume safely, once
        // (StageChainTest.rowFilterTransitionsResumeSafelyThroughTheChain)
        assertThat(out).extracting(ParsedEntry::resume).containsOnly(entry.resume());
    }

    @Test
    void withoutTransitionsCrossingRowsAreDroppedAndOtherTablesPass() {
        RowContentFilter filter = RowContentFilter.parse("shop.orders: status = 'paid'", false);
        ParsedEntry entry = update(List.of(
                change(row("2", "paid", "1", "a"), row("2", "refunded", "1", "a")),
                change(row("3", "new", "1", "a"), row("3", "paid", "1", "a"))));
        assertThat(filter.apply(entry)).isEmpty();

        ParsedEntry untouched = update(List.of(change(row("1", "paid", "1", "a"), row("1", "paid", "1", "b"))));
        assertThat(filter.apply(untouched)).containsExactly(untouched);
        ParsedEntry otherTable = untouched.withHeader(untouched.header().toBuilder().setTableName("users").build());
        assertThat(filter.apply(otherTable)).containsExactly(otherTable);
    }
}
