package io.sluice.client.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.Column;
import io.sluice.protocol.entry.CanalEntry.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ChangeMapperTest {

    private static RedisSyncSettings settings(String... kv) {
        Properties p = new Properties();
        p.setProperty("sluice.address", "127.0.0.1:11111");
        p.setProperty("sluice.destination", "example");
        p.setProperty("sync.tables", "shop.user,shop.pair");
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return RedisSyncSettings.fromProperties(p);
    }

    /** name, value (null = NULL), key? */
    private static List<Column> cols(Object... spec) {
        List<Column> out = new ArrayList<>();
        for (int i = 0; i < spec.length; i += 3) {
            Column.Builder c = Column.newBuilder().setIndex(i / 3).setName((String) spec[i]).setIsKey((Boolean) spec[i + 2])
                    .setIsNull(spec[i + 1] == null);
            if (spec[i + 1] != null) {
                c.setValue((String) spec[i + 1]);
            }
            out.add(c.build());
        }
        return out;
    }

    private static CanalEntry.Entry rows(String table, EventType type, List<Column> before, List<Column> after) {
        CanalEntry.RowData.Builder row = CanalEntry.RowData.newBuilder().addAllBeforeColumns(before).addAllAfterColumns(after);
        CanalEntry.RowChange rc = CanalEntry.RowChange.newBuilder().setEventType(type).addRowDatas(row).build();
        return CanalEntry.Entry.newBuilder().setEntryType(CanalEntry.EntryType.ROWDATA)
                .setHeader(CanalEntry.Header.newBuilder().setSchemaName("shop").setTableName(table).setEventType(type))
                .setStoreValue(rc.toByteString()).build();
    }

    private static CanalEntry.Entry ddl(String table, EventType type) {
        CanalEntry.RowChange rc = CanalEntry.RowChange.newBuilder().setEventType(type).setIsDdl(true).setSql("x").build();
        return CanalEntry.Entry.newBuilder().setEntryType(CanalEntry.EntryType.ROWDATA)
                .setHeader(CanalEntry.Header.newBuilder().setSchemaName("shop").setTableName(table).setEventType(type))
                .setStoreValue(rc.toByteString()).build();
    }

    @Test
    void insertsAndUpdatesPutTheAfterImageWithoutNullColumnsAndDeletesRemoveTheKey() {
        ChangeMapper m = new ChangeMapper(settings());
        List<RedisChange> changes = m.map(List.of(
                rows("user", EventType.INSERT, List.of(), cols("id", "1", true, "name", "Ann", false, "note", null, false)),
                rows("user", EventType.UPDATE, cols("id", "1", true, "name", "Ann", false, "note", null, false),
                        cols("id", "1", true, "name", null, false, "note", "n", false)),
                rows("user", EventType.DELETE, cols("id", "1", true, "name", null, false, "note", "n", false), List.of())));
        assertThat(changes).containsExactly(
                new RedisChange.Put("shop:user:1", Map.of("id", "1", "name", "Ann")),
                new RedisChange.Put("shop:user:1", Map.of("id", "1", "note", "n")),
                new RedisChange.Delete("shop:user:1"));
    }

    @Test
    void aPrimaryKeyChangeDeletesTheOldKeyAndCompositeKeysAreJoined() {
        ChangeMapper m = new ChangeMapper(settings("sync.key.separator", "|"));
        List<RedisChange> changes = m.map(List.of(rows("pair", EventType.UPDATE,
                cols("a", "1", true, "b", "x", true, "v", "old", false),
                cols("a", "2", true, "b", "x", true, "v", "new", false))));
        assertThat(changes).containsExactly(new RedisChange.Delete("shop:pair:1|x"),
                new RedisChange.Put("shop:pair:2|x", Map.of("a", "2", "b", "x", "v", "new")));
    }

    @Test
    void perTableTemplatesAndColumnSelectionApplyAndOtherTablesAreIgnored() {
        ChangeMapper m = new ChangeMapper(settings("sync.table.shop.user.key", "user:{name}",
                "sync.table.shop.user.columns", "id,note"));
        List<RedisChange> changes = m.map(List.of(
                rows("user", EventType.INSERT, List.of(), cols("id", "1", true, "name", "ann", false, "note", "n", false)),
                rows("orders", EventType.INSERT, List.of(), cols("id", "1", true))));
        assertThat(changes).containsExactly(new RedisChange.Put("user:ann", Map.of("id", "1", "note", "n")));
    }

    @Test
    void truncateAndDropDeleteTheTablesKeysByScanPatternOtherDdlDoesNothing() {
        ChangeMapper m = new ChangeMapper(settings("sync.table.shop.pair.key", "p[{a}]*{b}"));
        assertThat(m.map(List.of(ddl("user", EventType.TRUNCATE), ddl("pair", EventType.ERASE), ddl("user", EventType.ALTER))))
                .containsExactly(new RedisChange.DeleteMatching("shop:user:*"), new RedisChange.DeleteMatching("p\\[*\\]\\**"));
    }

    @Test
    void rowsOfATableWithoutPrimaryKeyCannotBeKeyedByPk() {
        ChangeMapper m = new ChangeMapper(settings());
        assertThat(m.map(List.of(rows("user", EventType.INSERT, List.of(), cols("id", "1", false))))).isEmpty();
    }

    @Test
    void settingsErrorsNameTheKeyAndFilterListsTheTables() {
        assertThatThrownBy(() -> settings("sync.table.shop.user.key", "{db}:{table}"))
                .isInstanceOf(RedisSyncSettingsException.class).hasMessageStartingWith("sync.table.shop.user.key={db}:{table}");
        assertThatThrownBy(() -> settings("sync.tables", "user")).hasMessageStartingWith("sync.tables=user");
        assertThatThrownBy(() -> settings("redis.port", "0")).hasMessageStartingWith("redis.port=0");
        assertThat(settings().subscribeFilter()).isEqualTo("shop\\.user,shop\\.pair");
        assertThat(settings("sluice.password", "secret").toString()).doesNotContain("secret");
    }
}
