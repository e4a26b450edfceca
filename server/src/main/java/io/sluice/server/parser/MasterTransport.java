package io.sluice.server.parser;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * How every connection the parser and the snapshot open to one master is carried: the replication stream and the
 * SQL connections. The parser owns this door so that it does not depend on how TLS is set up; the destination's
 * wiring hands in {@code tls.MasterTls} (canal's {@code canal.instance.master.sslMode} and friends), also for a
 * master without TLS ({@code MasterTls.disabled}).
 */
public interface MasterTransport {

    /**
     * Opens a JDBC connection to the master. {@code base} holds the account and the caller's other driver options.
     *
     * @throws MasterTransportException when the transport explains the failure (reconnecting does not cure it)
     */
    Connection connect(String url, Properties base) throws SQLException;

    /** Sets up the replication client's transport before it connects. */
    void applyTo(BinaryLogClient client);

    /** How the last replication connection is carried, for the log line that announces it. */
    String replicationTransport();

    /**
     * The transport's reading of a failed connection, or null when the transport does not explain it (a reset,
     * a timeout, a refused login): such a failure is not cured by reconnecting.
     */
    MasterTransportException explain(Throwable failure);
}
