package io.sluice.server.config;

/**
 * TLS towards the master ({@code canal.instance.master.sslMode} and friends); store passwords are never logged.
 *
 * @param mode DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY
 */
public record SslSettings(String mode, String tlsVersions, String trustStoreUrl, String trustStoreType,
                          String trustStorePassword, String clientStoreUrl, String clientStoreType,
                          String clientStorePassword) {

    public static final java.util.Set<String> MODES =
            java.util.Set.of("DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY");

    public boolean enabled() {
        return !"DISABLED".equals(mode);
    }

    @Override
    public String toString() {
        return "ssl " + mode;
    }
}
