package io.sluice.server.instance;

import static io.sluice.protocol.entry.CanalEntry.EventType.INSERT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.ConfigNotices;
import io.sluice.server.config.InstanceConfig;
import io.sluice.server.config.ServerConfig;
import io.sluice.server.entry.TestEntries;
import io.sluice.server.meta.ClientIdentity;
import io.sluice.server.meta.MemoryMetaStore;
import io.sluice.server.meta.Subscription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Client ids of one destination: peeks, the per-id status operators see, and dropping an id. */
@Timeout(30)
class ClientLifecycleTest {

    private static final ClientIdentity APP = new ClientIdentity("example", (short) 1001);
    private static final ClientIdentity PEEK = new ClientIdentity("example", (short) -5);

    @TempDir
    Path conf;

    private final ScriptedSource.Binlog binlog = new ScriptedSource.Binlog();
    private final TestEntries t = new TestEntries();
    private final MemoryMetaStore meta = new MemoryMetaStore("example");
    private DestinationInstance instance;

    @AfterEach
    void stop() {
        if (instance != null) {
            instance.stop();
        }
    }

    private DestinationInstance start() throws Exception {
        Files.writeString(conf.resolve("canal.properties"), "canal.instance.memory.batch.mode=ITEMSIZE\n");
        Files.createDirectories(conf.resolve("example"));
        Files.writeString(conf.resolve("example/instance.properties"), "\n");
        ConfigLoader loader = new ConfigLoader(new Properties(), Map.of(), new ConfigNotices());
        ServerConfig server = loader.loadServer(conf.resolve("canal.properties"));
        InstanceConfig config = loader.loadInstance(server, "example");
        instance = new DestinationInstance(config, meta, (cfg, source, sink, filter) -> new ScriptedSource(binlog, sink,
                filter));
        instance.start();
        return instance;
    }

    private void writeTransactions(int n) {
        for (int k = 0; k < n; k++) {
            binlog.append(t.transaction(x -> List.of(x.row("shop", "orders", INSERT, "id=" + x.hashCode()))));
        }
    }

    private static ClientStatus status(DestinationInstance i, ClientIdentity c) {
        return i.clients().stream().filter(s -> s.clientId() == c.clientId()).findFirst().orElse(null);
    }

    @Test
    void aPeekIsNotPersistedAndTheStoreWaitsOnlyForTheApplication() throws Exception {
        DestinationInstance i = start();
        i.subscribe(APP, "");
        i.subscribe(PEEK, "");
        writeTransactions(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> i.store().orElseThrow().putSequence() == 9);

        Batch peeked = i.getWithoutAck(PEEK, 100, -1, TimeUnit.MILLISECONDS);
        assertThat(peeked.entries()).hasSize(9);
        i.ack(PEEK, peeked.id());
        assertThat(meta.subscriptions()).extracting(Subscription::client).containsExactly(APP);
        assertThat(meta.cursor(PEEK)).isEmpty();

        ClientStatus app = status(i, APP);
        assertThat(app.kind()).isEqualTo("client");
        assertThat(app.lagEntries()).isEqualTo(9);
        assertThat(app.holdsStore()).isTrue();
        ClientStatus peek = status(i, PEEK);
        assertThat(peek.kind()).isEqualTo("peek");
        assertThat(peek.lagEntries()).isZero();
        assertThat(peek.holdsStore()).isFalse();
        assertThat(i.clients()).extracting(ClientStatus::clientId).containsExactly(-5, 1001);

        i.unsubscribe(PEEK);
        assertThat(status(i, PEEK)).isNull();
        assertThat(i.store().orElseThrow().heldEntries()).as("still held for the application").isEqualTo(9);
    }

    @Test
    void droppingAnIdFreesWhatItHeldAndForgetsItsPosition() throws Exception {
        DestinationInstance i = start();
        ClientIdentity gone = new ClientIdentity("example", (short) 1002);
        i.subscribe(APP, "");
        i.subscribe(gone, "");
        writeTransactions(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> i.store().orElseThrow().putSequence() == 6);
        Batch b = i.getWithoutAck(APP, 100, -1, TimeUnit.MILLISECONDS);
        i.ack(APP, b.id());
        Batch partial = i.getWithoutAck(gone, 3, -1, TimeUnit.MILLISECONDS);
        i.ack(gone, partial.id());
        assertThat(meta.cursor(gone)).isPresent();
        assertThat(i.store().orElseThrow().heldEntries()).isEqualTo(3);

        assertThat(i.drop((short) 1002, "test")).isTrue();
        assertThat(i.store().orElseThrow().heldEntries()).isZero();
        assertThat(meta.subscriptions()).extracting(Subscription::client).containsExactly(APP);
        assertThat(meta.cursor(gone)).isEmpty();
        assertThat(i.isSubscribed(gone)).isFalse();
        assertThat(i.drop((short) 1002, "test")).as("not subscribed any more").isFalse();
    }
}
