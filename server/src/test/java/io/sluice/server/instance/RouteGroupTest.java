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
import io.sluice.server.meta.ClientIdentity;
import io.sluice.server.meta.MemoryMetaStore;
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

/** Route 1:n: one source, two destinations with their own filters and cursors. */
class RouteGroupTest {

    @TempDir
    Path conf;

    private final ScriptedSource.Binlog binlog = new ScriptedSource.Binlog();
    private final TestEntries t = new TestEntries();
    private final List<DestinationInstance> instances = new ArrayList<>();

    @AfterEach
    void stop() {
        instances.forEach(DestinationInstance::stop);
    }

    private InstanceConfig config(ConfigLoader loader, ServerConfig server, String name, String... lines) throws Exception {
        Files.createDirectories(conf.resolve(name));
        Files.writeString(conf.resolve(name).resolve("instance.properties"), String.join("\n", lines) + "\n");
        return loader.loadInstance(server, name);
    }

    private List<String> drain(DestinationInstance i, ClientIdentity c, int rows) {
        List<String> out = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Batch b = i.getWithoutAck(c, 100, -1, TimeUnit.MILLISECONDS);
            for (StoredEntry e : b.entries()) {
                if (e.kind() == StoredEntry.Kind.ROW_DATA) {
                    out.add(e.table() + ":" + TestEntries.rowChange(e).getRowDatas(0).getAfterColumns(0).getValue());
                }
            }
            if (!b.isEmpty()) {
                i.ack(c, b.id());
            }
            return out.size() >= rows;
        });
        return out;
    }

    private void write(String table, String id) {
        binlog.append(t.transaction(x -> List.of(x.row("shop", table, INSERT, "id=" + id))));
    }

    @Test
    void oneBinlogReadFeedsTwoDestinationsAndAMemberRejoiningFromBehindCausesNoDuplicates() throws Exception {
        Files.writeString(conf.resolve("canal.properties"), "canal.instance.memory.batch.mode=ITEMSIZE\n");
        ConfigLoader loader = new ConfigLoader(new Properties(), Map.of(), new ConfigNotices());
        ServerConfig server = loader.loadServer(conf.resolve("canal.properties"));
        InstanceConfig a = config(loader, server, "a", "canal.instance.filter.regex=shop\\\\.orders");
        InstanceConfig b = config(loader, server, "b", "canal.instance.filter.regex=shop\\\\.users",
                "sluice.instance.route.from=a").withSources(a.sources());
        RouteGroup group = new RouteGroup("a", a, (cfg, source, sink, filter) -> new ScriptedSource(binlog, sink, filter));
        MemoryMetaStore bMeta = new MemoryMetaStore("b");
        DestinationInstance da = new DestinationInstance(a, new MemoryMetaStore("a"), group.factory());
        DestinationInstance db = new DestinationInstance(b, bMeta, group.factory());
        instances.add(da);
        instances.add(db);
        ClientIdentity ca = new ClientIdentity("a", (short) 1001);
        ClientIdentity cb = new ClientIdentity("b", (short) 1001);
        da.start();
        da.subscribe(ca, "");
        db.start();
        db.subscribe(cb, "");
        assertThat(binlog.created).as("one binlog connection").hasSize(1);
        assertThat(binlog.created.get(0).filter.accepts("shop", "users")).isTrue();
        assertThat(binlog.created.get(0).filter.accepts("shop", "other")).isFalse();

        write("orders", "1");
        write("users", "2");
        assertThat(drain(da, ca, 1)).containsExactly("orders:1");
        assertThat(drain(db, cb, 1)).containsExactly("users:2");

        db.stop(); // b's cursor is at users:2; a keeps reading
        write("orders", "3");
        write("users", "4");
        assertThat(drain(da, ca, 1)).containsExactly("orders:3");

        // b comes back with a cursor behind the shared source: the source restarts at b's position
        db.start();
        assertThat(binlog.created).hasSize(2);
        assertThat(binlog.starts.get(1)).isEqualTo(binlog.entries.get(5).resume());
        write("orders", "5");
        assertThat(drain(db, cb, 1)).containsExactly("users:4");
        assertThat(drain(da, ca, 1)).as("a gets the replayed range only once").containsExactly("orders:5");
        assertThat(da.getWithoutAck(ca, 100, 100, TimeUnit.MILLISECONDS).entries()).isEmpty();
    }
}
