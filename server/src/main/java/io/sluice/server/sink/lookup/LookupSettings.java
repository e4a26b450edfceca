package io.sluice.server.sink.lookup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;

/**
 * One lookup (join) enrichment, from {@code sluice.transform.lookup.<name>.*} keys of instance.properties:
 *
 * <pre>
 * sluice.transform.lookup.customer.table     = shop.orders        rows to enrich
 * sluice.transform.lookup.customer.key       = customer_id        their column holding the key
 * sluice.transform.lookup.customer.from      = shop.customers     table to read from
 * sluice.transform.lookup.customer.from.key  = id                 its key column (default: id)
 * sluice.transform.lookup.customer.columns   = name,email         columns to add
 * sluice.transform.lookup.customer.prefix    = customer_          prefix of the added column names (default: name_)
 * sluice.transform.lookup.customer.jdbc.url  = jdbc:mariadb://... default: the destination's master, over its TLS
 * sluice.transform.lookup.customer.jdbc.user / .jdbc.password     default: canal.instance.dbUsername / dbPassword
 * sluice.transform.lookup.customer.cache.size = 10000
 * sluice.transform.lookup.customer.cache.ttl.ms = 60000
 * sluice.transform.lookup.customer.on.failure = retry | pass       retry blocks the stream; pass flags the row
 * </pre>
 */
public record LookupSettings(String name, String schema, String table, String keyColumn, String fromSchema,
                             String fromTable, String fromKeyColumn, List<String> columns, String prefix,
                             String jdbcUrl, String user, String password, int cacheSize, Duration cacheTtl,
                             FailurePolicy onFailure, Duration retryBackoffMax, boolean readsMaster) {

    /** What happens to a row whose lookup fails because the source cannot be read. */
    public enum FailurePolicy {
        /** Retry with backoff; the stream waits, nothing is dropped. */
        RETRY,
        /** Deliver the row without the extra columns, flagged with {@code sluice.lookup.failed}. */
        PASS
    }

    public LookupSettings {
        Objects.requireNonNull(name);
        columns = List.copyOf(columns);
    }

    static final String PREFIX = "sluice.transform.lookup.";

    /**
     * Reads every lookup defined in the properties. {@code defaultJdbcUrl}, {@code defaultUser} and
     * {@code defaultPassword} come from the destination's master settings.
     */
    public static List<LookupSettings> fromProperties(Properties p, String defaultJdbcUrl, String defaultUser,
                                                      String defaultPassword) {
        TreeSet<String> names = new TreeSet<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(PREFIX)) {
                String rest = key.substring(PREFIX.length());
                int dot = rest.indexOf('.');
                if (dot > 0) {
                    names.add(rest.substring(0, dot));
                }
            }
        }
        List<LookupSettings> out = new ArrayList<>();
        for (String name : names) {
            Map<String, String> v = new LinkedHashMap<>();
            p.stringPropertyNames().stream().filter(k -> k.startsWith(PREFIX + name + "."))
                    .forEach(k -> v.put(k.substring((PREFIX + name + ".").length()), p.getProperty(k).trim()));
            String[] table = qualified(name, "table", required(name, v, "table"));
            String[] from = qualified(name, "from", required(name, v, "from"));
            List<String> columns = new ArrayList<>();
            for (String c : required(name, v, "columns").split(",")) {
                if (!c.isBlank()) {
                    columns.add(c.trim());
                }
            }
            FailurePolicy policy;
            try {
                policy = FailurePolicy.valueOf(v.getOrDefault("on.failure", "retry").toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw invalid(name, "on.failure", v.get("on.failure"), "use retry or pass");
            }
            out.add(new LookupSettings(name, table[0], table[1], required(name, v, "key"), from[0], from[1],
                    v.getOrDefault("from.key", "id"), columns, v.getOrDefault("prefix", name + "_"),
                    v.getOrDefault("jdbc.url", defaultJdbcUrl), v.getOrDefault("jdbc.user", defaultUser),
                    v.getOrDefault("jdbc.password", defaultPassword),
                    positiveInt(name, v, "cache.size", 10_000),
                    Duration.ofMillis(positiveInt(name, v, "cache.ttl.ms", 60_000)), policy,
                    Duration.ofMillis(positiveInt(name, v, "retry.backoff.max.ms", 30_000)),
                    !v.containsKey("jdbc.url") || v.get("jdbc.url").isBlank()));
        }
        return out;
    }

    private static String required(String name, Map<String, String> v, String key) {
        String value = v.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(PREFIX + name + "." + key + " is required");
        }
        return value;
    }

    private static String[] qualified(String name, String key, String value) {
        int dot = value.indexOf('.');
        if (dot <= 0 || dot == value.length() - 1) {
            throw invalid(name, key, value, "expected schema.table");
        }
        return new String[] {value.substring(0, dot), value.substring(dot + 1)};
    }

    private static int positiveInt(String name, Map<String, String> v, String key, int dflt) {
        String value = v.get(key);
        if (value == null || value.isBlank()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid(name, key, value, "expected a positive integer");
    }

    private static IllegalArgumentException invalid(String name, String key, String value, String why) {
        return new IllegalArgumentException(PREFIX + name + "." + key + " = '" + value + "': " + why);
    }
}
