package io.sluice.server.parser;

import io.sluice.server.position.BinlogPosition;
import io.sluice.server.sink.TableFilter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A plain SQL connection to the master, next to the replication stream: settings checks, the current position,
 * the binlog file list, and table structures. Opened per (re)connection of the parser.
 */
final class MasterConnection implements AutoCloseable {

    private final Connection connection;
    private final ParserSettings settings;
    private final MasterSql sql;

    private MasterConnection(Connection connection, ParserSettings settings, MasterSql sql) {
        this.connection = connection;
        this.settings = settings;
        this.sql = sql;
    }

    static MasterConnection open(ParserSettings settings) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", settings.username());
        p.setProperty("password", settings.password());
        p.setProperty("connectTimeout", Long.toString(settings.connectTimeout().toMillis()));
        p.setProperty("socketTimeout", Long.toString(Math.max(settings.readTimeout().toMillis(), 30_000)));
        p.setProperty("permitMysqlScheme", "true");
        String url = "jdbc:mariadb://" + settings.host() + ":" + settings.port() + "/";
        Connection c;
        try {
            c = settings.transport().connect(url, p);
        } catch (MasterTransportException e) {
            throw new ParserException(e.getMessage(), e);
        } catch (SQLException e) {
            if (e.getErrorCode() == MasterSql.ER_ACCESS_DENIED) {
                throw new ReplicationPrivilegeException("login to " + settings.host() + ":" + settings.port()
                        + " as '" + settings.username() + "' refused: " + e.getMessage()
                        + " (check canal.instance.dbUsername / dbPassword)", e);
            }
            throw e;
        }
        try {
            return new MasterConnection(c, settings, MasterSql.of(c));
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    boolean isMariadb() {
        return sql.isMariadb();
    }

    String version() {
        return sql.version();
    }

    /**
     * Refuses a master that logs statements (rows would be missing from the stream), and, as canal does, one
     * whose {@code binlog_row_image} is not among {@code images} ({@code canal.instance.binlog.image}).
     */
    void checkRowFormat(Set<String> images) throws SQLException {
        String format = variable("binlog_format");
        if (format == null) {
            throw new UnsupportedBinlogFormatException("master " + address() + " has no binary log (log_bin is OFF): "
                    + "enable it with log_bin and binlog_format=ROW");
        }
        if (!format.equalsIgnoreCase("ROW")) {
            throw new UnsupportedBinlogFormatException("master " + address() + " has binlog_format=" + format
                    + "; Sluice reads row-based binlogs only: set binlog_format=ROW (SET GLOBAL binlog_format='ROW' "
                    + "and binlog_format=ROW in the server's configuration)");
        }
        String image = variable("binlog_row_image");
        if (image != null && !images.contains(image.toUpperCase(java.util.Locale.ROOT))) {
            throw new UnsupportedBinlogFormatException("master " + address() + " has binlog_row_image=" + image
                    + ", not one of canal.instance.binlog.image=" + String.join(",", new java.util.TreeSet<>(images))
                    + "; set binlog_row_image on the master or list it in canal.instance.binlog.image");
        }
    }

    String variable(String name) throws SQLException {
        return sql.variable(name);
    }

    /** The master's current position with the GTID set executed up to it. */
    BinlogPosition currentPosition() throws SQLException {
        String show = sql.binlogStatusStatement();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(show)) {
            if (!rs.next()) {
                throw new UnsupportedBinlogFormatException("master " + address() + " returns no binlog position ("
                        + show + " is empty): binary logging is off");
            }
            String gtid = isMariadb() ? variable("gtid_binlog_pos") : variable("gtid_executed");
            return new BinlogPosition(rs.getString(1), rs.getLong(2), gtid == null ? "" : gtid.replace("\n", ""), 0,
                    System.currentTimeMillis());
        } catch (SQLException e) {
            throw denied(e, "REPLICATION CLIENT (BINLOG MONITOR on MariaDB 10.5+)");
        }
    }

    /** {@code SHOW BINARY LOGS}: the files still on the master, oldest first. */
    List<String> binaryLogs() throws SQLException {
        List<String> files = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                files.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw denied(e, "REPLICATION CLIENT (BINLOG MONITOR on MariaDB 10.5+)");
        }
        return files;
    }

    String showCreateTable(String schema, String table) {
        try {
            return sql.showCreateTable(schema, table);
        } catch (SQLException e) {
            throw new ParserException("SHOW CREATE TABLE " + schema + "." + table + " on " + address() + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** Base tables outside the system schemas that the filter accepts, as {schema, table}. */
    List<String[]> tables(TableFilter filter) throws SQLException {
        return sql.baseTables(filter);
    }

    /** Default charset of every database. */
    Map<String, String> databaseCharsets() throws SQLException {
        return sql.databaseCharsets();
    }

    private SQLException denied(SQLException e, String grant) {
        if (MasterSql.isPrivilegeMissing(e)) {
            throw new ReplicationPrivilegeException("'" + settings.username() + "' on " + address() + " lacks the "
                    + grant + " privilege: GRANT " + grant.replaceAll(" \\(.*", "") + " ON *.* TO '"
                    + settings.username() + "'@'%' (" + e.getMessage() + ")", e);
        }
        return e;
    }

    String address() {
        return settings.host() + ":" + settings.port();
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing a connection the master may already have dropped: nothing to recover
            org.slf4j.LoggerFactory.getLogger(MasterConnection.class).debug("closing the master connection: {}", e.getMessage());
        }
    }
}
