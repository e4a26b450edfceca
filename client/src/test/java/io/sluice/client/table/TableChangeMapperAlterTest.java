package io.sluice.client.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.EventType;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What {@code alter=follow} turns an ALTER TABLE into, and what it refuses before any of it is applied. */
@Timeout(10)
class TableChangeMapperAlterTest {

    private static TableChangeMapper mapper(String url, String columns) {
        Properties p = new Properties();
        p.setProperty("sluice.address", "127.0.0.1:11111");
        p.setProperty("sluice.destination", "example");
        p.setProperty("target.url", url);
        p.setProperty("sync.tables", "shop.t");
        p.setProperty("sync.table.shop.t.target", "app.t");
        p.setProperty("sync.alter", "follow");
        if (columns != null) {
            p.setProperty("sync.table.shop.t.columns", columns);
        }
        return new TableChangeMapper(TableSyncSettings.fromProperties(p));
    }

    private static CanalEntry.Entry ddl(EventType type, String sql) {
        CanalEntry.RowChange rc = CanalEntry.RowChange.newBuilder().setEventType(type).setIsDdl(true).setSql(sql).build();
        return CanalEntry.Entry.newBuilder().setEntryType(CanalEntry.EntryType.ROWDATA)
                .setHeader(CanalEntry.Header.newBuilder().setSchemaName("shop").setTableName("t").setEventType(type)
                        .setLogfileName("mysql-bin.000003").setLogfileOffset(4242))
                .setStoreValue(rc.toByteString()).build();
    }

    @Test
    void columnChangesBecomeTargetChangesWithMappedTypesAndNames() {
        List<RowChange> changes = mapper("jdbc:postgresql://h/db", null).map(List.of(ddl(EventType.ALTER,
                "ALTER TABLE shop.t ADD COLUMN w INT UNSIGNED DEFAULT 3, DROP COLUMN s, RENAME COLUMN v TO amount,"
                        + " CHANGE q qty SMALLINT")));
        String stmt = "ALTER TABLE shop.t ADD COLUMN w INT UNSIGNED DEFAULT 3, DROP COLUMN s, RENAME COLUMN v TO amount,"
                + " CHANGE q qty SMALLINT at mysql-bin.000003:4242";
        TargetTable t = changes.get(0).table();
        SourcePosition at = new SourcePosition("mysql-bin.000003", 4242);
        assertThat(changes).containsExactly(new RowChange.AddColumn(t, "w", "bigint", "3", stmt, at),
                new RowChange.DropColumn(t, "s", stmt, at), new RowChange.RenameColumn(t, "v", "amount", stmt, at),
                new RowChange.CheckType(t, "q", "qty", "smallint", "smallint", stmt, at),
                new RowChange.RenameColumn(t, "q", "qty", stmt, at));
        assertThat(mapper("jdbc:postgresql://h/db", null).map(List.of(ddl(EventType.ALTER,
                "ALTER TABLE t ADD COLUMN n VARCHAR(9) DEFAULT 'it\\'s'"))).get(0))
                .isInstanceOfSatisfying(RowChange.AddColumn.class, a -> assertThat(a.defaultValue()).isEqualTo("E'it\\'s'"));
        assertThat(mapper("jdbc:mariadb://h/db", null).map(List.of(ddl(EventType.ALTER,
                "ALTER TABLE t ADD COLUMN e ENUM('a','b') NOT NULL"))))
                .singleElement().isEqualTo(new RowChange.AddColumn(t, "e", "enum('a','b')", "'a'",
                        "ALTER TABLE t ADD COLUMN e ENUM('a','b') NOT NULL at mysql-bin.000003:4242", at));
    }

    @Test
    void positionsCompareWithinOneBinlogSequenceOnly() {
        SourcePosition p = new SourcePosition("mysql-bin.000009", 500);
        assertThat(new SourcePosition("mysql-bin.000009", 499).before(p)).isTrue();
        assertThat(new SourcePosition("mysql-bin.000008", 90000).before(p)).isTrue();
        assertThat(p.before(p)).isFalse();
        assertThat(new SourcePosition("mysql-bin.000010", 4).before(p)).isFalse();
        assertThat(new SourcePosition("other-bin.000001", 4).before(p)).isFalse();
    }

    @Test
    void aColumnListDecidesWhatIsAddedDroppedAndRenamed() {
        TableChangeMapper m = mapper("jdbc:postgresql://h/db", "id,v:val,y:why");
        List<RowChange> changes = m.map(List.of(ddl(EventType.ALTER,
                "ALTER TABLE t ADD x INT, ADD y TEXT, DROP COLUMN z, DROP COLUMN v, MODIFY x BIGINT")));
        assertThat(changes).hasSize(2);
        assertThat(changes.get(0)).isInstanceOfSatisfying(RowChange.AddColumn.class, a -> assertThat(a.column()).isEqualTo("why"));
        assertThat(changes.get(1)).isInstanceOfSatisfying(RowChange.DropColumn.class, d -> assertThat(d.column()).isEqualTo("val"));
        assertThatThrownBy(() -> m.map(List.of(ddl(EventType.ALTER, "ALTER TABLE t RENAME COLUMN v TO v2"))))
                .isInstanceOf(AlterRefusedException.class)
                .hasMessageContaining("column v is renamed v2").hasMessageContaining("list v2:val instead");
        assertThat(mapper("jdbc:postgresql://h/db", "id,v2:val").map(List.of(ddl(EventType.ALTER,
                "ALTER TABLE t RENAME COLUMN v TO v2")))).isEmpty(); // the list was updated already
    }

    @Test
    void aStatementWithAnyClauseItCannotFollowIsRefusedWhole() {
        TableChangeMapper m = mapper("jdbc:postgresql://h/db", null);
        assertThatThrownBy(() -> m.map(List.of(ddl(EventType.ALTER, "ALTER TABLE t ADD COLUMN w INT, ADD INDEX i (w)"))))
                .isInstanceOf(AlterRefusedException.class).hasMessageContaining("shop.t changed at mysql-bin.000003:4242")
                .hasMessageContaining("'ADD INDEX i ( w )' is not a column change it follows")
                .hasMessageContaining("sync.table.shop.t.alter=ignore");
        assertThatThrownBy(() -> m.map(List.of(ddl(EventType.RENAME, "RENAME TABLE t TO u"))))
                .isInstanceOf(AlterRefusedException.class).hasMessageContaining("RENAME TABLE");
        assertThatThrownBy(() -> m.map(List.of(ddl(EventType.ALTER, "ALTER TABLE t ADD COLUMN p POINT2"))))
                .isInstanceOf(AlterRefusedException.class).hasMessageContaining("has no POSTGRESQL mapping");
        assertThat(m.map(List.of(ddl(EventType.ALTER, "ALTER TABLE t ALTER COLUMN v SET DEFAULT 1")))).isEmpty();
    }
}
