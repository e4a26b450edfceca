package io.sluice.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.server.meta.ClientIdentity;
import io.sluice.server.meta.FileMetaStore;
import io.sluice.server.parser.schema.FileSchemaHistoryStore;
import io.sluice.server.parser.schema.SchemaHistoryState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a replica of the master holds on disk (positions, filters, table layouts) is its owner's alone. */
@Timeout(30)
class OwnerOnlyTest {

    @TempDir
    Path root;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void metaDatAndItsDirectoryAreOwnerOnlyWhateverTheUmask() throws Exception {
        Path data = root.resolve("data");
        FileMetaStore meta = new FileMetaStore("orders", data, 0);
        meta.subscribe(new ClientIdentity("orders", (short) 1001), "shop\\..*");
        meta.flush();
        assertThat(mode(data)).isEqualTo("rwx------");
        assertThat(mode(data.resolve("orders"))).isEqualTo("rwx------");
        assertThat(mode(data.resolve("orders/meta.dat"))).isEqualTo("rw-------");
    }

    @Test
    void schemaHistoryIsOwnerOnly() throws Exception {
        FileSchemaHistoryStore history = new FileSchemaHistoryStore(root.resolve("history"), "orders");
        history.save(SchemaHistoryState.EMPTY);
        assertThat(mode(root.resolve("history"))).isEqualTo("rwx------");
        assertThat(mode(history.file())).isEqualTo("rw-------");
    }

    @Test
    void writtenFilesReplaceOlderOnesWithTheOwnerOnlyMode() throws Exception {
        Path file = root.resolve("token");
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        OwnerOnly.writeString(file, "new");
        assertThat(Files.readString(file)).isEqualTo("new");
        assertThat(mode(file)).isEqualTo("rw-------");
    }
}
