package io.sluice.server.sink.lookup;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.Column;
import io.sluice.protocol.entry.CanalEntry.EventType;
import io.sluice.protocol.entry.CanalEntry.RowChange;
import io.sluice.protocol.entry.CanalEntry.RowData;
import io.sluice.server.entry.ParsedEntry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enriches the rows of one table with columns read by key from another table (a lookup join), before the store.
 *
 * <p>Looked-up rows are cached (bounded size, TTL). The cache is invalidated by the binlog changes of the
 * looked-up table itself, which pass through this transform too, so an enriched row never shows a value older
 * than a change the stream has already delivered. Added columns carry the prop {@code source=lookup:<name>}:
 * they are not from the binlog. When the source cannot be read, {@link LookupSettings.FailurePolicy} decides:
 * wait and retry (the stream pauses; nothing is dropped) or pass the row unenriched, flagged with the RowData
 * prop {@code sluice.lookup.failed=<name>}.
 */
public final class LookupTransform implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LookupTransform.class);
    static final String SOURCE_PROP = "source";
    static final String FAILED_PROP = "sluice.lookup.failed";

    private final LookupSettings settings;
    private final MasterConnector master;
    private final LookupCache cache;
    private final String query;
    private Connection connection;
    private boolean failing;

    public LookupTransform(LookupSettings settings) {
        this(settings, null);
    }

    /**
     * @param master opens connections to the destination's master with its TLS settings, used when the lookup
     *               reads the master (no {@code jdbc.url} of its own); a lookup's own URL carries its own driver
     *               options
     */
    public LookupTransform(LookupSettings settings, MasterConnector master) {
        this.settings = settings;
        this.master = master;
        this.cache = new LookupCache(settings.cacheSize(), settings.cacheTtl());
        StringBuilder sql = new StringBuilder("SELECT ").append(quote(settings.fromKeyColumn()));
        for (String c : settings.columns()) {
            sql.append(", ").append(quote(c));
        }
        sql.append(" FROM ").append(quote(settings.fromSchema())).append('.').append(quote(settings.fromTable()))
                .append(" WHERE ").append(quote(settings.fromKeyColumn())).append(" IN ");
        this.query = sql.toString();
    }

    public String name() {
        return settings.name();
    }

    /** The looked-up table, which must reach this transform for invalidation even when no client wants it. */
    public String fromTable() {
        return settings.fromSchema() + "." + settings.fromTable();
    }

    public List<ParsedEntry> apply(ParsedEntry entry) throws InterruptedException {
        if (entry.entryType() != CanalEntry.EntryType.ROWDATA || !(entry.payload() instanceof RowChange change)) {
            return List.of(entry);
        }
        if (is(entry, settings.fromSchema(), settings.fromTable())) {
            invalidate(change);
        }
        if (!change.getIsDdl() && is(entry, settings.schema(), settings.table()) && change.getRowDatasCount() > 0) {
            return List.of(entry.withPayload(enrich(change)));
        }
        return List.of(entry);
    }

    private static boolean is(ParsedEntry e, String schema, String table) {
        return e.schema().equalsIgnoreCase(schema) && e.table().equalsIgnoreCase(table);
    }

    private void invalidate(RowChange change) {
        if (change.getIsDdl()) {
            cache.clear(); // TRUNCATE, ALTER, DROP: nothing cached can be trusted
            return;
        }
        for (RowData row : change.getRowDatasList()) {
            invalidateKey(row.getBeforeColumnsList());
            invalidateKey(row.getAfterColumnsList());
        }
    }

    private void invalidateKey(List<Column> image) {
        String key = value(image, settings.fromKeyColumn());
        if (key != null) {
            cache.invalidate(key);
        }
    }

    private RowChange enrich(RowChange change) throws InterruptedException {
        boolean useBefore = change.getEventType() == EventType.DELETE;
        Set<String> missing = new LinkedHashSet<>();
        for (RowData row : change.getRowDatasList()) {
            String key = value(useBefore ? row.getBeforeColumnsList() : row.getAfterColumnsList(), settings.keyColumn());
            if (key != null && !cache.contains(key)) {
                missing.add(key);
            }
        }
        boolean failed = false;
        if (!missing.isEmpty()) {
            failed = !load(missing);
        }
        RowChange.Builder out = change.toBuilder().clearRowDatas();
        for (RowData row : change.getRowDatasList()) {
            List<Column> image = useBefore ? row.getBeforeColumnsList() : row.getAfterColumnsList();
            String key = value(image, settings.keyColumn());
            RowData.Builder b = row.toBuilder();
            LookupCache.Row found = key == null ? LookupCache.Row.ABSENT : cache.get(key);
            if (failed && found == null) {
                b.addProps(CanalEntry.Pair.newBuilder().setKey(FAILED_PROP).setValue(settings.name()));
            } else {
                List<Column> added = added(image, found == null ? LookupCache.Row.ABSENT : found,
                        change.getEventType() == EventType.INSERT);
                if (useBefore) {
                    b.addAllBeforeColumns(added);
                } else {
                    b.addAllAfterColumns(added);
                }
            }
            out.addRowDatas(b);
        }
        return out.build();
    }

    private List<Column> added(List<Column> image, LookupCache.Row row, boolean insert) {
        int next = image.stream().mapToInt(Column::getIndex).max().orElse(-1) + 1;
        List<Column> out = new ArrayList<>(settings.columns().size());
        CanalEntry.Pair source = CanalEntry.Pair.newBuilder().setKey(SOURCE_PROP).setValue("lookup:" + settings.name()).build();
        for (String c : settings.columns()) {
            LookupCache.Value v = row.values().get(c);
            Column.Builder col = Column.newBuilder().setIndex(next++).setName(settings.prefix() + c)
                    .setIsKey(false).setUpdated(insert).addProps(source);
            if (v != null) {
                col.setSqlType(v.sqlType()).setMysqlType(v.mysqlType());
            }
            if (v == null || v.value() == null) {
                col.setIsNull(true);
            } else {
                col.setIsNull(false).setValue(v.value());
            }
            out.add(col.build());
        }
        return out;
    }

    /** Loads the keys into the cache; false when the source failed and the policy says pass. */
    private boolean load(Set<String> keys) throws InterruptedException {
        long backoff = 100;
        while (true) {
            try {
                query(keys);
                if (failing) {
                    log.info("lookup {}: source {} readable again", settings.name(), fromTable());
                    failing = false;
                }
                return true;
            } catch (SQLException e) {
                closeConnection();
                if (!failing) {
                    log.warn("lookup {}: cannot read {} ({}); {}", settings.name(), fromTable(), e.getMessage(),
                            settings.onFailure() == LookupSettings.FailurePolicy.RETRY
                                    ? "retrying with backoff, the stream waits" : "passing rows unenriched, flagged");
                    failing = true;
                }
                if (settings.onFailure() == LookupSettings.FailurePolicy.PASS) {
                    return false;
                }
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, settings.retryBackoffMax().toMillis());
            }
        }
    }

    private void query(Set<String> keys) throws SQLException {
        if (connection == null) {
            connection = open();
        }
        StringBuilder sql = new StringBuilder(query).append('(');
        for (int i = 0; i < keys.size(); i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        sql.append(')');
        Map<String, LookupCache.Row> found = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            int i = 1;
            for (String k : keys) {
                ps.setString(i++, k);
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, LookupCache.Value> values = new LinkedHashMap<>();
                    for (int c = 0; c < settings.columns().size(); c++) {
                        int col = c + 2;
                        values.put(settings.columns().get(c), new LookupCache.Value(rs.getString(col),
                                md.getColumnType(col), md.getColumnTypeName(col).toLowerCase(java.util.Locale.ROOT)));
                    }
                    found.put(rs.getString(1), new LookupCache.Row(values));
                }
            }
        }
        for (String k : keys) {
            cache.put(k, found.getOrDefault(k, LookupCache.Row.ABSENT));
        }
    }

    private static String value(List<Column> image, String column) {
        for (Column c : image) {
            if (c.getName().equalsIgnoreCase(column)) {
                return c.getIsNull() ? null : c.getValue();
            }
        }
        return null;
    }

    private static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    private Connection open() throws SQLException {
        if (!settings.readsMaster() || master == null) {
            return DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
        }
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", settings.user());
        p.setProperty("password", settings.password());
        return master.connect(settings.jdbcUrl(), p);
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the connection is already broken; nothing to release
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closeConnection();
    }
}
