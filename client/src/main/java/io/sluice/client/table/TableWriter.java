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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a batch of changes to the target database in one transaction. Consecutive changes of the same shape
 * (same table, same columns, same kind) go to the server as one JDBC batch; a row upserted twice in such a run is
 * written once with its later image. On any failure the
 * transaction is rolled back and the connection dropped, so the next attempt starts on a fresh one.
 *
 * <p>Column changes followed from the source ({@link RowChange.Alter}) are applied in order with the rows, each
 * only when the target's catalog shows it is not done yet, so a batch applied twice alters once. PostgreSQL runs
 * them inside the batch's transaction; MariaDB/MySQL commit before and after each DDL statement themselves, which
 * the checks make harmless. With {@code sync.create.tables}, a target table that does not exist is created from
 * the first upsert of its rows (their {@code mysqlType}s and key); a delete or truncate of a table that does not
 * exist yet has nothing to remove and is skipped.
 */
final class TableWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TableWriter.class);

    /** Per target table, the source position of the last column change applied (alter=follow). */
    static final String DDL_TABLE = "sluice_table_sync_ddl";

    private final TableSyncSettings settings;
    private final SqlDialect dialect;
    private final String url;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    /** Target tables seen to exist on this connection (sync.create.tables). */
    private final Set<String> existing = new HashSet<>();
    private final boolean follows;
    private Connection connection;

    TableWriter(TableSyncSettings settings) {
        this.settings = settings;
        this.dialect = SqlDialect.of(settings.targetUrl());
        this.url = dialect.prepareUrl(settings.targetUrl());
        this.follows = settings.tables().values().stream().anyMatch(t -> t.alter() == TargetTable.Alter.FOLLOW);
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
            Map<String, SourcePosition> altered = follows ? alteredAt(c) : Map.of();
            for (RowChange change : changes) {
                current = change;
                SourcePosition last = altered.get(change.table().target());
                if (last != null && change.position() != null && change.position().before(last)) {
                    // replayed from before a column change already committed: it was applied with the rows before
                    // that change, and its columns may no longer exist
                    continue;
                }
                if (settings.createTables() && !existing.contains(change.table().target()) && !ensureTable(c, change)) {
                    continue;
                }
                if (change instanceof RowChange.Alter a) {
                    execute(c, runSql, run);
                    run.clear();
                    runKeys.clear();
                    runSql = null;
                    alter(c, a);
                    closeStatements(); // statements prepared against the table's former shape
                    continue;
                }
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
        } catch (AlterRefusedException e) {
            drop();
            throw e;
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

    /**
     * True when the change's table exists or was just created from the upsert; false when it does not exist and
     * there is nothing to create it from (the change is then skipped: no table, no rows to delete or alter).
     */
    private boolean ensureTable(Connection c, RowChange change) throws SQLException {
        String target = change.table().target();
        if (!columns(c, target).isEmpty()) {
            existing.add(target);
            return true;
        }
        if (!(change instanceof RowChange.Upsert u)) {
            return false;
        }
        if (u.types().size() != u.columns().size() || u.types().stream().anyMatch(t -> t == null || t.isEmpty())) {
            throw new AlterRefusedException("cannot create target table " + target + " for " + change.table().fullName()
                    + ": the server sends no column types (mysqlType) for its rows; create the table yourself");
        }
        StringJoiner cols = new StringJoiner(", ");
        for (int i = 0; i < u.columns().size(); i++) {
            String type = TargetTypes.of(dialect, u.types().get(i));
            if (type == null) {
                throw new AlterRefusedException("cannot create target table " + target + ": column "
                        + u.columns().get(i) + " of " + change.table().fullName() + " has type " + u.types().get(i)
                        + ", which has no " + dialect.name() + " mapping; create the table yourself");
            }
            cols.add(dialect.quote(u.columns().get(i)) + " " + type);
        }
        String sql = "CREATE TABLE IF NOT EXISTS " + dialect.quoteTable(target) + " (" + cols + ", PRIMARY KEY ("
                + dialect.list(u.keyColumns()) + "))";
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
        log.info("created target table {} for {}: {}", target, change.table().fullName(), sql);
        existing.add(target);
        return true;
    }

    private void alter(Connection c, RowChange.Alter change) throws SQLException {
        String target = change.table().target();
        String table = dialect.quoteTable(target);
        Map<String, String> columns = columns(c, target);
        String sql = null;
        if (change instanceof RowChange.AddColumn a) {
            if (!columns.containsKey(a.column())) {
                sql = "ALTER TABLE " + table + " ADD COLUMN " + dialect.quote(a.column()) + " " + a.type()
                        + (a.defaultValue() == null ? "" : " DEFAULT " + a.defaultValue());
            }
        } else if (change instanceof RowChange.DropColumn d) {
            if (columns.containsKey(d.column())) {
                if (primaryKey(c, target).stream().anyMatch(k -> k.equalsIgnoreCase(d.column()))) {
                    throw new AlterRefusedException("source table " + change.table().fullName() + " drops column "
                            + d.column() + " (" + change.statement() + "), part of the primary key of " + target
                            + ": rows could no longer be keyed; give " + target + " its new key yourself, set sync.table."
                            + change.table().fullName() + ".alter=ignore and restart; the batch holding it was not acked");
                }
                sql = "ALTER TABLE " + table + " DROP COLUMN " + dialect.quote(d.column());
            }
        } else if (change instanceof RowChange.RenameColumn r) {
            if (columns.containsKey(r.from()) && !columns.containsKey(r.to())) {
                sql = "ALTER TABLE " + table + " RENAME COLUMN " + dialect.quote(r.from()) + " TO " + dialect.quote(r.to());
            } else if (!columns.containsKey(r.to())) {
                throw new AlterRefusedException("source table " + change.table().fullName() + " renames column "
                        + r.from() + " to " + r.to() + " (" + change.statement() + ") but " + target + " has neither;"
                        + " add the column to " + target + " yourself and restart; the batch holding it was not acked");
            }
        } else if (change instanceof RowChange.CheckType t) {
            String has = columns.containsKey(t.from()) ? columns.get(t.from()) : columns.get(t.to());
            if (has != null && !TargetTypes.canonical(dialect, has).equals(TargetTypes.canonical(dialect, t.type()))) {
                throw new AlterRefusedException("source table " + change.table().fullName() + " changes the type of"
                        + " column " + t.to() + " to " + t.sourceType() + " (" + change.statement() + "): that is " + t.type()
                        + " on the target, where " + target + "." + (columns.containsKey(t.from()) ? t.from() : t.to())
                        + " is " + has + "; table sync does not convert columns: alter " + target + " yourself, set"
                        + " sync.table." + change.table().fullName() + ".alter=ignore and restart (set it back to follow"
                        + " once past it); the batch holding it was not acked");
            }
        }
        if (change.position() != null) {
            recordAlter(c, change); // before the DDL: MariaDB/MySQL commit it with the DDL's implicit commit
        }
        if (sql != null) {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
            log.info("target table {} altered: {}", target, sql);
        }
    }

    /** The positions of {@link #DDL_TABLE}, empty while it does not exist. */
    private Map<String, SourcePosition> alteredAt(Connection c) throws SQLException {
        Map<String, SourcePosition> out = new HashMap<>();
        if (columns(c, DDL_TABLE).isEmpty()) {
            return out;
        }
        try (Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT target_table, binlog_file, binlog_offset FROM "
                     + dialect.quote(DDL_TABLE))) {
            while (rs.next()) {
                out.put(rs.getString(1), new SourcePosition(rs.getString(2), rs.getLong(3)));
            }
        }
        return out;
    }

    private void recordAlter(Connection c, RowChange.Alter change) throws SQLException {
        String text = dialect == SqlDialect.POSTGRESQL ? "text" : "TEXT";
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + dialect.quote(DDL_TABLE) + " (target_table varchar(255) NOT NULL,"
                    + " source_table varchar(255) NOT NULL, binlog_file varchar(255) NOT NULL, binlog_offset bigint NOT NULL,"
                    + " statement " + text + ", PRIMARY KEY (target_table))");
        }
        try (PreparedStatement ps = c.prepareStatement(dialect.upsert(DDL_TABLE,
                List.of("target_table", "source_table", "binlog_file", "binlog_offset", "statement"),
                List.of("target_table")))) {
            ps.setString(1, change.table().target());
            ps.setString(2, change.table().fullName());
            ps.setString(3, change.position().file());
            ps.setString(4, String.valueOf(change.position().offset()));
            ps.setString(5, change.statement());
            ps.executeUpdate();
        }
    }

    /** The target table's columns and their types as its catalog spells them; empty when it does not exist. */
    private Map<String, String> columns(Connection c, String target) throws SQLException {
        Map<String, String> out = dialect == SqlDialect.POSTGRESQL ? new LinkedHashMap<>()
                : new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        String sql = dialect == SqlDialect.POSTGRESQL
                ? "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
                        + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"
                : "SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA ="
                        + " COALESCE(?, DATABASE()) AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindTable(ps, target);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    private List<String> primaryKey(Connection c, String target) throws SQLException {
        String sql = dialect == SqlDialect.POSTGRESQL
                ? "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                        + " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = to_regclass(?) AND i.indisprimary"
                : "SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE CONSTRAINT_NAME = 'PRIMARY'"
                        + " AND TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?";
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindTable(ps, target);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private void bindTable(PreparedStatement ps, String target) throws SQLException {
        if (dialect == SqlDialect.POSTGRESQL) {
            ps.setString(1, dialect.quoteTable(target));
        } else {
            int dot = target.indexOf('.');
            ps.setString(1, dot < 0 ? null : target.substring(0, dot));
            ps.setString(2, dot < 0 ? target : target.substring(dot + 1));
        }
    }

    private void closeStatements() {
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // the statement is dropped either way
            }
        }
        statements.clear();
    }

    private void drop() {
        Connection c = connection;
        connection = null;
        statements.clear();
        existing.clear(); // a table created in the rolled-back transaction is gone again
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
