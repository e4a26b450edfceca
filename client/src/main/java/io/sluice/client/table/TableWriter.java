package io.sluice.client.table;

import java.nio.charset.StandardCharsets;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Applies a batch of changes to the target database in one transaction. Consecutive changes of the same shape
 * (same table, same columns, same kind) go to the server as one JDBC batch; a row upserted twice in such a run is
 * written once with its later image. On any failure the
 * transaction is rolled back and the connection dropped, so the next attempt starts on a fresh one.
 */
final class TableWriter implements AutoCloseable {

    private final TableSyncSettings settings;
    private final SqlDialect dialect;
    private final String url;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private Connection connection;

    TableWriter(TableSyncSettings settings) {
        this.settings = settings;
        this.dialect = SqlDialect.of(settings.targetUrl());
        this.url = dialect.prepareUrl(settings.targetUrl());
    }

    /** Writes and commits every change, or nothing. */
    void apply(List<RowChange> changes) throws TargetWriteException {
        if (changes.isEmpty()) {
            return;
        }
        List<RowChange> run = new ArrayList<>();
        Map<List<RowChange.Value>, Integer> runKeys = new HashMap<>();
        String runSql = null;
        RowChange current = changes.get(0);
        try {
            Connection c = connection();
            for (RowChange change : changes) {
                current = change;
                String sql = sql(change);
                if (!sql.equals(runSql)) {
                    execute(c, runSql, run);
                    run.clear();
                    runKeys.clear();
                    runSql = sql;
                }
                List<RowChange.Value> key = key(change);
                Integer earlier = key == null ? null : runKeys.putIfAbsent(key, run.size());
                if (earlier != null) {
                    // the same row again in a run of upserts of the same columns: the later image replaces the
                    // earlier one entirely, and PostgreSQL refuses one multi-row upsert touching a row twice
                    run.set(earlier, change);
                } else {
                    run.add(change);
                }
            }
            execute(c, runSql, run);
            current = null;
            c.commit();
        } catch (SQLException e) {
            drop();
            throw new TargetWriteException(where(e, current, run) + ": " + message(e), e);
        } catch (RuntimeException e) {
            drop();
            throw new TargetWriteException((current == null ? "commit" : RowChange.describe(current)) + ": " + e, e);
        }
    }

    private String where(SQLException e, RowChange current, List<RowChange> run) {
        if (current == null) {
            return "commit of " + settings.targetName();
        }
        if (e instanceof BatchUpdateException b && !run.isEmpty()) {
            int[] counts = b.getUpdateCounts();
            int failed = counts == null ? -1 : counts.length < run.size() ? counts.length : -1;
            for (int i = 0; counts != null && failed < 0 && i < counts.length; i++) {
                if (counts[i] == Statement.EXECUTE_FAILED) {
                    failed = i;
                }
            }
            if (failed >= 0) {
                return RowChange.describe(run.get(failed));
            }
            return RowChange.describe(run.get(0)) + " (first of " + run.size() + " rows written together)";
        }
        return run.isEmpty() ? RowChange.describe(current)
                : RowChange.describe(run.get(0)) + (run.size() > 1 ? " (first of " + run.size() + " rows written together)" : "");
    }

    /** The driver's message, with the chained cause a batch failure hides behind "Batch entry N ... was aborted". */
    private static String message(SQLException e) {
        SQLException next = e.getNextException();
        String m = next != null && next != e ? next.getMessage() : e.getMessage();
        m = m == null ? e.getClass().getSimpleName() : m.replaceAll("\\s+", " ");
        return (e.getSQLState() == null ? "" : "[" + e.getSQLState() + "] ") + (m.length() > 300 ? m.substring(0, 300) + "…" : m);
    }

    private String sql(RowChange change) {
        if (change instanceof RowChange.Upsert u) {
            return dialect.upsert(u.table().target(), u.columns(), u.keyColumns());
        }
        if (change instanceof RowChange.Delete d) {
            return dialect.delete(d.table().target(), d.keyColumns());
        }
        return dialect.truncate(change.table().target());
    }

    private static List<RowChange.Value> key(RowChange change) {
        return change instanceof RowChange.Upsert u ? u.keyValues() : null;
    }

    private void execute(Connection c, String sql, List<RowChange> run) throws SQLException {
        if (run.isEmpty()) {
            return;
        }
        if (run.get(0) instanceof RowChange.Truncate) {
            try (Statement s = c.createStatement()) {
                s.execute(sql); // one is enough: a second TRUNCATE of a run finds the table empty
            }
            return;
        }
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = c.prepareStatement(sql);
            statements.put(sql, ps);
        }
        for (RowChange change : run) {
            List<RowChange.Value> values = change instanceof RowChange.Upsert u ? u.values()
                    : ((RowChange.Delete) change).keyValues();
            for (int i = 0; i < values.size(); i++) {
                bind(ps, i + 1, values.get(i));
            }
            ps.addBatch();
        }
        ps.executeBatch();
    }

    private void bind(PreparedStatement ps, int index, RowChange.Value v) throws SQLException {
        if (v.text() == null) {
            ps.setNull(index, dialect == SqlDialect.POSTGRESQL ? Types.OTHER : Types.NULL);
        } else if (v.binary()) {
            ps.setBytes(index, v.text().getBytes(StandardCharsets.ISO_8859_1));
        } else {
            ps.setString(index, v.text());
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Properties p = new Properties();
            if (!settings.targetUser().isEmpty()) {
                p.setProperty("user", settings.targetUser());
            }
            if (!settings.targetPassword().isEmpty()) {
                p.setProperty("password", settings.targetPassword());
            }
            // seconds for pgjdbc, milliseconds for MariaDB Connector/J; the socket timeout keeps a target that
            // vanished from the network (no reset) from hanging the sync: the batch is then rolled back and retried
            boolean pg = dialect == SqlDialect.POSTGRESQL;
            p.setProperty("connectTimeout", pg ? "10" : "10000");
            p.setProperty("socketTimeout", pg ? "300" : "300000");
            Connection c = DriverManager.getConnection(url, p);
            c.setAutoCommit(false);
            connection = c;
        }
        return connection;
    }

    private void drop() {
        Connection c = connection;
        connection = null;
        statements.clear();
        if (c != null) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is gone already: the server rolled back itself
            }
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing a broken connection
            }
        }
    }

    /** True while a connection to the target is open (for the progress line). */
    boolean connected() {
        return connection != null;
    }

    @Override
    public void close() {
        drop();
    }
}
