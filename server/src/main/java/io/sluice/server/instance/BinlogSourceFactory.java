package io.sluice.server.instance;

import io.sluice.server.config.InstanceConfig;
import io.sluice.server.config.NetworkSettings;
import io.sluice.server.config.SourceConfig;
import io.sluice.server.config.StartPosition;
import io.sluice.server.parser.BinlogParser;
import io.sluice.server.parser.ChangeSource;
import io.sluice.server.parser.ParserSettings;
import io.sluice.server.parser.ParserStatus;
import io.sluice.server.parser.schema.SchemaHistory;
import io.sluice.server.parser.schema.SchemaHistoryState;
import io.sluice.server.parser.schema.SchemaHistoryStore;
import io.sluice.server.sink.EntrySink;
import io.sluice.server.sink.TableFilter;
import io.sluice.server.snapshot.SnapshotMode;
import io.sluice.server.snapshot.SnapshotSettings;
import io.sluice.server.snapshot.SnapshotSource;
import io.sluice.server.tls.MasterTls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Builds a destination's binlog parser from its configuration: canal's instance keys mapped to
 * {@link ParserSettings}, with the schema history store {@link DestinationWiring} chose for the destination. Keeps
 * the latest parser of each destination and source for status and metrics.
 */
final class BinlogSourceFactory implements ChangeSourceFactory {

    /** (destination, parser name) → where its schema history is kept. */
    private final BiFunction<InstanceConfig, String, SchemaHistoryStore> historyStores;
    /** destination → source name → its latest parser. */
    private final Map<String, Map<String, BinlogParser>> live = new ConcurrentHashMap<>();
    /** destination → source name → its latest snapshot source. */
    private final Map<String, Map<String, SnapshotSource>> sources = new ConcurrentHashMap<>();
    /** destination → source name → its schema history store. */
    private final Map<String, Map<String, SchemaHistoryStore>> histories = new ConcurrentHashMap<>();

    BinlogSourceFactory(BiFunction<InstanceConfig, String, SchemaHistoryStore> historyStores) {
        this.historyStores = historyStores;
    }

    /**
     * The parser wrapped in its snapshot source, which runs the initial snapshot (sluice.snapshot.mode) before
     * the parser starts and incremental snapshots while it streams.
     */
    @Override
    public ChangeSource create(InstanceConfig instance, SourceConfig source, EntrySink sink, TableFilter filter) {
        ParserSettings settings = settingsFor(instance, source);
        SchemaHistoryStore history = historyStores.apply(instance, settings.destination());
        histories.computeIfAbsent(instance.destination(), d -> new ConcurrentHashMap<>()).put(source.name(), history);
        SnapshotSource snapshots = SnapshotSource.create(instance, settings, new SchemaHistory(history), filter, sink);
        live.computeIfAbsent(instance.destination(), d -> new ConcurrentHashMap<>()).put(source.name(), snapshots.parser());
        sources.computeIfAbsent(instance.destination(), d -> new ConcurrentHashMap<>()).put(source.name(), snapshots);
        return snapshots;
    }

    /** The table versions (with the DDL that made each) of a destination's schema histories, for the console. */
    List<SchemaHistoryState.TableVersion> schemaHistory(String destination) {
        Map<String, SchemaHistoryStore> h = histories.get(destination);
        if (h == null) {
            return List.of();
        }
        List<SchemaHistoryState.TableVersion> out = new ArrayList<>();
        for (SchemaHistoryStore store : h.values()) {
            try {
                out.addAll(store.load().tables());
            } catch (RuntimeException e) {
                // unreadable right now (ZooKeeper away): the console shows what it can
            }
        }
        return out;
    }

    /** The snapshot sources of a destination (one, or one per merged source), for operator requests. */
    List<SnapshotSource> snapshotSources(String destination) {
        Map<String, SnapshotSource> s = sources.get(destination);
        return s == null ? List.of() : List.copyOf(s.values());
    }

    /** canal's instance keys as parser settings; a merged destination's sources are named {@code <dest>-<source>}. */
    static ParserSettings settingsFor(InstanceConfig instance, SourceConfig source) {
        String name = source.name().isEmpty() ? instance.destination() : instance.destination() + "-" + source.name();
        StartPosition start = source.start();
        ParserSettings.Builder b = ParserSettings.builder(name, source.host(), source.port(), source.username(),
                        source.password())
                .defaultDatabase(instance.defaultDatabaseName())
                .binlogImages(instance.binlogImages())
                .socketBuffers(socketBuffer(instance.network().receiveBufferSize()),
                        socketBuffer(instance.network().sendBufferSize()))
                // sluice.snapshot.mode = when_needed answers a purged position without losing rows: it wins
                .autoResetToLatest(instance.autoResetLatestPosMode()
                        && SnapshotSettings.from(instance).mode() != SnapshotMode.WHEN_NEEDED)
                .slaveId(source.slaveId())
                .gtidMode(instance.gtidOn())
                .connectionCharset(instance.connectionCharset())
                .timeZone(instance.timeZone())
                .canalCompatibleValues(instance.canalCompatibleValues())
                .transactionSize(instance.transactionSize())
                .transport(MasterTls.of(instance.ssl(), source.host(), source.port()));
        if (!start.journalName().isEmpty()) {
            b.journal(start.journalName(), start.position() == null ? -1 : start.position());
        }
        if (start.timestamp() != null) {
            b.journalTimestamp(start.timestamp());
        }
        if (!start.gtid().isEmpty()) {
            b.journalGtid(start.gtid());
        }
        int soTimeoutSeconds = instance.network().soTimeoutSeconds();
        if (soTimeoutSeconds > 0) {
            // canal's soTimeout bounds a silent connection; heartbeats come at a third of it so a live master
            // never looks dead
            Duration read = Duration.ofSeconds(soTimeoutSeconds);
            b.readTimeout(read).heartbeatPeriod(read.dividedBy(3));
        }
        return b.build();
    }

    /**
     * canal's shipped 16384 is taken as "not tuned": a fixed 16 KiB socket buffer turns off the operating
     * system's automatic sizing and caps the replication stream at 16 KiB per round trip, so only a value
     * someone chose is set on the socket.
     */
    static int socketBuffer(int configured) {
        return configured == NetworkSettings.CANAL_DEFAULT_BUFFER ? 0 : configured;
    }

    /** Status of every parser of a destination (one, or one per merged source). */
    List<ParserStatus> status(String destination) {
        Map<String, BinlogParser> parsers = live.get(destination);
        return parsers == null ? List.of() : parsers.values().stream().map(BinlogParser::status).toList();
    }
}
