package io.sluice.server.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.EventType;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code mariadb-ddl.bin}: DDL entries in canal's types, and rows decoded with the columns of their time. */
class DdlFixtureTest {

    @Test
    void ddlEntriesCarryCanalsEventTypesAndTargets() throws Exception {
        List<ParsedEntry> ddl = FixtureDecodingTest.decode("mariadb/mariadb-ddl.bin", false).stream()
                .filter(e -> e.payload() instanceof CanalEntry.RowChange rc && rc.getIsDdl()).toList();
        assertThat(ddl).extracting(e -> e.rowChange().getEventType()).containsExactly(
                EventType.QUERY, EventType.CREATE, EventType.ALTER, EventType.ALTER, EventType.ALTER, EventType.ALTER,
                EventType.ALTER, EventType.CINDEX, EventType.CREATE, EventType.RENAME, EventType.CREATE,
                EventType.TRUNCATE, EventType.ERASE, EventType.ERASE, EventType.QUERY, EventType.QUERY);
        assertThat(ddl).extracting(ParsedEntry::table).containsExactly("", "person", "person", "person", "person",
                "person", "person", "person", "snapshot", "people", "people_copy", "people_copy", "people_copy",
                "people", "", "");
        assertThat(ddl).allMatch(e -> e.rowChange().getDdlSchemaName().startsWith("fx_ddl"));
        assertThat(ddl.get(7).rowChange().getSql()).startsWith("/* leading comment */ alter table");
        assertThat(ddl.get(1).kind()).isEqualTo(StoredEntry.Kind.DDL);
        assertThat(ddl.get(0).kind()).isEqualTo(StoredEntry.Kind.QUERY);
        // a DDL is a unit of its own: acknowledging it means resuming after it
        assertThat(ddl.get(1).resume().skipEntries()).isZero();
        assertThat(ddl.get(1).resume().position().offset())
                .isEqualTo(ddl.get(1).header().getLogfileOffset() + ddl.get(1).header().getEventLength());
    }

    @Test
    void rowsBeforeAndAfterEachAlterKeepTheColumnsOfTheirTime() throws Exception {
        List<CanalEntry.RowChange> rows = FixtureDecodingTest.decode("mariadb/mariadb-ddl.bin", false).stream()
                .filter(e -> e.payload() instanceof CanalEntry.RowChange rc && !rc.getIsDdl())
                .map(ParsedEntry::rowChange).toList();
        assertThat(names(rows.get(0))).containsExactly("id", "name", "age");
        assertThat(names(rows.get(1))).containsExactly("id", "name", "email", "age");
        assertThat(names(rows.get(2))).containsExactly("id", "name", "email");
        assertThat(names(rows.get(3))).containsExactly("id", "full_name", "mail");
        CanalEntry.Column id = rows.get(3).getRowDatas(0).getAfterColumns(0);
        assertThat(id.getMysqlType()).isEqualTo("bigint(20)"); // MariaDB 10.11 prints the display width
        assertThat(id.getIsKey()).as("MODIFY keeps the primary key").isTrue();
        assertThat(rows.get(3).getRowDatas(0).getAfterColumns(2).getMysqlType()).isEqualTo("varchar(100)");
        // CREATE TABLE ... SELECT: the server-written CREATE then the rows, in one transaction
        assertThat(names(rows.get(5))).containsExactly("id", "full_name");
        assertThat(names(rows.get(rows.size() - 1))).containsExactly("id", "full_name", "mail");
    }

    private static List<String> names(CanalEntry.RowChange rc) {
        CanalEntry.RowData row = rc.getRowDatas(0);
        List<CanalEntry.Column> columns = row.getAfterColumnsCount() > 0 ? row.getAfterColumnsList() : row.getBeforeColumnsList();
        return columns.stream().map(CanalEntry.Column::getName).toList();
    }
}
