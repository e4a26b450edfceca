package io.sluice.server.instance;

import static io.sluice.protocol.entry.CanalEntry.EventType.INSERT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.ConfigNotices;
import io.sluice.server.config.InstanceConfig;
import io.sluice.server.config.ServerConfig;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.entry.TestEntries;
import io.sluice.server.meta.ClientCursor;
import io.sluice.server.meta.ClientIdentity;
import io.sluice.server.meta.FileMetaStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Merge n:1 through a destination: order, per-source cursors, per-source restart. */
class MergedDestinationTest {

    private static final ClientIdentity C = new ClientIdentity("orders", (short) 1001);

    @TempDir
    Path conf;

    private final ScriptedSource.Binlog shard1 = new ScriptedSource.Binlog();
    private final ScriptedSource.Binlog shard2 = new ScriptedSource.Binlog();
    private final TestEntries t1 = new TestEntries("s1-bin.000001", 11);
    private final TestEntries t2 = new TestEntries("s2-bin.000001", 22);
    private final List<DestinationInstance> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(DestinationInstance::stop);
    }

    private InstanceConfig config() throws Exception {
        Files.writeString(conf.resolve("canal.properties"), "canal.instance.memory.batch.mode=ITEMSIZE\n");
        Files.createDirectories(conf.resolve("orders"));
        Files.writeString(conf.resolve("orders/instance.properties"), String.join("\n",
                "sluice.instance.merge.sources=shard1,shard2",
                "sluice.instance.merge.shard1.address=10.0.0.1:3306",
                "sluice.instance.merge.shard2.address=10.0.0.2:3306",
                "sluice.instance.merge.max.wait.ms=60000") + "\n");
        ConfigLoader loader = new ConfigLoader(new Properties(), Map.of(), new ConfigNotices());
        ServerConfig server = loader.loadServer(conf.resolve("canal.properties"));
        return loader.loadInstance(server, "orders");
    }

    private DestinationInstance start(InstanceConfig config) {
        DestinationInstance i = new DestinationInstance(config, new FileMetaStore("orders", conf.resolve("data"), 60_000),
                (cfg, source, sink, filter) -> new ScriptedSource(source.name().equals("shard1") ? shard1 : shard2,
                        sink, filter));
        started.add(i);
        i.start();
        return i;
    }

    private static void tx(ScriptedSource.Binlog binlog, TestEntries t, long commit, String id) {
        t.at(commit);
        binlog.append(t.transaction(x -> List.of(x.row("shop", "orders", INSERT, "id=" + id))));
    }

    private List<StoredEntry> drain(DestinationInstance i, int n) {
        List<StoredEntry> out = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Batch b = i.getWithoutAck(C, 100, -1, TimeUnit.MILLISECONDS);
            out.addAll(b.entries());
            if (!b.isEmpty()) {
                i.ack(C, b.id());
            }
            return out.size() >= n;
        });
        return out;
    }

    private static String row(StoredEntry e) {
        return e.source() + ":" + TestEntries.rowChange(e).getRowDatas(0).getAfterColumns(0).getValue();
    }

    @Test
    void twoMastersMergeInCommitOrderAndEachResumesFromItsOwnPosition() throws Exception {
        InstanceConfig config = config();
        DestinationInstance i = start(config);
        i.subscribe(C, "");
        tx(shard1, t1, 1000, "a");
        tx(shard2, t2, 2000, "b");
        tx(shard1, t1, 3000, "c");
        shard1.append(List.of(t1.at(9000).heartbeat()));
        shard2.append(List.of(t2.at(9000).heartbeat()));
        List<StoredEntry> got = drain(i, 9);
        assertThat(got.stream().filter(e -> e.kind() == StoredEntry.Kind.ROW_DATA).map(MergedDestinationTest::row))
                .containsExactly("shard1:a", "shard2:b", "shard1:c");
        assertThat(got.subList(0, 3)).extracting(StoredEntry::source).containsOnly("shard1");

        i.stop();
        ClientCursor cursor;
        FileMetaStore meta = new FileMetaStore("orders", conf.resolve("data"), 60_000);
        meta.start();
        cursor = meta.cursor(C).orElseThrow();
        meta.stop();
        assertThat(cursor.resume().get("shard1")).isEqualTo(shard1.entries.get(5).resume());
        assertThat(cursor.resume().get("shard2")).isEqualTo(shard2.entries.get(2).resume());
        assertThat(cursor.ackPoint().sourceHost()).as("canal's cursor names the master of its entry").isEqualTo("10.0.0.1");

        tx(shard2, t2, 10_000, "d");
        DestinationInstance again = start(config);
        // heartbeats are live: a restarted source sends new ones, it does not replay old ones
        shard1.append(List.of(t1.at(20_000).heartbeat()));
        shard2.append(List.of(t2.at(20_000).heartbeat()));
        assertThat(shard1.starts.get(1)).isEqualTo(shard1.entries.get(5).resume());
        assertThat(shard2.starts.get(1)).isEqualTo(shard2.entries.get(2).resume());
        List<StoredEntry> after = drain(again, 3);
        assertThat(after.stream().filter(e -> e.kind() == StoredEntry.Kind.ROW_DATA).map(MergedDestinationTest::row))
                .containsExactly("shard2:d");
        assertThat(again.getWithoutAck(C, 100, 100, TimeUnit.MILLISECONDS)).isEqualTo(Batch.EMPTY);
    }
}
