package io.sluice.client.redis;

import io.sluice.client.ConnectorSettings;
import java.net.InetSocketAddress;
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
 * sync.retry.backoff.ms=500 / sync.retry.backoff.max.ms=30000
 * </pre>
 */
public record RedisSyncSettings(InetSocketAddress server, ConnectorSettings connector, int batchSize, String redisHost,
                                int redisPort, String redisPassword, int redisDatabase, Duration redisTimeout,
                                Map<String, TableMapping> tables, String keySeparator, Duration retryBackoff,
                                Duration retryBackoffMax, String zkServers) {

    public RedisSyncSettings {
        tables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tables)); // file order, for the filter and logs
    }

    public static RedisSyncSettings fromProperties(Properties p) {
        String zkServers = value(p, "sluice.zkServers", "");
        InetSocketAddress server = null;
        if (zkServers.isEmpty() || !value(p, "sluice.address", "").isEmpty()) {
            String address = required(p, "sluice.address");
            int colon = address.lastIndexOf(':');
            if (colon <= 0) {
                throw new RedisSyncSettingsException("sluice.address", address, "is not host:port");
            }
            server = InetSocketAddress.createUnresolved(address.substring(0, colon),
                    integer(p, "sluice.address", address.substring(colon + 1), 1, 65535));
        }
        String password = value(p, "sluice.password", "");
        ConnectorSettings connector = ConnectorSettings.of(required(p, "sluice.destination"))
                .withCredentials(value(p, "sluice.username", ""), password.isEmpty() ? null : password)
                .withClientId((short) integer(p, "sluice.client.id", value(p, "sluice.client.id", "1001"), 1,
                        Short.MAX_VALUE));

        String defaultTemplate = value(p, "sync.key.template", "{db}:{table}:{pk}");
        Map<String, TableMapping> tables = new LinkedHashMap<>();
        String list = required(p, "sync.tables");
        for (String name : list.split(",")) {
            String full = name.trim();
            int dot = full.indexOf('.');
            if (dot <= 0 || dot == full.length() - 1) {
                throw new RedisSyncSettingsException("sync.tables", list, "item '" + full + "' is not schema.table");
            }
            String prefix = "sync.table." + full + ".";
            String templateKey = p.getProperty(prefix + "key") != null ? prefix + "key" : "sync.key.template";
            KeyTemplate template = KeyTemplate.parse(templateKey, value(p, prefix + "key", defaultTemplate));
            List<String> columns = new ArrayList<>();
            String cols = value(p, prefix + "columns", "");
            if (!cols.isEmpty()) {
                Arrays.stream(cols.split(",")).map(String::trim).filter(c -> !c.isEmpty()).forEach(columns::add);
            }
            tables.put(full.toLowerCase(), new TableMapping(full.substring(0, dot), full.substring(dot + 1), template, columns));
        }
        Duration backoff = Duration.ofMillis(integer(p, "sync.retry.backoff.ms", value(p, "sync.retry.backoff.ms", "500"),
                1, Integer.MAX_VALUE));
        Duration backoffMax = Duration.ofMillis(integer(p, "sync.retry.backoff.max.ms",
                value(p, "sync.retry.backoff.max.ms", "30000"), 1, Integer.MAX_VALUE));
        return new RedisSyncSettings(server, connector,
                integer(p, "sluice.batch.size", value(p, "sluice.batch.size", "1000"), 1, Integer.MAX_VALUE),
                value(p, "redis.host", "127.0.0.1"),
                integer(p, "redis.port", value(p, "redis.port", "6379"), 1, 65535),
                value(p, "redis.password", ""),
                integer(p, "redis.database", value(p, "redis.database", "0"), 0, Integer.MAX_VALUE),
                Duration.ofMillis(integer(p, "redis.timeout.ms", value(p, "redis.timeout.ms", "5000"), 1, Integer.MAX_VALUE)),
                tables, value(p, "sync.key.separator", ":"), backoff, backoffMax, zkServers);
    }

    public boolean hasZooKeeper() {
        return !zkServers.isEmpty();
    }

    /** For log lines: the server address, or the ZooKeeper ensemble it is found through. */
    public String serverName() {
        return server != null ? server.getHostString() + ":" + server.getPort()
                : "(active server of " + connector.destination() + " in ZooKeeper " + zkServers + ")";
    }

    /** canal's subscribe filter for the mirrored tables: escaped, anchored names, comma-separated. */
    public String subscribeFilter() {
        return String.join(",", tables.values().stream()
                .map(t -> t.schema().replace(".", "\\.") + "\\." + t.table().replace(".", "\\.")).toList());
    }

    TableMapping mapping(String schema, String table) {
        return tables.get((schema + "." + table).toLowerCase());
    }

    private static String value(Properties p, String key, String fallback) {
        String v = p.getProperty(key);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private static String required(Properties p, String key) {
        String v = value(p, key, "");
        if (v.isEmpty()) {
            throw new RedisSyncSettingsException(key, "", "is required");
        }
        return v;
    }

    private static int integer(Properties p, String key, String v, int min, int max) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new RedisSyncSettingsException(key, v, "must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new RedisSyncSettingsException(key, v, "is not a whole number");
        }
    }

    @Override
    public String toString() {
        return "RedisSyncSettings[" + serverName() + " " + connector + ", redis=" + redisHost + ":" + redisPort + "/"
                + redisDatabase + (redisPassword.isEmpty() ? "" : " password=<set>") + ", tables=" + tables.keySet() + "]";
    }
}
