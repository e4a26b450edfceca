package io.sluice.server.parser.schema;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.server.files.OwnerOnly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One JSON file per destination, {@code <dir>/<destination>.schema-history.json}, replaced atomically: written to
 * a temporary file in the same directory, forced to disk, then renamed over the old one, so a crash leaves
 * either the old or the new history and never a torn one.
 */
public final class FileSchemaHistoryStore implements SchemaHistoryStore {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path file;

    public FileSchemaHistoryStore(Path directory, String destination) {
        if (destination == null || destination.isBlank() || destination.contains("/") || destination.contains("..")) {
            throw new IllegalArgumentException("invalid destination name for a schema history file: " + destination);
        }
        this.file = directory.resolve(destination + ".schema-history.json");
    }

    public Path file() {
        return file;
    }

    @Override
    public SchemaHistoryState load() {
        if (!Files.exists(file)) {
            return SchemaHistoryState.EMPTY;
        }
        try {
            return JSON.readValue(file.toFile(), SchemaHistoryState.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema history " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void save(SchemaHistoryState state) {
        try {
            OwnerOnly.createDirectories(file.getParent()); // table layouts are the owner's alone (docs/security.md)
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state);
            try (FileChannel channel = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING), OwnerOnly.fileAttributes(tmp))) {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write schema history " + file + ": " + e.getMessage(), e);
        }
    }
}
