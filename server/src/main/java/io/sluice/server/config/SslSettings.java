package io.sluice.server.config;

/**
 * TLS towards the master ({@code canal.instance.master.sslMode} and friends); store passwords are never logged.
 *
 * @param mode                    DISABLED (canal's default), PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY
 * @param allowPublicKeyRetrieval {@code sluice.instance.master.allowPublicKeyRetrieval}: let the JDBC driver fetch
 *                                the master's RSA key over a connection without TLS (a man in the middle can
 *                                then learn a caching_sha2_password); over TLS it is never needed
 */
public record SslSettings(String mode, String tlsVersions, String trustStoreUrl, String trustStoreType,
                          String trustStorePassword, String clientStoreUrl, String clientStoreType,
                          String clientStorePassword, boolean allowPublicKeyRetrieval) {

    /** canal's behaviour when none of the keys is set. */
    public static SslSettings disabled() {
        return new SslSettings("DISABLED", "", "", "", "", "", "", "", false);
    }

    public static final java.util.Set<String> MODES =
            java.util.Set.of("DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY");

    /** What {@code canal.instance.master.tlsVersions} may list (Connector/J's spelling). */
    public static final java.util.List<String> TLS_VERSIONS = java.util.List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    /** The first item of {@code tlsVersions} that is no TLS version, or null. */
    public String unknownTlsVersion() {
        for (String v : tlsVersions.split(",")) {
            if (!v.isBlank() && TLS_VERSIONS.stream().noneMatch(known -> known.equalsIgnoreCase(v.trim()))) {
                return v.trim();
            }
        }
        return null;
    }

    public boolean enabled() {
        return !"DISABLED".equals(mode);
    }

    @Override
    public String toString() {
        return "ssl " + mode;
    }
}
