package io.sluice.server.snapshot;

import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.ConfigNotices;
import io.sluice.server.config.InstanceConfig;
import io.sluice.server.config.ServerConfig;
import io.sluice.server.instance.ChangeSourceFactory;
import io.sluice.server.parser.ParserSettings;
import io.sluice.server.parser.schema.MemorySchemaHistoryStore;
import io.sluice.server.parser.schema.SchemaHistory;
import io.sluice.server.tls.MasterTls;
import io.sluice.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Properties;

/** A destination's configuration in a temp conf dir, and snapshot sources on a test database. */
final class TestInstances {

    private TestInstances() {
    }

    static InstanceConfig config(Path conf, TestDatabase db, String destination, String... lines) throws IOException {
        Files.writeString(conf.resolve("canal.properties"), "canal.destinations = " + destination + "\n"
                + "canal.instance.memory.batch.mode = ITEMSIZE\ncanal.instance.memory.buffer.size = 256\n");
        Files.createDirectories(conf.resolve(destination));
        Files.writeString(conf.resolve(destination + "/instance.properties"), "canal.instance.master.address = "
                + db.address() + "\ncanal.instance.dbUsername = " + TestDatabase.REPLICATION_USER
                + "\ncanal.instance.dbPassword = " + TestDatabase.REPLICATION_PASSWORD + "\n" + String.join("\n", lines)
                + "\n");
        ConfigLoader loader = new ConfigLoader(new Properties(), Map.of(), new ConfigNotices());
        ServerConfig server = loader.loadServer(conf.resolve("canal.properties"));
        return loader.loadInstance(server, destination);
    }

    /** Snapshot sources as the server builds them, with a schema history in memory and UTC timestamps. */
    static ChangeSourceFactory snapshotSources(TestDatabase db) {
        return (cfg, source, sink, filter) -> SnapshotSource.create(cfg,
                ParserSettings.builder(cfg.destination(), db.host(), db.port(), TestDatabase.REPLICATION_USER,
                                TestDatabase.REPLICATION_PASSWORD)
                        .timeZone(ZoneOffset.UTC).heartbeatPeriod(Duration.ofSeconds(1))
                        .reconnect(Duration.ofMillis(200), Duration.ofSeconds(2))
                        .transport(MasterTls.disabled(db.host(), db.port())).build(),
                new SchemaHistory(new MemorySchemaHistoryStore()), filter, sink);
    }
}
