package io.sluice.server.mq;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps the first message of each kind a format test read, in {@code target/format-examples/<name>.txt}: the real
 * output docs/formats.md quotes.
 */
final class FormatExamples {

    private final Map<String, String> firstOfKind = new LinkedHashMap<>();

    void offer(String kind, byte[] key, byte[] value) {
        firstOfKind.putIfAbsent(kind, "key:   " + (key == null ? "null" : new String(key, StandardCharsets.UTF_8))
                + "\nvalue: " + (value == null ? "null (tombstone)" : new String(value, StandardCharsets.UTF_8)));
    }

    void write(String name) {
        StringBuilder text = new StringBuilder();
        firstOfKind.forEach((kind, message) -> text.append("## ").append(kind).append('\n').append(message).append("\n\n"));
        try {
            Path dir = Files.createDirectories(Path.of("target", "format-examples"));
            Files.writeString(dir.resolve(name + ".txt"), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
