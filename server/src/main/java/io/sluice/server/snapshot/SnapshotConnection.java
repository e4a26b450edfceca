package io.sluice.server.snapshot;

import io.sluice.server.parser.MasterSql;
import io.sluice.server.parser.MasterTransport;
import io.sluice.server.parser.MasterTransportException;
import io.sluice.server.parser.schema.MemorySchemaHistoryStore;
import io.sluice.server.parser.schema.SchemaHistory;
import io.sluice.server.parser.schema.TableStructure;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.SnapshotProgress;
import io.sluice.server.sink.TableFilter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL side of a snapshot: a connection to the master as the destination's account, the consistent
 * snapshot transaction and the binlog position it corresponds to, the tables to read and their keys.
 *
 * <p>MariaDB tells the binlog position of a {@code START TRANSACTION WITH CONSISTENT SNAPSHOT} in the session
 * status {@code Binlog_snapshot_file} / {@code Binlog_snapshot_position}, taken atomically with the snapshot,
 * so no lock is needed. MySQL has no such status: there the position is read with {@code SHOW MASTER STATUS}
 * while {@code FLUSH TABLES WITH READ LOCK} stops commits for the instant between the two (RELOAD privilege).
 */
final class SnapshotConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotConnection.class);

    /** Where the master is, as whom to read it and over which transport (the parser's: the same TLS). */
    record Target(String host, int port, String user, String password, Duration connectTimeout,
                  MasterTransport transport) {

        String address() {
            return host + ":" + port;
        }
    }

    private final Connection connection;
    private final Target target;
    private final MasterSql sql;
    private boolean inTransaction;

    private SnapshotConnection(Connection connection, Target target, MasterSql sql) {
        this.connection = connection;
        this.target = target;
        this.sql = sql;
    }

    static SnapshotConnection open(Target target) {
        Properties p = new Properties();
        p.setProperty("user", target.user());
        p.setProperty("password", target.password());
        p.setProperty("connectTimeout", Long.toString(target.connectTimeout().toMillis()));
        p.setProperty("permitMysqlScheme", "true");
        // TINYINT(1) is an integer to the binlog; the driver would read it as a boolean
        p.setProperty("tinyInt1isBit", "false");
        try {
            Connection c = target.transport().connect("jdbc:mariadb://" + target.address() + "/", p);
            try (Statement s = c.createStatement()) {
                // a streamed full scan may wait for the store to drain longer than the default 60 s
                s.execute("SET SESSION net_write_timeout = 3600, time_zone = '+00:00'");
                s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                return new SnapshotConnection(c, target, MasterSql.of(c));
            } catch (SQLException e) {
                c.close();
                throw e;
            }
        } catch (SQLException | MasterTransportException e) {
            throw new SnapshotException("cannot connect to " + target.address() + " as '" + target.user() + "' for a"
                    + " snapshot: " + e.getMessage(), e);
        }
    }

    Connection jdbc() {
        return connection;
    }

    /**
     * Starts a consistent-snapshot transaction and returns the binlog position it sees the data at: every
     * transaction committed before it is visible, none after it.
     */
    BinlogPosition beginConsistentSnapshot() {
        try (Statement s = connection.createStatement()) {
            long serverId = sql.serverId();
            BinlogPosition at;
            if (sql.isMariadb()) {
                s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                inTransaction = true;
                String file = null;
                long offset = -1;
                try (ResultSet rs = s.executeQuery("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
                    while (rs.next()) {
                        if (rs.getString(1).equalsIgnoreCase("Binlog_snapshot_file")) {
                            file = rs.getString(2);
                        } else if (rs.getString(1).equalsIgnoreCase("Binlog_snapshot_position")) {
                            offset = Long.parseLong(rs.getString(2));
                        }
                    }
                }
                if (file == null || file.isEmpty() || offset < 0) {
                    throw new SnapshotException("master " + target.address() + " reports no binlog snapshot position"
                            + " (is log_bin on?)");
                }
                at = new BinlogPosition(file, offset, "", serverId, System.currentTimeMillis());
            } else {
                at = lockedMysqlPosition(s, serverId);
            }
            return at;
        } catch (SQLException e) {
            rollback();
            throw denied(e, "starting a consistent snapshot");
        }
    }

    private BinlogPosition lockedMysqlPosition(Statement s, long serverId) throws SQLException {
        s.execute("FLUSH TABLES WITH READ LOCK");
        try {
            s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            inTransaction = true;
            String show = sql.binlogStatusStatement();
            try (ResultSet rs = s.executeQuery(show)) {
                if (!rs.next()) {
                    throw new SnapshotException("master " + target.address() + " returns no binlog position (" + show
                            + " is empty): binary logging is off");
                }
                return new BinlogPosition(rs.getString(1), rs.getLong(2), "", serverId, System.currentTimeMillis());
            }
        } finally {
            s.execute("UNLOCK TABLES");
        }
    }

    /** Ends the snapshot transaction (it only read). */
    void commit() {
        if (!inTransaction) {
            return;
        }
        inTransaction = false;
        try (Statement s = connection.createStatement()) {
            s.execute("COMMIT");
        } catch (SQLException e) {
            throw new SnapshotException("ending the snapshot transaction on " + target.address() + " failed: "
                    + e.getMessage(), e);
        }
    }

    void rollback() {
        if (!inTransaction) {
            return;
        }
        inTransaction = false;
        try (Statement s = connection.createStatement()) {
            s.execute("ROLLBACK");
        } catch (SQLException e) {
            LOG.debug("rolling back the snapshot transaction: {}", e.getMessage());
        }
    }

    /** Base tables outside the system schemas that {@code filter} accepts, in schema and name order. */
    List<SnapshotProgress.Table> tables(TableFilter filter) {
        List<SnapshotProgress.Table> out = new ArrayList<>();
        try {
            for (String[] t : sql.baseTables(filter)) {
                out.add(new SnapshotProgress.Table(t[0], t[1]));
            }
        } catch (SQLException e) {
            throw denied(e, "listing tables");
        }
        return out;
    }

    /** The table's structure and paging key, or null when it no longer exists. */
    SnapshotTable describe(SnapshotProgress.Table name) {
        String ddl;
        String charset;
        try {
            ddl = sql.showCreateTable(name.schema(), name.table());
            if (ddl == null) {
                return null;
            }
            charset = sql.databaseCharset(name.schema());
        } catch (SQLException e) {
            throw denied(e, "reading the structure of " + name);
        }
        // the same reading of the DDL as the parser's schema history, so columns, keys and types match its own
        SchemaHistory history = new SchemaHistory(new MemorySchemaHistoryStore());
        history.useServerVersion(sql.version());
        BinlogPosition origin = BinlogPosition.of("", 0);
        if (charset != null) {
            history.seedDatabase(origin, name.schema(), charset);
        }
        TableStructure structure = history.seedTable(origin, name.schema(), name.table(), ddl);
        if (structure == null) {
            throw new SnapshotException("the structure of " + name + " (SHOW CREATE TABLE) does not parse: " + ddl);
        }
        return key(name, structure);
    }

    private SnapshotTable key(SnapshotProgress.Table name, TableStructure structure) {
        Map<String, List<String[]>> indexes = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT s.INDEX_NAME, s.COLUMN_NAME, c.IS_NULLABLE, c.DATA_TYPE FROM information_schema.STATISTICS s "
                        + "JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = s.TABLE_SCHEMA "
                        + "AND c.TABLE_NAME = s.TABLE_NAME AND c.COLUMN_NAME = s.COLUMN_NAME "
                        + "WHERE s.TABLE_SCHEMA = ? AND s.TABLE_NAME = ? AND s.NON_UNIQUE = 0 "
                        + "ORDER BY s.INDEX_NAME <> 'PRIMARY', s.INDEX_NAME, s.SEQ_IN_INDEX")) {
            ps.setString(1, name.schema());
            ps.setString(2, name.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    indexes.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(new String[] {rs.getString(2), rs.getString(3), rs.getString(4)});
                }
            }
        } catch (SQLException e) {
            throw denied(e, "reading the keys of " + name);
        }
        for (Map.Entry<String, List<String[]>> index : indexes.entrySet()) {
            boolean primary = index.getKey().equals("PRIMARY");
            if (!primary && index.getValue().stream().anyMatch(c -> !"NO".equalsIgnoreCase(c[1]))) {
                continue; // a UNIQUE key over a NULLable column lets several rows share one NULL
            }
            List<SnapshotTable.KeyColumn> key = new ArrayList<>();
            for (String[] c : index.getValue()) {
                key.add(new SnapshotTable.KeyColumn(c[0], form(c[2])));
            }
            return new SnapshotTable(name, structure, key,
                    primary ? SnapshotTable.KeySource.PRIMARY : SnapshotTable.KeySource.UNIQUE);
        }
        return new SnapshotTable(name, structure, List.of(), SnapshotTable.KeySource.NONE);
    }

    private static SnapshotTable.KeyColumn.Form form(String dataType) {
        return switch (dataType.toLowerCase(Locale.ROOT)) {
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "bit", "inet6", "uuid", "inet4" ->
                    SnapshotTable.KeyColumn.Form.HEX;
            case "enum", "set" -> SnapshotTable.KeyColumn.Form.NUMBER;
            default -> SnapshotTable.KeyColumn.Form.TEXT;
        };
    }

    /**
     * {@code SHOW BINLOG EVENTS} of {@code file} from {@code from}: true when nothing but file housekeeping
     * (format description, GTID lists, checkpoints) lies before {@code to}, i.e. a stream at {@code from} has
     * nothing left to deliver before {@code to}.
     */
    boolean onlyHousekeepingBetween(String file, long from, long to) {
        try (PreparedStatement ps = connection.prepareStatement("SHOW BINLOG EVENTS IN ? FROM " + from + " LIMIT 64")) {
            ps.setString(1, file);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long pos = rs.getLong("Pos");
                    if (pos >= to) {
                        return true;
                    }
                    String type = rs.getString("Event_type");
                    switch (type) {
                        case "Format_desc", "Gtid_list", "Binlog_checkpoint", "Previous_gtids", "Rotate", "Stop",
                             "Heartbeat", "Start_encryption" -> {
                        }
                        default -> {
                            return false;
                        }
                    }
                }
                return false;
            }
        } catch (SQLException e) {
            LOG.debug("SHOW BINLOG EVENTS IN {} FROM {} failed: {}", file, from, e.getMessage());
            return false;
        }
    }

    private SnapshotException denied(SQLException e, String doing) {
        if (MasterSql.isPrivilegeMissing(e)) {
            String grant = !sql.isMariadb() && doing.startsWith("starting") ? "RELOAD (for FLUSH TABLES WITH READ LOCK)" : "SELECT";
            return new SnapshotException("'" + target.user() + "' on " + target.address() + " may not read for a "
                    + "snapshot (" + doing + "): " + e.getMessage() + "; it needs the " + grant + " privilege", e);
        }
        return new SnapshotException(doing + " on " + target.address() + " failed: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        rollback();
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing the snapshot connection: {}", e.getMessage());
        }
    }
}
