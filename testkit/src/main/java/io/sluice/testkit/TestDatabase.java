package io.sluice.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A MySQL-compatible server with binary logging in ROW format, private to the tests of one JVM, with a
 * replication account {@code canal}/{@code canal} (SELECT, REPLICATION SLAVE, REPLICATION CLIENT) and a
 * passwordless administrative {@code root}.
 */
public interface TestDatabase extends AutoCloseable {

    String REPLICATION_USER = "canal";
    String REPLICATION_PASSWORD = "canal";

    String host();

    int port();

    /** "MariaDB" or "MySQL". */
    String flavor();

    default String address() {
        return host() + ":" + port();
    }

    default String jdbcUrl(String database) {
        return "jdbc:mariadb://" + host() + ":" + port() + "/" + (database == null ? "" : database)
                + "?permitMysqlScheme&allowPublicKeyRetrieval=true";
    }

    /** An administrative connection (root); the caller closes it. */
    default Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(null), "root", "");
    }

    default Connection connect(String user, String password) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(null), user, password);
    }

    /** Runs statements as root, in order, each committed on its own. */
    default void execute(String... sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + address() + ": " + e.getMessage(), e);
        }
    }

    /** Rows of a query as ordered column→value maps (values by {@code getString}). */
    default List<Map<String, String>> query(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<Map<String, String>> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= n; i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("query failed on " + address() + ": " + e.getMessage(), e);
        }
    }

    /** {@code SHOW MASTER STATUS}: current binlog file and position. */
    default BinlogCoordinates masterStatus() {
        Map<String, String> row = query("SHOW MASTER STATUS").get(0);
        return new BinlogCoordinates(row.get("File"), Long.parseLong(row.get("Position")));
    }

    /** Stops the server cleanly; data stays, {@link #start()} brings it back on the same port. */
    void stop();

    /** SIGKILLs the server process; data stays. */
    void kill();

    void start();

    default void restart() {
        stop();
        start();
    }

    @Override
    void close();

    record BinlogCoordinates(String file, long position) {
    }
}
