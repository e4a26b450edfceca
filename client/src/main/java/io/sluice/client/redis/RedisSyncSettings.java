package io.sluice.client.redis;

import io.sluice.client.sync.SyncProperties;
import io.sluice.client.sync.SyncSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The Redis sync consumer's properties file:
 * <pre>
 * sluice.address=127.0.0.1:11111        # the Sluice (or canal) server; optional with sluice.zkServers
 * sluice.zkServers=zk1:2181,zk2:2181    # optional: find the active server through ZooKeeper, and run as one of
 *                                       # several copies of which one is active (canal's client running node)
 * sluice.destination=example
 * sluice.username= / sluice.password=   # canal.user / plain password, when the server checks them
 * sluice.client.id=1001
 * sluice.batch.size=1000                # entries per GET
 * redis.host=127.0.0.1 / redis.port=6379 / redis.password= / redis.database=0 / redis.timeout.ms=5000
 * sync.tables=shop.user,shop.order      # schema.table names to mirror
 * sync.key.template={db}:{table}:{pk}   # default key of a row
 * sync.key.separator=:                  # joins the values of a composite primary key in {pk}
 * sync.table.shop.user.key=user:{id}    # per-table key template
 * sync.table.shop.user.columns=id,name  # per-table hash fields (default: all columns)
 * sync.retry.backoff.ms=500 / sync.retry.backoff.max.ms=30000 / sync.progress.seconds=10 / sync.metrics.port=
 * (the sluice.* and retry/progress/metrics keys are shared by every sync consumer: see SyncSettings)
 * </pre>
 */
public record RedisSyncSettings(SyncSettings sync, String redisHost, int redisPort, String redisPassword,
                                int redisDatabase, Duration redisTimeout, Map<String, TableMapping> tables,
                                String keySeparator) {

    public RedisSyncSettings {
        tables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tables)); // file order, for the filter and logs
    }

    public static RedisSyncSettings fromProperties(Properties properties) {
        SyncProperties p = new SyncProperties(properties, RedisSyncSettingsException::new);
        SyncSettings sync = SyncSettings.fromProperties(p);
        String defaultTemplate = p.value("sync.key.template", "{db}:{table}:{pk}");
        Map<String, TableMapping> tables = new LinkedHashMap<>();
        for (String[] name : p.tables("sync.tables")) {
            String full = name[0] + "." + name[1];
            String prefix = "sync.table." + full + ".";
            String templateKey = p.has(prefix + "key") ? prefix + "key" : "sync.key.template";
            KeyTemplate template = KeyTemplate.parse(templateKey, p.value(prefix + "key", defaultTemplate));
            List<String> columns = new ArrayList<>();
            String cols = p.value(prefix + "columns", "");
            if (!cols.isEmpty()) {
                Arrays.stream(cols.split(",")).map(String::trim).filter(c -> !c.isEmpty()).forEach(columns::add);
            }
            tables.put(full.toLowerCase(), new TableMapping(name[0], name[1], template, columns));
        }
        return new RedisSyncSettings(sync,
                p.value("redis.host", "127.0.0.1"),
                p.integer("redis.port", p.value("redis.port", "6379"), 1, 65535),
                p.value("redis.password", ""),
                p.integer("redis.database", p.value("redis.database", "0"), 0, Integer.MAX_VALUE),
                Duration.ofMillis(p.integer("redis.timeout.ms", p.value("redis.timeout.ms", "5000"), 1,
                        Integer.MAX_VALUE)),
                tables, p.value("sync.key.separator", ":"));
    }

    /** canal's subscribe filter for the mirrored tables: escaped, anchored names, comma-separated. */
    public String subscribeFilter() {
        return SyncSettings.subscribeFilter(tables.values().stream().map(t -> new String[] {t.schema(), t.table()})
                .toList());
    }

    TableMapping mapping(String schema, String table) {
        return tables.get((schema + "." + table).toLowerCase());
    }

    @Override
    public String toString() {
        return "RedisSyncSettings[" + sync.serverName() + " " + sync.connector() + ", redis=" + redisHost + ":" + redisPort + "/"
                + redisDatabase + (redisPassword.isEmpty() ? "" : " password=<set>") + ", tables=" + tables.keySet() + "]";
    }
}
