package io.sluice.server.metrics;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * What the admin port accepts in an {@code Authorization} header:
 * <ul>
 *   <li>{@code Basic user:password} with the server's {@code canal.user} (any name when it is empty) and the
 *       password whose {@code SHA1(SHA1(password))} is {@code canal.passwd}: the same account canal clients use.
 *       The admin port can only check it this way because canal.passwd holds the double hash, not the password.
 *   <li>{@code Bearer <token>}: {@code sluice.admin.token}, or the token the server generated at start and wrote
 *       owner-only to {@code logs/sluice.admin.token} (what {@code bin/status.sh} uses on the same host).
 * </ul>
 * Comparisons are constant-time.
 */
public final class AdminCredentials {

    private final String user;
    private final byte[] passwordHash;
    private final byte[] token;

    /**
     * @param user         canal.user, "" = any
     * @param passwordHash canal.passwd (hex SHA1(SHA1(pw))), "" = Basic is not accepted
     * @param token        the bearer token, "" = none
     */
    public AdminCredentials(String user, String passwordHash, String token) {
        this.user = user == null ? "" : user;
        this.passwordHash = passwordHash == null || passwordHash.isEmpty() ? null
                : passwordHash.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    public boolean acceptsPassword() {
        return passwordHash != null;
    }

    /** @param authorization the header's value, null when absent */
    public boolean accepts(String authorization) {
        if (authorization == null) {
            return false;
        }
        String value = authorization.trim();
        int space = value.indexOf(' ');
        if (space <= 0) {
            return false;
        }
        String scheme = value.substring(0, space).toLowerCase(Locale.ROOT);
        String rest = value.substring(space + 1).trim();
        if (scheme.equals("bearer")) {
            return token != null && MessageDigest.isEqual(token, rest.getBytes(StandardCharsets.UTF_8));
        }
        if (scheme.equals("basic") && passwordHash != null) {
            String pair;
            try {
                pair = new String(Base64.getDecoder().decode(rest), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return false;
            }
            int colon = pair.indexOf(':');
            if (colon < 0) {
                return false;
            }
            boolean userOk = user.isEmpty() || user.equals(pair.substring(0, colon));
            byte[] hash = doubleSha1Hex(pair.substring(colon + 1)).getBytes(StandardCharsets.US_ASCII);
            return MessageDigest.isEqual(hash, passwordHash) & userOk;
        }
        return false;
    }

    /** canal.passwd of a plain password: upper-case hex of SHA1(SHA1(password)). */
    public static String doubleSha1Hex(String password) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] once = sha1.digest(password.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().withUpperCase().formatHex(sha1.digest(once));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-1", e);
        }
    }
}
