package io.sluice.server.config;

import java.util.List;
import java.util.Locale;

/**
 * Which settings hold secrets, so that every place that prints settings (error messages, the MQ settings log line,
 * {@code config.sh diff}) masks the same ones: passwords, tokens, JAAS configurations (they embed passwords or
 * keytab paths), private key material ({@code kafka.ssl.keystore.key}) and the ZooKeeper digest.
 */
public final class Secrets {

    public static final String MASK = "****";

    private static final List<String> MARKS = List.of("password", "passwd", "secret", "token", "jaas", "credential",
            "digest", "pwdpublickey");

    private Secrets() {
    }

    public static boolean isSecretKey(String key) {
        String lower = key.trim().toLowerCase(Locale.ROOT);
        for (String mark : MARKS) {
            if (lower.contains(mark)) {
                return true;
            }
        }
        // ssl.keystore.key, ssl.key (PEM private keys); not ssl.keystore.location or a ...key.password (above)
        return lower.endsWith(".key") || lower.equals("key");
    }

    /** The value as it may be printed. */
    public static String mask(String key, String value) {
        return isSecretKey(key) && value != null && !value.isEmpty() ? MASK : value;
    }

    /**
     * A line of a properties file as it may be printed: {@code key = value} with the value masked when the key is
     * secret; comments and other lines as they are.
     */
    public static String maskLine(String line) {
        String trimmed = line.stripLeading();
        if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("!")) {
            return line;
        }
        int start = line.length() - trimmed.length();
        int end = start;
        while (end < line.length()) {
            char c = line.charAt(end);
            if (c == '\\') {
                end += 2;
                continue;
            }
            if (c == '=' || c == ':' || Character.isWhitespace(c)) {
                break;
            }
            end++;
        }
        end = Math.min(end, line.length());
        if (!isSecretKey(line.substring(start, end))) {
            return line;
        }
        int value = end;
        while (value < line.length() && Character.isWhitespace(line.charAt(value))) {
            value++;
        }
        if (value < line.length() && (line.charAt(value) == '=' || line.charAt(value) == ':')) {
            value++;
        }
        while (value < line.length() && Character.isWhitespace(line.charAt(value))) {
            value++;
        }
        return value >= line.length() ? line : line.substring(0, value) + MASK;
    }
}
