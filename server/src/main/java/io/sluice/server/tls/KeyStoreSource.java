package io.sluice.server.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Locale;

/**
 * A trust or client key store as MySQL Connector/J names it: a URL ({@code file:/etc/sluice/truststore.jks})
 * or a plain path, a type (JKS when not given, as Connector/J and canal; {@code .p12}/{@code .pfx} files are
 * PKCS12) and a password that may be empty.
 *
 * @param key      the canal key of the URL, for messages ({@code canal.instance.master.trustCertificateKeyStoreUrl})
 * @param location as configured
 * @param type     as configured; may be empty
 * @param password may be empty; never logged
 */
record KeyStoreSource(String key, String location, String type, String password) {

    /** The location as a URL both the JDBC driver and {@link #load()} read the same way. */
    String url() {
        try {
            URI uri = new URI(location);
            if (uri.getScheme() != null && uri.getScheme().length() > 1) {
                return location; // a URL; one-letter schemes are Windows drive letters
            }
        } catch (URISyntaxException e) {
            // not a URL: a path
        }
        return Path.of(location).toAbsolutePath().toUri().toString();
    }

    String effectiveType() {
        if (!type.isBlank()) {
            return type.trim().toUpperCase(Locale.ROOT);
        }
        String lower = location.toLowerCase(Locale.ROOT);
        return lower.endsWith(".p12") || lower.endsWith(".pfx") ? "PKCS12" : "JKS";
    }

    char[] passwordChars() {
        return password.isEmpty() ? null : password.toCharArray();
    }

    KeyStore load() {
        String url = url();
        try {
            KeyStore store = KeyStore.getInstance(effectiveType());
            try (InputStream in = url.startsWith("file:") ? Files.newInputStream(Path.of(URI.create(url)))
                    : URI.create(url).toURL().openStream()) {
                store.load(in, passwordChars());
            }
            return store;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new MasterTlsException(key + " = " + location + " (" + effectiveType() + ") cannot be read: "
                    + reason(e) + " (check the URL, " + key.replace("Url", "Type") + " and "
                    + key.replace("Url", "Password") + ")", e);
        }
    }

    private static String reason(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    @Override
    public String toString() {
        return key + " = " + location;
    }
}
