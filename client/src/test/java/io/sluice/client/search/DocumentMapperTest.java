package io.sluice.client.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.client.sync.SyncStoppedException;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.Column;
import io.sluice.protocol.entry.CanalEntry.EventType;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DocumentMapperTest {

    private static SearchSyncSettings settings(String... kv) {
        Properties p = new Properties();
        p.setProperty("sluice.address", "127.0.0.1:11111");
        p.setProperty("sluice.destination", "example");
        p.setProperty("sync.tables", "Shop.User,shop.pair");
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return SearchSyncSettings.fromProperties(p);
    }

    /** name, sqlType, value (null = NULL), key? */
    private static List<Column> cols(Object... spec) {
        List<Column> out = new ArrayList<>();
        for (int i = 0; i < spec.length; i += 4) {
            Column.Builder c = Column.newBuilder().setIndex(i / 4).setName((String) spec[i]).setSqlType((Integer) spec[i + 1])
                    .setIsKey((Boolean) spec[i + 3]).setIsNull(spec[i + 2] == null);
            if (spec[i + 2] != null) {
                c.setValue((String) spec[i + 2]);
            }
            out.add(c.build());
        }
        return out;
    }

    private static CanalEntry.Entry rows(String schema, String table, EventType type, List<Column> before,
                                         List<Column> after) {
        CanalEntry.RowData.Builder row = CanalEntry.RowData.newBuilder().addAllBeforeColumns(before).addAllAfterColumns(after);
        CanalEntry.RowChange rc = CanalEntry.RowChange.newBuilder().setEventType(type).addRowDatas(row).build();
        return CanalEntry.Entry.newBuilder().setEntryType(CanalEntry.EntryType.ROWDATA)
                .setHeader(CanalEntry.Header.newBuilder().setSchemaName(schema).setTableName(table).setEventType(type))
                .setStoreValue(rc.toByteString()).build();
    }

    private static CanalEntry.Entry ddl(String table, EventType type) {
        CanalEntry.RowChange rc = CanalEntry.RowChange.newBuilder().setEventType(type).setIsDdl(true).setSql("x").build();
        return CanalEntry.Entry.newBuilder().setEntryType(CanalEntry.EntryType.ROWDATA)
                .setHeader(CanalEntry.Header.newBuilder().setSchemaName("shop").setTableName(table).setEventType(type))
                .setStoreValue(rc.toByteString()).build();
    }

    private static Map<String, Object> doc(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static DocumentChange.JsonNumber n(String text) {
        return new DocumentChange.JsonNumber(text);
    }

    @Test
    void valuesBecomeJsonNumbersStringsBase64OrNullAndColumnsAreSelectedAndRenamed() {
        SearchSyncSettings s = settings("sync.table.Shop.User.columns", "id,name:full_name,price,big,data,day,ratio,n");
        SearchIndex user = s.mapping("shop", "user");
        List<DocumentChange> changes = new DocumentMapper(s).map(List.of(rows("Shop", "User", EventType.INSERT, List.of(),
                cols("id", Types.INTEGER, "7", true, "name", Types.VARCHAR, "Ann \"A\"", false,
                        "secret", Types.VARCHAR, "x", false, "price", Types.DECIMAL, "12.50", false,
                        "big", Types.BIGINT, "18446744073709551615", false, "data", Types.VARBINARY, "\u0000\u00ff", false,
                        "day", Types.DATE, "1999-12-31", false, "ratio", Types.DOUBLE, "NaN", false,
                        "n", Types.INTEGER, null, false))));
        assertThat(user.index()).isEqualTo("shop_user");
        assertThat(changes).containsExactly(new DocumentChange.Write(user, "7", "id=7", doc("id", n("7"),
                "full_name", "Ann \"A\"", "price", n("12.50"), "big", n("18446744073709551615"), "data", "AP8=",
                "day", "1999-12-31", "ratio", "NaN", "n", null), false));
    }

    @Test
    void updatesArePartialAKeyChangeDeletesTheOldIdAndCompositeKeysAreJoined() {
        SearchSyncSettings s = settings("sync.id.separator", "|");
        SearchIndex pair = s.mapping("shop", "pair");
        List<DocumentChange> changes = new DocumentMapper(s).map(List.of(
                rows("shop", "pair", EventType.UPDATE, cols("a", Types.INTEGER, "1", true, "b", Types.VARCHAR, "x", true),
                        cols("a", Types.INTEGER, "1", true, "b", Types.VARCHAR, "x", true)),
                rows("shop", "pair", EventType.UPDATE, cols("a", Types.INTEGER, "1", true, "b", Types.VARCHAR, "x", true),
                        cols("a", Types.INTEGER, "2", true, "b", Types.VARCHAR, "x", true)),
                ddl("pair", EventType.TRUNCATE),
                rows("shop", "pair", EventType.DELETE, cols("a", Types.INTEGER, "2", true, "b", Types.VARCHAR, "x", true),
                        List.of())));
        assertThat(changes).containsExactly(
                new DocumentChange.Write(pair, "1|x", "a=1,b=x", doc("a", n("1"), "b", "x"), true),
                new DocumentChange.Delete(pair, "1|x", "a=1,b=x"),
                new DocumentChange.Write(pair, "2|x", "a=2,b=x", doc("a", n("2"), "b", "x"), false),
                new DocumentChange.Truncate(pair),
                new DocumentChange.Delete(pair, "2|x", "a=2,b=x"));
    }

    @Test
    void aSelectionWithoutTheKeyStopsTheSyncAndRowsWithoutAKeyAreLeftOut() {
        SearchSyncSettings s = settings("sync.table.shop.pair.columns", "b");
        assertThatThrownBy(() -> new DocumentMapper(s).map(List.of(rows("shop", "pair", EventType.INSERT, List.of(),
                cols("a", Types.INTEGER, "1", true, "b", Types.VARCHAR, "x", true)))))
                .isInstanceOf(SyncStoppedException.class).hasMessageContaining("leaves out key column a");
        assertThat(new DocumentMapper(settings()).map(List.of(rows("shop", "pair", EventType.INSERT, List.of(),
                cols("a", Types.INTEGER, "1", false))))).isEmpty();
    }
}
