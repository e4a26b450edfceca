package io.sluice.server.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.server.config.ConfigException;
import io.sluice.testkit.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sluice.snapshot.* keys as an operator writes them, and the errors that name what to fix. */
class SnapshotSettingsTest {

    @TempDir
    Path conf;

    private static final TestDatabase NO_DB = new TestDatabase() {
        public String host() { return "db.example"; }
        public int port() { return 3306; }
        public String flavor() { return "MariaDB"; }
        public void stop() { }
        public void kill() { }
        public void start() { }
        public void close() { }
    };

    private SnapshotSettings settings(String... lines) throws Exception {
        return SnapshotSettings.from(TestInstances.config(conf, NO_DB, "example", lines));
    }

    @Test
    void defaultsAreCanalsBehaviour() throws Exception {
        SnapshotSettings s = settings();
        assertThat(s.mode()).isEqualTo(SnapshotMode.NEVER);
        assertThat(s.chunkSize()).isEqualTo(1024);
        assertThat(s.tables().accepts("any", "table")).isTrue();
    }

    @Test
    void modesChunkSizeAndTablesAreRead() throws Exception {
        SnapshotSettings s = settings("sluice.snapshot.mode = WHEN_NEEDED", "sluice.snapshot.chunk.size = 50",
                "sluice.snapshot.tables = shop\\\\.orders,shop\\\\.cust.*");
        assertThat(s.mode()).isEqualTo(SnapshotMode.WHEN_NEEDED);
        assertThat(s.chunkSize()).isEqualTo(50);
        assertThat(s.tables().accepts("shop", "orders")).isTrue();
        assertThat(s.tables().accepts("shop", "customers")).isTrue();
        assertThat(s.tables().accepts("shop", "items")).isFalse();
        assertThat(settings("sluice.snapshot.mode = initial").mode()).isEqualTo(SnapshotMode.INITIAL);
    }

    @Test
    void badValuesNameTheFileAndKey() {
        assertThatThrownBy(() -> settings("sluice.snapshot.mode = always"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("instance.properties").hasMessageContaining("sluice.snapshot.mode=always")
                .hasMessageContaining("never, initial, when_needed");
        assertThatThrownBy(() -> settings("sluice.snapshot.chunk.size = 0"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sluice.snapshot.chunk.size=0");
        assertThatThrownBy(() -> settings("sluice.snapshot.chunk.size = lots"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("from 1 to 1000000");
        assertThatThrownBy(() -> settings("sluice.snapshot.tables = shop\\\\.(orders"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sluice.snapshot.tables");
        assertThatThrownBy(() -> settings("sluice.snapshot.chunksize = 10"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is not a snapshot key");
        assertThatThrownBy(() -> settings("sluice.snapshot.signal.table = ops.signals"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("needs no signalling table");
    }
}
