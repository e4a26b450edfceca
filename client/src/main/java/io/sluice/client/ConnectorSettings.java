package io.sluice.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link SluiceConnector} talks to its server.
 *
 * @param destination       canal destination name
 * @param username          "" when the server has no {@code canal.user}
 * @param password          plain password, or null when the server checks none (only a scramble is sent)
 * @param clientId          canal client id (the official client always uses 1001)
 * @param soTimeout         socket read timeout; a GET's server-side wait must be shorter (canal client: 60 s)
 * @param connectTimeout    TCP connect timeout
 * @param idleTimeout       sent as {@code net_read_timeout}/{@code net_write_timeout}: the server closes the
 *                          connection after this long without a request (canal client: 1 h)
 * @param lazyParse         keep entries as raw bytes and parse them only when {@link Message#entries()} is called
 * @param rollbackOnConnect roll back batches left outstanding by an earlier session when subscribing (canal's
 *                          default); reconnects always roll back
 * @param reconnectAttempts how often a broken connection is re-established before a call fails; 0 = never
 * @param reconnectBackoff  pause between reconnect attempts
 */
public record ConnectorSettings(String destination, String username, String password, short clientId,
                                Duration soTimeout, Duration connectTimeout, Duration idleTimeout, boolean lazyParse,
                                boolean rollbackOnConnect, int reconnectAttempts, Duration reconnectBackoff) {

    public static final short DEFAULT_CLIENT_ID = 1001;

    public ConnectorSettings {
        Objects.requireNonNull(destination, "destination");
        if (destination.isBlank()) {
            throw new IllegalArgumentException("destination is empty");
        }
        username = username == null ? "" : username;
        Objects.requireNonNull(soTimeout, "soTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(reconnectBackoff, "reconnectBackoff");
        if (reconnectAttempts < 0) {
            throw new IllegalArgumentException("reconnectAttempts < 0");
        }
        if (idleTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("idleTimeout too long for the protocol's int32 milliseconds");
        }
    }

    /** The official client's defaults (no credentials, client 1001, 60 s reads, 1 h idle), plus reconnecting. */
    public static ConnectorSettings of(String destination) {
        return new ConnectorSettings(destination, "", null, DEFAULT_CLIENT_ID, Duration.ofSeconds(60),
                Duration.ofSeconds(10), Duration.ofHours(1), false, true, 3, Duration.ofSeconds(1));
    }

    public ConnectorSettings withCredentials(String newUsername, String newPassword) {
        return new ConnectorSettings(destination, newUsername, newPassword, clientId, soTimeout, connectTimeout,
                idleTimeout, lazyParse, rollbackOnConnect, reconnectAttempts, reconnectBackoff);
    }

    public ConnectorSettings withClientId(short newClientId) {
        return new ConnectorSettings(destination, username, password, newClientId, soTimeout, connectTimeout,
                idleTimeout, lazyParse, rollbackOnConnect, reconnectAttempts, reconnectBackoff);
    }

    public ConnectorSettings withLazyParse(boolean lazy) {
        return new ConnectorSettings(destination, username, password, clientId, soTimeout, connectTimeout,
                idleTimeout, lazy, rollbackOnConnect, reconnectAttempts, reconnectBackoff);
    }

    public ConnectorSettings withRollbackOnConnect(boolean rollback) {
        return new ConnectorSettings(destination, username, password, clientId, soTimeout, connectTimeout,
                idleTimeout, lazyParse, rollback, reconnectAttempts, reconnectBackoff);
    }

    public ConnectorSettings withReconnect(int attempts, Duration backoff) {
        return new ConnectorSettings(destination, username, password, clientId, soTimeout, connectTimeout,
                idleTimeout, lazyParse, rollbackOnConnect, attempts, backoff);
    }

    public ConnectorSettings withTimeouts(Duration newSoTimeout, Duration newConnectTimeout, Duration newIdleTimeout) {
        return new ConnectorSettings(destination, username, password, clientId, newSoTimeout, newConnectTimeout,
                newIdleTimeout, lazyParse, rollbackOnConnect, reconnectAttempts, reconnectBackoff);
    }

    String clientIdText() {
        return Short.toString(clientId);
    }

    @Override
    public String toString() {
        return "ConnectorSettings[" + destination + "/" + clientId + (username.isEmpty() ? "" : ", user=" + username)
                + (password == null ? "" : ", password=<set>") + ", soTimeout=" + soTimeout + ", idle=" + idleTimeout
                + ", lazyParse=" + lazyParse + ", reconnectAttempts=" + reconnectAttempts + "]";
    }
}
