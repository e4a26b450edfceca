package io.sluice.server.sink.lookup;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens a JDBC connection to the destination's master the way its binlog connection is opened (the destination's
 * TLS settings): handed in by the destination's wiring, so that a lookup reading the master needs to know nothing
 * of TLS.
 */
@FunctionalInterface
public interface MasterConnector {

    /**
     * @param url     the lookup's JDBC URL
     * @param account {@code user} and {@code password}
     */
    Connection connect(String url, Properties account) throws SQLException;
}
