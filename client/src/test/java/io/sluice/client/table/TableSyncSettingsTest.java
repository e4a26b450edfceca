package io.sluice.client.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TableSyncSettingsTest {

    private static Properties base() {
        Properties p = new Properties();
        p.setProperty("sluice.address", "127.0.0.1:11111");
        p.setProperty("sluice.destination", "example");
        p.setProperty("target.url", "jdbc:postgresql://db:5432/app?password=secret");
        p.setProperty("sync.tables", "shop.user, shop.order");
        return p;
    }

    @Test
    void mappingSelectsAndRenamesColumnsAndDefaultsToTheSourceName() {
        Properties p = base();
        p.setProperty("sync.table.shop.user.target", "public.users");
        p.setProperty("sync.table.shop.user.columns", "id, name:full_name");
        p.setProperty("sync.table.shop.user.alter", "ignore");
        TableSyncSettings s = TableSyncSettings.fromProperties(p);
        TargetTable user = s.mapping("SHOP", "User");
        assertThat(user.target()).isEqualTo("public.users");
        assertThat(user.targetColumn("name")).isEqualTo("full_name");
        assertThat(user.targetColumn("email")).isNull();
        assertThat(user.alter()).isEqualTo(TargetTable.Alter.IGNORE);
        TargetTable order = s.mapping("shop", "order");
        assertThat(order.target()).isEqualTo("order");
        assertThat(order.targetColumn("anything")).isEqualTo("anything");
        assertThat(order.alter()).isEqualTo(TargetTable.Alter.STOP);
        assertThat(s.subscribeFilter()).isEqualTo("shop\\.user,shop\\.order");
    }

    @Test
    void alterFollowAndCreateTablesAreReadGloballyAndPerTable() {
        Properties p = base();
        p.setProperty("sync.alter", "follow");
        p.setProperty("sync.table.shop.order.alter", "stop");
        p.setProperty("sync.create.tables", "true");
        TableSyncSettings s = TableSyncSettings.fromProperties(p);
        assertThat(s.mapping("shop", "user").alter()).isEqualTo(TargetTable.Alter.FOLLOW);
        assertThat(s.mapping("shop", "order").alter()).isEqualTo(TargetTable.Alter.STOP);
        assertThat(s.createTables()).isTrue();
        assertThat(TableSyncSettings.fromProperties(base()).createTables()).isFalse();
    }

    @Test
    void logsNeverShowTheUrlQueryOrThePassword() {
        Properties p = base();
        p.setProperty("target.password", "hunter2");
        TableSyncSettings s = TableSyncSettings.fromProperties(p);
        assertThat(s.targetName()).isEqualTo("jdbc:postgresql://db:5432/app");
        assertThat(s.toString()).doesNotContain("secret").doesNotContain("hunter2").contains("password=<set>");
    }

    @Test
    void wrongKeysAreNamed() {
        Properties p = base();
        p.setProperty("target.url", "jdbc:oracle:thin:@db");
        assertThatThrownBy(() -> TableSyncSettings.fromProperties(p)).hasMessageContaining("target.url");
        Properties q = base();
        q.setProperty("sync.alter", "always");
        assertThatThrownBy(() -> TableSyncSettings.fromProperties(q)).hasMessageContaining("sync.alter=always");
        Properties c = base();
        c.setProperty("sync.create.tables", "yes");
        assertThatThrownBy(() -> TableSyncSettings.fromProperties(c)).hasMessageContaining("sync.create.tables=yes");
        Properties r = base();
        r.setProperty("sync.table.shop.user.columns", "id,:x");
        assertThatThrownBy(() -> TableSyncSettings.fromProperties(r)).hasMessageContaining("sync.table.shop.user.columns");
        Properties t = base();
        t.setProperty("sync.tables", "user");
        assertThatThrownBy(() -> TableSyncSettings.fromProperties(t)).hasMessageContaining("is not schema.table");
    }

    @Test
    void dialectsWriteUpsertsDeletesAndTransactionalTruncates() {
        assertThat(SqlDialect.POSTGRESQL.upsert("public.items", List.of("id", "ti\"tle"), List.of("id")))
                .isEqualTo("INSERT INTO \"public\".\"items\" (\"id\", \"ti\"\"tle\") VALUES (?, ?) ON CONFLICT (\"id\")"
                        + " DO UPDATE SET \"ti\"\"tle\" = EXCLUDED.\"ti\"\"tle\"");
        assertThat(SqlDialect.POSTGRESQL.upsert("pair", List.of("a", "b"), List.of("a", "b")))
                .endsWith("ON CONFLICT (\"a\", \"b\") DO NOTHING");
        assertThat(SqlDialect.MYSQL.upsert("items", List.of("id", "v"), List.of("id")))
                .isEqualTo("INSERT INTO `items` (`id`, `v`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `v` = VALUES(`v`)");
        assertThat(SqlDialect.MYSQL.delete("pair", List.of("a", "b"))).isEqualTo("DELETE FROM `pair` WHERE `a` = ? AND `b` = ?");
        assertThat(SqlDialect.MYSQL.truncate("items")).isEqualTo("DELETE FROM `items`");
        assertThat(SqlDialect.POSTGRESQL.truncate("items")).isEqualTo("TRUNCATE TABLE \"items\"");
        assertThat(SqlDialect.POSTGRESQL.prepareUrl("jdbc:postgresql://h/db"))
                .isEqualTo("jdbc:postgresql://h/db?stringtype=unspecified&reWriteBatchedInserts=true");
        assertThat(SqlDialect.MYSQL.prepareUrl("jdbc:mysql://h/db")).isEqualTo("jdbc:mysql://h/db?permitMysqlScheme");
    }
}
