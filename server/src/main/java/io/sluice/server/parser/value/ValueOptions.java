package io.sluice.server.parser.value;

import java.nio.charset.Charset;
import java.time.ZoneId;
import java.util.Objects;

/**
 * How column values are rendered.
 *
 * @param canalCompatible {@code sluice.values.canal-compatible}: ENUM as index, SET as bitmask, DECIMAL with
 *                        canal's fraction quirk, BINARY(n) without its trailing 0x00 padding
 * @param timeZone        zone TIMESTAMP values are printed in (canal: the JVM's default zone)
 * @param defaultCharset  charset of text columns whose charset no schema or metadata names
 *                        ({@code canal.instance.connectionCharset})
 */
public record ValueOptions(boolean canalCompatible, ZoneId timeZone, Charset defaultCharset) {

    public ValueOptions {
        Objects.requireNonNull(timeZone, "timeZone");
        Objects.requireNonNull(defaultCharset, "defaultCharset");
    }

    public static ValueOptions defaults() {
        return new ValueOptions(false, ZoneId.systemDefault(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
