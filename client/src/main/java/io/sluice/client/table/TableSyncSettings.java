package io.sluice.client.table;

import io.sluice.client.sync.SyncProperties;
import io.sluice.client.sync.SyncSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The table sync consumer's properties file (see conf/table-sync.properties and docs/table-sync.md):
 * <pre>
 * sluice.address=127.0.0.1:11111 / sluice.zkServers= / sluice.destination=example
 * sluice.username= / sluice.password= / sluice.client.id=1001 / sluice.batch.size=1000
 * target.url=jdbc:postgresql://127.0.0.1:5432/app   # or jdbc:mariadb://host:3306/app (also jdbc:mysql:)
 * target.user= / target.password=
 * sync.tables=shop.user,shop.order
 * sync.table.shop.user.target=users                # default: the source table's name
 * sync.table.shop.user.columns=id,name:full_name   # selection; source:target renames
 * sync.alter=stop                                  # stop | ignore | follow, per table sync.table.X.alter
 * sync.create.tables=false                         # true: a missing target table is created at its first row
 * sync.retry.backoff.ms=500 / sync.retry.backoff.max.ms=30000 / sync.progress.seconds=10 / sync.metrics.port=
 * </pre>
 */
public record TableSyncSettings(SyncSettings sync, String targetUrl, String targetUser, String targetPassword,
                                Map<String, TargetTable> tables, boolean createTables) {

    public TableSyncSettings {
        tables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tables));
    }

    public static TableSyncSettings fromProperties(Properties properties) {
        SyncProperties p = new SyncProperties(properties, TableSyncSettingsException::new);
        SyncSettings sync = SyncSettings.fromProperties(p);
        String url = p.required("target.url");
        SqlDialect.of(url); // refuses an unsupported database now rather than at the first batch
        TargetTable.Alter alterDefault = alter(p, "sync.alter", TargetTable.Alter.STOP);
        String create = p.value("sync.create.tables", "false").toLowerCase();
        if (!create.equals("true") && !create.equals("false")) {
            throw new TableSyncSettingsException("sync.create.tables", create, "must be true or false");
        }

        Map<String, TargetTable> tables = new LinkedHashMap<>();
        for (String[] name : p.tables("sync.tables")) {
            String full = name[0] + "." + name[1];
            String prefix = "sync.table." + full + ".";
            Map<String, String> columns = p.columnSelection(prefix + "columns", "target");
            tables.put(full.toLowerCase(), new TargetTable(name[0], name[1], p.value(prefix + "target", name[1]),
                    columns, alter(p, prefix + "alter", alterDefault)));
        }
        return new TableSyncSettings(sync, url, p.value("target.user", ""), p.value("target.password", ""), tables,
                create.equals("true"));
    }


    /** The target URL without its query string, which may hold a password. */
    public String targetName() {
        int q = targetUrl.indexOf('?');
        return q < 0 ? targetUrl : targetUrl.substring(0, q);
    }

    public String subscribeFilter() {
        return SyncSettings.subscribeFilter(tables.values().stream().map(t -> new String[] {t.schema(), t.table()})
                .toList());
    }

    TargetTable mapping(String schema, String table) {
        return tables.get((schema + "." + table).toLowerCase());
    }

    private static TargetTable.Alter alter(SyncProperties p, String key, TargetTable.Alter fallback) {
        String v = p.value(key, fallback.name()).toLowerCase();
        return switch (v) {
            case "stop" -> TargetTable.Alter.STOP;
            case "ignore" -> TargetTable.Alter.IGNORE;
            case "follow" -> TargetTable.Alter.FOLLOW;
            default -> throw new TableSyncSettingsException(key, v, "must be stop, ignore or follow");
        };
    }

    @Override
    public String toString() {
        return "TableSyncSettings[" + sync.serverName() + " " + sync.connector() + ", target=" + targetName()
                + (targetPassword.isEmpty() ? "" : " password=<set>") + ", tables=" + tables.keySet() + (createTables ? ", create.tables" : "") + "]";
    }
}
