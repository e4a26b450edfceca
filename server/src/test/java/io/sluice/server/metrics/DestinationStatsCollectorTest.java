package io.sluice.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.ConfigNotices;
import io.sluice.server.config.InstanceConfig;
import io.sluice.server.config.ServerConfig;
import io.sluice.server.instance.DestinationInstance;
import io.sluice.server.meta.MemoryMetaStore;
import io.sluice.server.parser.ChangeSource;
import io.sluice.server.parser.ParserStatus;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each destination is asked for its state, store and clients, and its parsers for their progress, at every call. */
@Timeout(30)
class DestinationStatsCollectorTest {

    @TempDir
    Path conf;

    /** A source that does nothing but say whether it runs. */
    private static final class IdleSource implements ChangeSource {
        private volatile boolean running;

        @Override
        public void start(ResumePoint resume) {
            running = true;
        }

        @Override
        public void stop() {
            running = false;
        }

        @Override
        public boolean isRunning() {
            return running;
        }
    }

    private DestinationInstance instance(String name) throws Exception {
        Files.writeString(conf.resolve("canal.properties"), "canal.destinations = " + name + "\n");
        Files.createDirectories(conf.resolve(name));
        Files.writeString(conf.resolve(name + "/instance.properties"), "canal.instance.master.address = 127.0.0.1:3306\n");
        ConfigLoader loader = new ConfigLoader(new Properties(), Map.of(), new ConfigNotices());
        ServerConfig server = loader.loadServer(conf.resolve("canal.properties"));
        InstanceConfig config = loader.loadInstance(server, name);
        return new DestinationInstance(config, new MemoryMetaStore(name), (c, s, sink, filter) -> new IdleSource());
    }

    @Test
    void aRunningDestinationReportsItsParsersAndStoreAndAStoppedOneOnlyItsName() throws Exception {
        DestinationInstance d = instance("orders");
        List<String> asked = new ArrayList<>();
        ParserStatus parser = new ParserStatus(ParserStatus.State.STREAMING, BinlogPosition.of("mysql-bin.000003", 4711),
                null, 0, 12, 3, 15, 1, "");
        DestinationStatsCollector collector = new DestinationStatsCollector(() -> List.of(d), name -> {
            asked.add(name);
            return List.of(parser);
        }, null);

        DestinationStats stopped = collector.get().get(0);
        assertThat(stopped.destination()).isEqualTo("orders");
        assertThat(stopped.state()).isEqualTo("STOPPED");
        assertThat(stopped.activeServer()).isEmpty();
        assertThat(asked).isEmpty();

        d.start();
        try {
            DestinationStats running = collector.get().get(0);
            assertThat(running.state()).isEqualTo("RUNNING");
            assertThat(running.activeServer()).isEqualTo("local");
            assertThat(running.rowsParsed()).isEqualTo(12);
            assertThat(running.entriesParsed()).isEqualTo(15);
            assertThat(running.position()).contains("mysql-bin.000003");
            assertThat(running.storeCapacityEntries()).isPositive();
            assertThat(asked).containsExactly("orders");
        } finally {
            d.stop();
        }
    }
}
