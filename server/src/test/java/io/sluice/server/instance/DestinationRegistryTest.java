package io.sluice.server.instance;

import static io.sluice.protocol.entry.CanalEntry.EventType.INSERT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.server.config.ConfigException;
import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.ConfigNotices;
import io.sluice.server.config.ServerConfig;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.entry.TestEntries;
import io.sluice.server.meta.ClientIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DestinationRegistryTest {

    @TempDir
    Path conf;

    /** One scripted binlog per master address. */
    private final Map<String, ScriptedSource.Binlog> masters = new ConcurrentHashMap<>();
    private DestinationRegistry registry;

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    private ScriptedSource.Binlog master(String address) {
        return masters.computeIfAbsent(address, a -> new ScriptedSource.Binlog());
    }

    private void instance(String dest, String... lines) throws IOException {
        Files.createDirectories(conf.resolve(dest));
        Files.writeString(conf.resolve(dest).resolve("instance.properties"), String.join("\n", lines) + "\n");
    }

    private DestinationRegistry registry(String... canalLines) throws IOException {
        List<String> lines = new ArrayList<>(List.of(canalLines));
        lines.add("canal.instance.global.spring.xml=classpath:spring/file-instance.xml");
        lines.add("canal.instance.memory.batch.mode=ITEMSIZE");
        lines.add("canal.auto.scan.interval=3600"); // the test drives scan() itself
        Files.writeString(conf.resolve("canal.properties"), String.join("\n", lines) + "\n");
        ConfigLoader loader = new ConfigLoader(new Properties(), Map.of(), new ConfigNotices());
        ServerConfig server = loader.loadServer(conf.resolve("canal.properties"));
        registry = new DestinationRegistry(server, loader,
                (cfg, source, sink, filter) -> new ScriptedSource(master(source.address()), sink, filter));
        return registry;
    }

    private static List<String> rows(Destination d, ClientIdentity c, int n) {
        List<String> out = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Batch b = d.getWithoutAck(c, 100, -1, TimeUnit.MILLISECONDS);
            for (StoredEntry e : b.entries()) {
                if (e.kind() == StoredEntry.Kind.ROW_DATA) {
                    out.add(e.table());
                }
            }
            if (!b.isEmpty()) {
                d.ack(c, b.id());
            }
            return out.size() >= n;
        });
        return out;
    }

    @Test
    void autoScanStartsAddedRestartsChangedAndStopsRemovedDestinations() throws IOException {
        instance("a", "canal.instance.master.address=db1:3306");
        instance("b", "canal.instance.master.address=db2:3306");
        DestinationRegistry r = registry();
        r.start();
        assertThat(r.find("a")).isPresent();
        assertThat(r.find("b")).isPresent();
        assertThat(r.find("c")).isEmpty();

        instance("c", "canal.instance.master.address=db3:3306");
        r.scan();
        assertThat(r.find("c")).isPresent();

        DestinationInstance oldB = r.instance("b").orElseThrow();
        instance("b", "canal.instance.master.address=db2:3306", "canal.instance.filter.regex=shop\\\\.orders");
        r.scan();
        DestinationInstance newB = r.instance("b").orElseThrow();
        assertThat(newB).isNotSameAs(oldB);
        assertThat(oldB.isRunning()).isFalse();
        assertThat(newB.config().filters().include()).isEqualTo("shop\\.orders");

        instance("b", "canal.instance.memory.buffer.size=1000");
        r.scan();
        assertThat(r.instance("b").orElseThrow()).as("an invalid change keeps the running instance").isSameAs(newB);
        assertThat(newB.isRunning()).isTrue();

        Files.delete(conf.resolve("a").resolve("instance.properties"));
        Files.delete(conf.resolve("a"));
        r.scan();
        assertThat(r.find("a")).isEmpty();
    }

    @Test
    void aChangedDestinationRestartsFromItsLastAck() throws IOException {
        instance("a", "canal.instance.master.address=db1:3306");
        DestinationRegistry r = registry();
        r.start();
        ClientIdentity c = new ClientIdentity("a", (short) 1001);
        Destination a = r.find("a").orElseThrow();
        a.subscribe(c, "");
        TestEntries t = new TestEntries();
        master("db1:3306").append(t.transaction(x -> List.of(x.row("shop", "orders", INSERT, "id=1"))));
        assertThat(rows(a, c, 1)).containsExactly("orders");

        instance("a", "canal.instance.master.address=db1:3306", "canal.instance.filter.black.regex=shop\\\\.tmp");
        r.scan();
        master("db1:3306").append(t.transaction(x -> List.of(x.row("shop", "tmp", INSERT, "id=2"))));
        master("db1:3306").append(t.transaction(x -> List.of(x.row("shop", "users", INSERT, "id=3"))));
        Destination restarted = r.find("a").orElseThrow();
        assertThat(rows(restarted, c, 1)).containsExactly("users");
        assertThat(Files.readString(conf.resolve("a").resolve("meta.dat"))).contains("\"clientId\":1001");
    }

    @Test
    void destinationsRoutedFromOneLeaderShareItsConnection() throws IOException {
        instance("a", "canal.instance.master.address=db1:3306", "canal.instance.filter.regex=shop\\\\.orders");
        instance("b", "canal.instance.master.address=ignored:1", "sluice.instance.route.from=a",
                "canal.instance.filter.regex=shop\\\\.users");
        DestinationRegistry r = registry();
        r.start();
        ClientIdentity ca = new ClientIdentity("a", (short) 1001);
        ClientIdentity cb = new ClientIdentity("b", (short) 1001);
        r.find("a").orElseThrow().subscribe(ca, "");
        r.find("b").orElseThrow().subscribe(cb, "");
        assertThat(masters).containsOnlyKeys("db1:3306");
        assertThat(master("db1:3306").created).hasSize(1);
        TestEntries t = new TestEntries();
        master("db1:3306").append(t.transaction(x -> List.of(x.row("shop", "orders", INSERT, "id=1"),
                x.row("shop", "users", INSERT, "id=2"))));
        assertThat(rows(r.find("a").orElseThrow(), ca, 1)).containsExactly("orders");
        assertThat(rows(r.find("b").orElseThrow(), cb, 1)).containsExactly("users");
        assertThat(r.instance("b").orElseThrow().config().master().address()).isEqualTo("db1:3306");
    }

    @Test
    void aBadDestinationIsLeftStoppedWhileTheOthersStartAndStartsOnceItsFileIsFixed() throws IOException {
        instance("a", "canal.instance.memory.buffer.size=3");
        instance("b", "canal.instance.master.address=db2:3306");
        DestinationRegistry r = registry();
        r.start();
        assertThat(r.find("a")).isEmpty();
        assertThat(r.find("b")).isPresent();

        r.scan();
        assertThat(r.find("a")).as("unchanged, still bad").isEmpty();

        instance("a", "canal.instance.master.address=db1:3306", "canal.instance.memory.buffer.size=1024");
        r.scan();
        assertThat(r.find("a")).isPresent();
        assertThat(r.find("b")).isPresent();
    }

    @Test
    void lazyDestinationsAreFoundBeforeTheyRun() throws IOException {
        instance("a", "canal.instance.master.address=db1:3306");
        DestinationRegistry r = registry("canal.instance.global.lazy=true");
        r.start();
        assertThat(r.instance("a").orElseThrow().isRunning()).isFalse();
        r.find("a").orElseThrow().subscribe(new ClientIdentity("a", (short) 1001), "");
        assertThat(r.instance("a").orElseThrow().isRunning()).isTrue();
    }

    @Test
    void listedDestinationsRunWithoutAutoScan() throws IOException {
        instance("a", "canal.instance.master.address=db1:3306");
        instance("b", "canal.instance.master.address=db2:3306");
        DestinationRegistry r = registry("canal.destinations=a", "canal.auto.scan=false");
        r.start();
        assertThat(r.find("a")).isPresent();
        assertThat(r.find("b")).isEmpty();
        instance("c");
        r.scan();
        assertThat(r.find("c")).isEmpty();
    }
}
