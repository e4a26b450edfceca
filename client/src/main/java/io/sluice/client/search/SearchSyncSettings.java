package io.sluice.client.search;

import io.sluice.client.sync.SyncProperties;
import io.sluice.client.sync.SyncSettings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The search sync consumer's properties file (see conf/search-sync.properties and docs/search-sync.md); the
 * {@code sluice.*}, retry, progress and metrics keys are {@link SyncSettings}' :
 * <pre>
 * search.urls=http://127.0.0.1:9200                 # one or more nodes, comma-separated; https:// for TLS
 * search.user= / search.password=                   # HTTP basic auth, when the cluster checks it
 * search.timeout.ms=60000                           # socket timeout of one request
 * search.bulk.max.bytes=5242880                     # a batch is sent as bulk requests of at most this size
 * search.update=partial                             # partial: update with doc + doc_as_upsert; index: replace
 * sync.tables=shop.user,shop.order
 * sync.index.template={db}_{table}                  # index of a table (lower-cased)
 * sync.id.separator=_                               # joins the values of a composite primary key into the id
 * sync.table.shop.user.index=users                  # per-table index
 * sync.table.shop.user.columns=id,name:full_name    # selection; source:field renames
 * </pre>
 */
public record SearchSyncSettings(SyncSettings sync, List<URI> urls, String user, String password, Duration timeout,
                                 int bulkMaxBytes, boolean partialUpdates, String idSeparator,
                                 Map<String, SearchIndex> tables) {

    public SearchSyncSettings {
        urls = List.copyOf(urls);
        tables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tables));
    }

    public static SearchSyncSettings fromProperties(Properties properties) {
        SyncProperties p = new SyncProperties(properties, SearchSyncSettingsException::new);
        SyncSettings sync = SyncSettings.fromProperties(p);
        String list = p.value("search.urls", "http://127.0.0.1:9200");
        List<URI> urls = new ArrayList<>();
        for (String item : list.split(",")) {
            String u = item.trim();
            if (u.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = URI.create(u);
            } catch (IllegalArgumentException e) {
                throw new SearchSyncSettingsException("search.urls", list, "item '" + u + "' is not a URL");
            }
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new SearchSyncSettingsException("search.urls", list, "item '" + u
                        + "' is not http(s)://host:port");
            }
            urls.add(uri);
        }
        if (urls.isEmpty()) {
            throw new SearchSyncSettingsException("search.urls", list, "names no node");
        }
        String update = p.value("search.update", "partial").toLowerCase(Locale.ROOT);
        if (!update.equals("partial") && !update.equals("index")) {
            throw new SearchSyncSettingsException("search.update", update, "must be partial or index");
        }
        String template = p.value("sync.index.template", "{db}_{table}");
        Map<String, SearchIndex> tables = new LinkedHashMap<>();
        for (String[] name : p.tables("sync.tables")) {
            String full = name[0] + "." + name[1];
            String prefix = "sync.table." + full + ".";
            Map<String, String> fields = p.columnSelection(prefix + "columns", "field");
            String index = p.value(prefix + "index", template.replace("{db}", name[0]).replace("{table}", name[1]))
                    .toLowerCase(Locale.ROOT);
            if (index.isEmpty() || index.startsWith("_") || index.startsWith("-") || index.startsWith("+")
                    || index.matches(".*[\\\\/*?\"<>| ,#:{}].*")) {
                throw new SearchSyncSettingsException(p.has(prefix + "index") ? prefix + "index" : "sync.index.template",
                        index, "is not a valid index name for " + full);
            }
            tables.put(full.toLowerCase(Locale.ROOT), new SearchIndex(name[0], name[1], index, fields));
        }
        return new SearchSyncSettings(sync, urls, p.value("search.user", ""), p.value("search.password", ""),
                Duration.ofMillis(p.integer("search.timeout.ms", p.value("search.timeout.ms", "60000"), 1,
                        Integer.MAX_VALUE)),
                p.integer("search.bulk.max.bytes", p.value("search.bulk.max.bytes", "5242880"), 1024,
                        Integer.MAX_VALUE),
                update.equals("partial"), p.value("sync.id.separator", "_"), tables);
    }

    /** The nodes for log lines: scheme, host and port only (a URL's user:password@ is left out). */
    public String searchName() {
        return String.join(",", urls.stream().map(u -> u.getScheme() + "://" + u.getHost() + ":" + port(u)).toList());
    }

    /** The URL's port, or the search engines' 9200 when it names none. */
    static int port(URI u) {
        return u.getPort() > 0 ? u.getPort() : 9200;
    }

    public String subscribeFilter() {
        return SyncSettings.subscribeFilter(tables.values().stream().map(t -> new String[] {t.schema(), t.table()})
                .toList());
    }

    SearchIndex mapping(String schema, String table) {
        return tables.get((schema + "." + table).toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return "SearchSyncSettings[" + sync.serverName() + " " + sync.connector() + ", search=" + searchName()
                + (password.isEmpty() ? "" : " password=<set>") + ", tables=" + tables.keySet() + "]";
    }
}
