package io.sluice.server.tls;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.network.IdentityVerificationException;
import com.github.shyiko.mysql.binlog.network.SSLMode;
import io.sluice.server.config.SslSettings;
import io.sluice.server.parser.MasterTransport;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS towards one master, with canal's keys ({@code canal.instance.master.sslMode} and friends) and MySQL
 * Connector/J's meanings, applied to both kinds of connection Sluice opens: the replication stream
 * (mysql-binlog-connector-java) and every JDBC connection (MariaDB Connector/J: SQL checks, SHOW CREATE TABLE,
 * snapshots, lookups).
 *
 * <table>
 * <tr><th>sslMode</th><th>replication (connector)</th><th>JDBC (MariaDB Connector/J)</th></tr>
 * <tr><td>DISABLED (canal's default)</td><td>no TLS</td><td>{@code sslMode=disable}</td></tr>
 * <tr><td>PREFERRED</td><td>TLS when offered, certificate not checked</td><td>{@code trust}; a master
 *     without TLS: {@code disable} with a WARN (the driver has no preferred mode)</td></tr>
 * <tr><td>REQUIRED</td><td>TLS or fail, certificate not checked</td><td>{@code trust}</td></tr>
 * <tr><td>VERIFY_CA</td><td>certificate chain checked against the trust store (else the JVM's CAs)</td>
 *     <td>{@code verify-ca} + {@code trustStore}</td></tr>
 * <tr><td>VERIFY_IDENTITY</td><td>also the certificate's names against the configured host</td>
 *     <td>{@code verify-full}</td></tr>
 * </table>
 *
 * <p>The key stores are read once, by Sluice, before the first connection, so that a wrong path or password is
 * one message naming the key, whichever connection comes first.
 */
public final class MasterTls implements MasterTransport {

    /** Connector/J's {@code sslMode} values. */
    public enum Mode {
        DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY;

        boolean verifies() {
            return this == VERIFY_CA || this == VERIFY_IDENTITY;
        }
    }

    static final String MODE_KEY = "canal.instance.master.sslMode";
    static final String VERSIONS_KEY = "canal.instance.master.tlsVersions";
    static final String TRUST_KEY = "canal.instance.master.trustCertificateKeyStoreUrl";
    static final String CLIENT_KEY = "canal.instance.master.clientCertificateKeyStoreUrl";
    public static final String PUBLIC_KEY_RETRIEVAL_KEY = "sluice.instance.master.allowPublicKeyRetrieval";

    private static final Logger log = LoggerFactory.getLogger(MasterTls.class);
    private static final int ER_ACCESS_DENIED = 1045;
    private static final int ER_SECURE_TRANSPORT_REQUIRED = 3159;

    private final Mode mode;
    private final String host;
    private final int port;
    private final List<String> protocols;
    private final KeyStoreSource trustStore;
    private final KeyStoreSource clientStore;
    private final boolean allowPublicKeyRetrieval;
    private final AtomicBoolean warnedPlainFallback = new AtomicBoolean();
    private final AtomicBoolean warnedPublicKeyRetrieval = new AtomicBoolean();
    private SSLContext context;
    private volatile SSLSocket lastReplicationSocket;

    private MasterTls(Mode mode, String host, int port, List<String> protocols, KeyStoreSource trustStore,
                      KeyStoreSource clientStore, boolean allowPublicKeyRetrieval) {
        this.mode = mode;
        this.host = host;
        this.port = port;
        this.protocols = List.copyOf(protocols);
        this.trustStore = trustStore;
        this.clientStore = clientStore;
        this.allowPublicKeyRetrieval = allowPublicKeyRetrieval;
    }

    /** No TLS, no public key retrieval: canal's behaviour when none of the keys is set. */
    public static MasterTls disabled(String host, int port) {
        return new MasterTls(Mode.DISABLED, host, port, List.of(), null, null, false);
    }

    /** The destination's settings towards the master at {@code host:port}. */
    public static MasterTls of(SslSettings ssl, String host, int port) {
        if (ssl == null) {
            return disabled(host, port);
        }
        Mode mode;
        try {
            mode = Mode.valueOf(ssl.mode().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(MODE_KEY + " = " + ssl.mode() + " is not one of "
                    + Arrays.toString(Mode.values()), e);
        }
        List<String> protocols = new ArrayList<>();
        for (String v : ssl.tlsVersions().split(",")) {
            String version = v.trim();
            if (version.isEmpty()) {
                continue;
            }
            String known = SslSettings.TLS_VERSIONS.stream().filter(k -> k.equalsIgnoreCase(version)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(VERSIONS_KEY + " = " + ssl.tlsVersions()
                            + ": '" + version + "' is not one of " + SslSettings.TLS_VERSIONS));
            protocols.add(known);
        }
        KeyStoreSource trust = ssl.trustStoreUrl().isBlank() ? null : new KeyStoreSource(TRUST_KEY,
                ssl.trustStoreUrl().trim(), ssl.trustStoreType(), ssl.trustStorePassword());
        KeyStoreSource client = ssl.clientStoreUrl().isBlank() ? null : new KeyStoreSource(CLIENT_KEY,
                ssl.clientStoreUrl().trim(), ssl.clientStoreType(), ssl.clientStorePassword());
        return new MasterTls(mode, host, port, protocols, trust, client, ssl.allowPublicKeyRetrieval());
    }

    public Mode mode() {
        return mode;
    }

    // ---------------------------------------------------------------- JDBC

    /**
     * Opens a JDBC connection to this master with the TLS options of {@link #mode()}. {@code base} holds the
     * account and the caller's other driver options. A failure that TLS explains is a
     * {@link MasterTlsException}; a refused login under DISABLED carries a hint about accounts that require TLS.
     */
    @Override
    public Connection connect(String url, Properties base) throws SQLException {
        if (mode == Mode.DISABLED) {
            try {
                return DriverManager.getConnection(url, plain(base));
            } catch (SQLException e) {
                throw withPlainLoginHint(e, base.getProperty("user", ""));
            }
        }
        context(); // reads the key stores, so that a bad one is reported by its key rather than by the driver
        try {
            return DriverManager.getConnection(url, encrypted(base));
        } catch (SQLException e) {
            if (mode == Mode.PREFERRED && masterOffersNoTls(e)) {
                if (warnedPlainFallback.compareAndSet(false, true)) {
                    log.warn("master {}:{} offers no TLS; {} = PREFERRED continues in clear text", host, port,
                            MODE_KEY);
                }
                try {
                    return DriverManager.getConnection(url, plain(base));
                } catch (SQLException plainFailure) {
                    throw withPlainLoginHint(plainFailure, base.getProperty("user", ""));
                }
            }
            MasterTlsException tls = explain(e);
            if (tls != null) {
                throw tls;
            }
            throw e;
        }
    }

    Properties plain(Properties base) {
        Properties p = copy(base);
        p.setProperty("sslMode", "disable");
        p.setProperty("allowPublicKeyRetrieval", Boolean.toString(allowPublicKeyRetrieval));
        if (allowPublicKeyRetrieval && warnedPublicKeyRetrieval.compareAndSet(false, true)) {
            log.warn("{} = true over a connection to {}:{} without TLS: a man in the middle can hand out its own "
                    + "RSA key and learn the password of '{}' (caching_sha2_password, sha256_password); use "
                    + "{} = VERIFY_CA", PUBLIC_KEY_RETRIEVAL_KEY, host, port, p.getProperty("user", ""), MODE_KEY);
        }
        return p;
    }

    Properties encrypted(Properties base) {
        Properties p = copy(base);
        p.setProperty("sslMode", switch (mode) {
            case VERIFY_CA -> "verify-ca";
            case VERIFY_IDENTITY -> "verify-full";
            default -> "trust";
        });
        // over TLS the driver sends a caching_sha2 password inside the encrypted session and never needs the key
        p.setProperty("allowPublicKeyRetrieval", "true");
        if (mode.verifies() && trustStore != null) {
            p.setProperty("trustStore", trustStore.url());
            p.setProperty("trustStoreType", trustStore.effectiveType());
            if (!trustStore.password().isEmpty()) {
                p.setProperty("trustStorePassword", trustStore.password());
            }
        }
        if (clientStore != null) {
            p.setProperty("keyStore", clientStore.url());
            p.setProperty("keyStoreType", clientStore.effectiveType());
            if (!clientStore.password().isEmpty()) {
                p.setProperty("keyStorePassword", clientStore.password());
            }
        }
        if (!protocols.isEmpty()) {
            p.setProperty("enabledSslProtocolSuites", String.join(",", protocols));
        }
        return p;
    }

    private static Properties copy(Properties base) {
        Properties p = new Properties();
        p.putAll(base);
        return p;
    }

    /**
     * A server refuses an account created REQUIRE SSL over plain TCP with the same "Access denied" as a wrong
     * password: under DISABLED the message says so, keeping the error code for the caller.
     */
    private SQLException withPlainLoginHint(SQLException e, String user) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (e.getErrorCode() == ER_SECURE_TRANSPORT_REQUIRED || message.contains("insecure transport")) {
            throw new MasterTlsException("master " + host + ":" + port + " accepts only TLS connections ("
                    + message + ") and " + MODE_KEY + " is " + mode + ": set it to VERIFY_CA, VERIFY_IDENTITY or "
                    + "REQUIRED", e);
        }
        if (message.contains("RSA public key is not available")) {
            throw new MasterTlsException("login to " + host + ":" + port + " as '" + user + "' needs the "
                    + "master's RSA key (caching_sha2_password or sha256_password over plain TCP) and fetching it "
                    + "unauthenticated lets a man in the middle learn the password: set " + MODE_KEY + " = VERIFY_CA "
                    + "(or REQUIRED), or accept the risk with " + PUBLIC_KEY_RETRIEVAL_KEY + " = true", e);
        }
        if (e.getErrorCode() != ER_ACCESS_DENIED) {
            return e;
        }
        if (mode != Mode.DISABLED) {
            return e; // PREFERRED fell back: the master has no TLS, so TLS is not what it wants
        }
        // Asking the master whether it offers TLS would take a connection that ends before its handshake, which
        // MySQL counts towards max_connect_errors (and a failing destination retries every few seconds): the
        // hint names both causes instead.
        return new SQLException(message + "; " + MODE_KEY + " is DISABLED: an account created REQUIRE SSL (or "
                + "X509) is refused exactly like this over plain TCP, if so set " + MODE_KEY + " = VERIFY_CA (or "
                + "REQUIRED)", e.getSQLState(), e.getErrorCode(), e);
    }

    private static boolean masterOffersNoTls(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.contains("ssl not enabled in the server")) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- replication

    /** Sets the replication client's TLS to {@link #mode()}, with Sluice's key stores and checks. */
    @Override
    public void applyTo(BinaryLogClient client) {
        lastReplicationSocket = null;
        switch (mode) {
            case DISABLED -> {
                client.setSSLMode(SSLMode.DISABLED);
                return;
            }
            case PREFERRED -> client.setSSLMode(SSLMode.PREFERRED);
            case REQUIRED -> client.setSSLMode(SSLMode.REQUIRED);
            // the connector's own identity check reverse-resolves the socket's address, so an IP in the address
            // would be checked as a name: ours checks the configured host, as Connector/J does
            default -> client.setSSLMode(SSLMode.VERIFY_CA);
        }
        client.setSslSocketFactory(socket -> {
            SSLSocket tls;
            try {
                tls = (SSLSocket) context().getSocketFactory().createSocket(socket, host, socket.getPort(), true);
            } catch (java.io.IOException e) {
                throw new java.net.SocketException("cannot start TLS: " + e.getMessage());
            }
            if (!protocols.isEmpty()) {
                tls.setEnabledProtocols(protocols.toArray(String[]::new));
            }
            if (mode == Mode.VERIFY_IDENTITY) {
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                tls.setSSLParameters(parameters);
            }
            lastReplicationSocket = tls;
            return tls;
        });
    }

    /** How the last replication connection is carried, for the log line that announces it. */
    @Override
    public String replicationTransport() {
        SSLSocket socket = lastReplicationSocket;
        if (socket == null || socket.isClosed()) {
            return "plain TCP, no TLS (" + MODE_KEY + " " + mode + ")";
        }
        // the connector completed the handshake before it logged in, so this does not block
        SSLSession session = socket.getSession();
        return "TLS (" + session.getProtocol() + " " + session.getCipherSuite() + ", " + MODE_KEY + " " + mode + ")";
    }

    // ---------------------------------------------------------------- shared

    private synchronized SSLContext context() {
        if (context != null) {
            return context;
        }
        try {
            TrustManager[] trust = null; // the JVM's CAs
            if (!mode.verifies()) {
                trust = new TrustManager[] {new UncheckedServer()};
            } else if (trustStore != null) {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trustStore.load());
                trust = tmf.getTrustManagers();
            }
            KeyManager[] keys = null;
            if (clientStore != null) {
                KeyStore store = clientStore.load();
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(store, clientStore.passwordChars());
                keys = kmf.getKeyManagers();
            }
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(keys, trust, null);
            context = c;
            return c;
        } catch (GeneralSecurityException e) {
            throw new MasterTlsException("TLS towards " + host + ":" + port + " cannot be set up: " + e.getMessage()
                    + (clientStore != null ? " (check " + clientStore + " and its password)" : ""), e);
        }
    }

    /**
     * The TLS reading of a failed connection, or null when TLS does not explain it (a reset, a timeout, a
     * refused login): an untrusted or misnamed certificate, a master without TLS under a mode that needs it, no
     * common TLS version.
     */
    @Override
    public MasterTlsException explain(Throwable failure) {
        if (failure instanceof MasterTlsException m) {
            return m;
        }
        String where = "TLS to master " + host + ":" + port + " (" + MODE_KEY + " = " + mode + ") failed: ";
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof MasterTlsException m) {
                return m;
            }
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (m.contains("ssl not enabled in the server") || m.contains("server does not support SSL")) {
                return new MasterTlsException(where + "the master offers no TLS; enable it on the master "
                        + "(ssl_cert, ssl_key) or set " + MODE_KEY + " = PREFERRED or DISABLED", failure);
            }
            if (t instanceof IdentityVerificationException || m.contains("hostname verification failed")
                    || m.contains("No subject alternative") || m.contains("No name matching")) {
                return new MasterTlsException(where + "the master's certificate does not name '" + host + "' ("
                        + firstLine(m) + "); connect by a name the certificate holds, add it to the certificate's "
                        + "subjectAltName, or use VERIFY_CA", failure);
            }
            if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException
                    || (t instanceof CertificateException && mode.verifies())) {
                String trusted = trustStore != null ? "a CA in " + trustStore : "a CA the JVM trusts (no "
                        + TRUST_KEY + " is set)";
                return new MasterTlsException(where + "the master's certificate is not signed by " + trusted + " ("
                        + firstLine(m) + "); put the CA that signed the master's certificate into the trust store",
                        failure);
            }
            if (t instanceof SSLHandshakeException && (m.contains("bad_certificate") || m.contains("unknown_ca")
                    || m.contains("certificate_required") || m.contains("certificate_unknown"))) {
                return new MasterTlsException(where + "the master refused the client certificate ("
                        + (clientStore != null ? clientStore.toString() : "none: " + CLIENT_KEY + " is not set") + "): "
                        + firstLine(m) + "; it must be signed by a CA in the master's ssl_ca", failure);
            }
            if (t instanceof SSLHandshakeException && (m.contains("protocol") || m.contains("No appropriate"))) {
                return new MasterTlsException(where + "no TLS version both sides accept (" + firstLine(m) + "); "
                        + "check " + VERSIONS_KEY + (protocols.isEmpty() ? "" : " = " + String.join(",", protocols))
                        + " against the master's tls_version", failure);
            }
        }
        return null;
    }

    private static String firstLine(String m) {
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    @Override
    public String toString() {
        return MODE_KEY + " " + mode + (protocols.isEmpty() ? "" : " " + protocols)
                + (trustStore != null ? ", trust " + trustStore.location() : "")
                + (clientStore != null ? ", client " + clientStore.location() : "");
    }

    /** PREFERRED and REQUIRED encrypt without checking who answers, as in Connector/J. */
    private static final class UncheckedServer implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
