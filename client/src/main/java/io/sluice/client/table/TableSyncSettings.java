package io.sluice.client.table;

import io.sluice.client.ConnectorSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
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
 * sync.alter=stop                                  # stop | ignore, per table sync.table.X.alter
 * sync.retry.backoff.ms=500 / sync.retry.backoff.max.ms=30000 / sync.progress.seconds=10
 * </pre>
 */
public record TableSyncSettings(InetSocketAddress server, ConnectorSettings connector, int batchSize, String targetUrl,
                                String targetUser, String targetPassword, Map<String, TargetTable> tables,
                                Duration retryBackoff, Duration retryBackoffMax, Duration progressInterval,
                                String zkServers) {

    public TableSyncSettings {
        tables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tables));
    }

    public static TableSyncSettings fromProperties(Properties p) {
        String zkServers = value(p, "sluice.zkServers", "");
        InetSocketAddress server = null;
        if (zkServers.isEmpty() || !value(p, "sluice.address", "").isEmpty()) {
            String address = required(p, "sluice.address");
            int colon = address.lastIndexOf(':');
            if (colon <= 0) {
                throw new TableSyncSettingsException("sluice.address", address, "is not host:port");
            }
            server = InetSocketAddress.createUnresolved(address.substring(0, colon),
                    integer("sluice.address", address.substring(colon + 1), 1, 65535));
        }
        String password = value(p, "sluice.password", "");
        ConnectorSettings connector = ConnectorSettings.of(required(p, "sluice.destination"))
                .withCredentials(value(p, "sluice.username", ""), password.isEmpty() ? null : password)
                .withClientId((short) integer("sluice.client.id", value(p, "sluice.client.id", "1001"), 1,
                        Short.MAX_VALUE));
        String url = required(p, "target.url");
        SqlDialect.of(url); // refuses an unsupported database now rather than at the first batch
        String alterDefault = alter(p, "sync.alter", "stop");

        Map<String, TargetTable> tables = new LinkedHashMap<>();
        String list = required(p, "sync.tables");
        for (String name : list.split(",")) {
            String full = name.trim();
            int dot = full.indexOf('.');
            if (dot <= 0 || dot == full.length() - 1) {
                throw new TableSyncSettingsException("sync.tables", list, "item '" + full + "' is not schema.table");
            }
            String prefix = "sync.table." + full + ".";
            Map<String, String> columns = new LinkedHashMap<>();
            String cols = value(p, prefix + "columns", "");
            for (String c : cols.isEmpty() ? new String[0] : cols.split(",")) {
                String item = c.trim();
                if (item.isEmpty()) {
                    continue;
                }
                int colon = item.indexOf(':');
                String source = colon < 0 ? item : item.substring(0, colon).trim();
                String target = colon < 0 ? item : item.substring(colon + 1).trim();
                if (source.isEmpty() || target.isEmpty()) {
                    throw new TableSyncSettingsException(prefix + "columns", cols, "item '" + item
                            + "' is not column or source:target");
                }
                columns.put(source, target);
            }
            String table = full.substring(dot + 1);
            tables.put(full.toLowerCase(), new TargetTable(full.substring(0, dot), table,
                    value(p, prefix + "target", table), columns,
                    alter(p, prefix + "alter", alterDefault).equals("ignore")));
        }
        return new TableSyncSettings(server, connector,
                integer("sluice.batch.size", value(p, "sluice.batch.size", "1000"), 1, Integer.MAX_VALUE),
                url, value(p, "target.user", ""), value(p, "target.password", ""), tables,
                Duration.ofMillis(integer("sync.retry.backoff.ms", value(p, "sync.retry.backoff.ms", "500"), 1,
                        Integer.MAX_VALUE)),
                Duration.ofMillis(integer("sync.retry.backoff.max.ms", value(p, "sync.retry.backoff.max.ms", "30000"), 1,
                        Integer.MAX_VALUE)),
                Duration.ofSeconds(integer("sync.progress.seconds", value(p, "sync.progress.seconds", "10"), 0,
                        86400)),
                zkServers);
    }

    public boolean hasZooKeeper() {
        return !zkServers.isEmpty();
    }

    public String serverName() {
        return server != null ? server.getHostString() + ":" + server.getPort()
                : "(active server of " + connector.destination() + " in ZooKeeper " + zkServers + ")";
    }

    /** The target URL without its query string, which may hold a password. */
    public String targetName() {
        int q = targetUrl.indexOf('?');
        return q < 0 ? targetUrl : targetUrl.substring(0, q);
    }

    public String subscribeFilter() {
        return String.join(",", tables.values().stream()
                .map(t -> t.schema().replace(".", "\\.") + "\\." + t.table().replace(".", "\\.")).toList());
    }

    TargetTable mapping(String schema, String table) {
        return tables.get((schema + "." + table).toLowerCase());
    }

    private static String alter(Properties p, String key, String fallback) {
        String v = value(p, key, fallback).toLowerCase();
        if (!v.equals("stop") && !v.equals("ignore")) {
            throw new TableSyncSettingsException(key, v, "must be stop or ignore");
        }
        return v;
    }

    private static String value(Properties p, String key, String fallback) {
        String v = p.getProperty(key);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private static String required(Properties p, String key) {
        String v = value(p, key, "");
        if (v.isEmpty()) {
            throw new TableSyncSettingsException(key, "", "is required");
        }
        return v;
    }

    private static int integer(String key, String v, int min, int max) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new TableSyncSettingsException(key, v, "must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new TableSyncSettingsException(key, v, "is not a whole number");
        }
    }

    @Override
    public String toString() {
        return "TableSyncSettings[" + serverName() + " " + connector + ", target=" + targetName()
                + (targetPassword.isEmpty() ? "" : " password=<set>") + ", tables=" + tables.keySet() + "]";
    }
}
