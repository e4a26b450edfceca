package io.sluice.server.parser;

import io.sluice.server.sink.TableFilter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SQL that every plain connection to a master speaks, the parser's and the snapshot's: the master's version
 * and flavour (MariaDB or MySQL, and which spelling of the binlog status statement it takes), server variables,
 * table structures, the base tables a filter accepts, database charsets, and which error codes mean a missing
 * privilege or a table that is gone. Each connection keeps its own error wording and exceptions.
 */
public final class MasterSql {

    /** Access denied; you need (at least one of) the ... privilege(s) for this operation. */
    public static final int ER_SPECIFIC_ACCESS_DENIED = 1227;
    /** Access denied for user to database. */
    public static final int ER_DBACCESS_DENIED = 1044;
    /** Access denied for user (using password): the login itself. */
    public static final int ER_ACCESS_DENIED = 1045;
    /** SELECT (or another) command denied to user for table. */
    public static final int ER_TABLEACCESS_DENIED = 1142;
    public static final int ER_NO_SUCH_TABLE = 1146;
    public static final int ER_BAD_DB = 1049;

    private final Connection connection;
    private final String version;
    private final boolean mariadb;

    private MasterSql(Connection connection, String version) {
        this.connection = connection;
        this.version = version;
        this.mariadb = version.toLowerCase(Locale.ROOT).contains("mariadb");
    }

    /** Reads the master's version ({@code SELECT VERSION()}) on an open connection. */
    public static MasterSql of(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT VERSION()")) {
            rs.next();
            return new MasterSql(connection, rs.getString(1));
        }
    }

    public String version() {
        return version;
    }

    public boolean isMariadb() {
        return mariadb;
    }

    /**
     * The statement that tells the master's binlog file and position: {@code SHOW BINARY LOG STATUS} on MySQL
     * 8.4 and later, which dropped {@code SHOW MASTER STATUS}; {@code SHOW MASTER STATUS} elsewhere.
     */
    public String binlogStatusStatement() {
        return !mariadb && atLeastMysql84() ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS";
    }

    private boolean atLeastMysql84() {
        String[] parts = version.split("[.-]");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = Integer.parseInt(parts[1]);
            return major > 8 || (major == 8 && minor >= 4);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A global server variable, null when the master has none of that name. */
    public String variable(String name) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SHOW GLOBAL VARIABLES LIKE ?")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(2) : null;
            }
        }
    }

    public long serverId() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT @@server_id")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** {@code SHOW CREATE TABLE}; null when the table or its database does not exist (any more). */
    public String showCreateTable(String schema, String table) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SHOW CREATE TABLE " + quote(schema) + "." + quote(table))) {
            return rs.next() ? rs.getString(2) : null;
        } catch (SQLException e) {
            if (isGone(e)) {
                return null;
            }
            throw e;
        }
    }

    /** Base tables outside the system schemas that the filter accepts, as {schema, table}, in that order. */
    public List<String[]> baseTables(TableFilter filter) throws SQLException {
        List<String[]> tables = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' "
                        + "AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') "
                        + "ORDER BY TABLE_SCHEMA, TABLE_NAME")) {
            while (rs.next()) {
                if (filter.accepts(rs.getString(1), rs.getString(2))) {
                    tables.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        return tables;
    }

    /** Default charset of every database. */
    public Map<String, String> databaseCharsets() throws SQLException {
        Map<String, String> charsets = new LinkedHashMap<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA")) {
            while (rs.next()) {
                charsets.put(rs.getString(1), rs.getString(2));
            }
        }
        return charsets;
    }

    /** Default charset of one database, null when it does not exist. */
    public String databaseCharset(String schema) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The account lacks a privilege the statement needs (global, on the database or on the table). */
    public static boolean isPrivilegeMissing(SQLException e) {
        return e.getErrorCode() == ER_SPECIFIC_ACCESS_DENIED || e.getErrorCode() == ER_TABLEACCESS_DENIED
                || e.getErrorCode() == ER_DBACCESS_DENIED;
    }

    /** The table or its database does not exist. */
    public static boolean isGone(SQLException e) {
        return e.getErrorCode() == ER_NO_SUCH_TABLE || e.getErrorCode() == ER_BAD_DB;
    }

    /** A schema or table name as an identifier. */
    public static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
