package io.sluice.server.mq;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * How FlatMessage writes the value of a binary column ({@code sluice.mq.binary.encoding}). canal writes the bytes
 * as an ISO-8859-1 string (each byte one char, so JSON escapes control bytes as a six-character escape); Flink's
 * {@code canal-json} decodes BINARY/VARBINARY/BYTES fields as Base64 and fails on, or garbles, canal's text.
 */
public enum BinaryEncoding {
    ISO_8859_1, BASE64;

    static BinaryEncoding parse(String key, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "iso-8859-1", "canal" -> ISO_8859_1;
            case "base64" -> BASE64;
            default -> throw new MqSettingsException(key, value, "must be iso-8859-1 or base64");
        };
    }

    /** Re-encodes canal's ISO-8859-1 text of a binary value; null stays null. */
    String encode(String canalText) {
        if (canalText == null || this == ISO_8859_1) {
            return canalText;
        }
        return Base64.getEncoder().encodeToString(canalText.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** java.sql.Types codes canal gives columns whose value is bytes: BINARY, VARBINARY, LONGVARBINARY, BLOB. */
    static boolean isBinary(int sqlType) {
        return sqlType == -2 || sqlType == -3 || sqlType == -4 || sqlType == 2004;
    }
}
