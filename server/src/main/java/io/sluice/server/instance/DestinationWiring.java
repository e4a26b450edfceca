package io.sluice.server.instance;

import io.sluice.server.config.ConfigException;
import io.sluice.server.config.InstanceConfig;
import io.sluice.server.config.ServerConfig;
import io.sluice.server.config.SourceConfig;
import io.sluice.server.ha.ZkAccess;
import io.sluice.server.ha.ZkPaths;
import io.sluice.server.meta.FileMetaStore;
import io.sluice.server.meta.MemoryMetaStore;
import io.sluice.server.meta.MetaMode;
import io.sluice.server.meta.MetaStore;
import io.sluice.server.meta.ZooKeeperMetaStore;
import io.sluice.server.parser.ParserStatus;
import io.sluice.server.parser.schema.FileSchemaHistoryStore;
import io.sluice.server.parser.schema.MemorySchemaHistoryStore;
import io.sluice.server.parser.schema.SchemaHistoryStore;
import io.sluice.server.parser.schema.ZooKeeperSchemaHistoryStore;
import io.sluice.server.sink.SinkStages;
import io.sluice.server.sink.StoreSink;
import io.sluice.server.sink.TransformLoader;
import io.sluice.server.sink.lookup.LookupSettings;
import io.sluice.server.sink.lookup.LookupTransform;
import io.sluice.server.sink.lookup.MasterConnector;
import io.sluice.server.snapshot.SnapshotSource;
import io.sluice.server.store.RingBufferStore;
import io.sluice.server.tls.MasterTls;
import io.sluice.server.tls.MasterTlsException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;

/**
 * How a destination is put together, in one place, from its typed configuration: its meta store (memory, file or
 * ZooKeeper), its binlog source(s) with the schema history kept beside that meta, and, at every start, a fresh
 * store, the lookups, the user transforms and the sink that runs them into the store. The server-wide parts (the
 * data dir, the one ZooKeeper client of the server) are handed in; nothing here opens a ZooKeeper connection of its
 * own, so a destination that needs ZooKeeper on a server without {@code canal.zkServers} is refused with the key
 * that asks for it rather than pointed at a ZooKeeper that may not exist.
 */
public final class DestinationWiring {

    private final ServerConfig server;
    /** The server's ZooKeeper client, null without canal.zkServers. Closed by the server, after every user. */
    private final CuratorFramework zk;
    /** The identity and ACLs of the nodes written there (sluice.zookeeper.*). */
    private final ZkAccess access;
    private final BinlogSourceFactory binlog;
    /** What every destination reads its master(s) with: the binlog parser, or a scripted source in tests. */
    private final ChangeSourceFactory sources;

    public DestinationWiring(ServerConfig server, CuratorFramework zk) {
        this(server, zk, null);
    }

    /** Wiring whose destinations read through {@code sources}, when not null, instead of the binlog parser (tests). */
    public DestinationWiring(ServerConfig server, CuratorFramework zk, ChangeSourceFactory sources) {
        this.server = server;
        this.zk = zk;
        this.access = ZkAccess.of(server.security().zkDigest(), server.security().zkSaslPrincipal());
        this.binlog = new BinlogSourceFactory(this::schemaHistory);
        this.sources = sources == null ? binlog : sources;
    }

    /** The source factory of destinations that read their own master(s) (a route group wraps it for its members). */
    ChangeSourceFactory sources() {
        return sources;
    }

    /**
     * The destination's meta store, as its {@code spring.xml} asks.
     *
     * @param onFenced called with the destination's name when another server has taken its ZooKeeper positions
     *                 over (on the meta store's thread: it must not wait for the destination to stop)
     * @throws ConfigException ZooKeeper meta on a server without canal.zkServers
     */
    MetaStore meta(InstanceConfig config, Consumer<String> onFenced) {
        String name = config.destination();
        return switch (config.metaMode()) {
            case MEMORY -> new MemoryMetaStore(name);
            case FILE -> new FileMetaStore(name, server.fileDataDir(), server.fileFlushPeriodMs());
            case ZOOKEEPER -> new ZooKeeperMetaStore(name, zooKeeper(config), server.zkFlushPeriodMs(),
                    stale -> onFenced.accept(name)).withAccess(access);
        };
    }

    /**
     * Where a parser's table structures are kept, beside the destination's meta so that a restart at an old position
     * decodes with the structures of that time: in ZooKeeper with ZooKeeper meta (every server of an HA group reads
     * the one the previous active wrote), else in {@code <canal.file.data.dir>/<destination>/}; in memory when
     * {@code canal.instance.tsdb.enable} is off or the meta is.
     */
    SchemaHistoryStore schemaHistory(InstanceConfig instance, String parserName) {
        if (!instance.tsdbEnable() || instance.metaMode() == MetaMode.MEMORY) {
            return new MemorySchemaHistoryStore();
        }
        if (instance.metaMode() == MetaMode.ZOOKEEPER) {
            if (parserName == null || parserName.isBlank() || parserName.contains("/")) {
                throw new IllegalArgumentException("invalid source name for a schema history node: " + parserName);
            }
            String dest = instance.destination();
            return new ZooKeeperSchemaHistoryStore(zooKeeper(instance),
                    ZkPaths.destination(dest) + "/sluice-schema/" + parserName, ZkPaths.epoch(dest));
        }
        return new FileSchemaHistoryStore(server.fileDataDir().resolve(instance.destination()), parserName);
    }

    /** The server's ZooKeeper client, for the destinations' definitions in ZooKeeper (sluice.config.source). */
    CuratorFramework zooKeeper() {
        if (zk == null) {
            throw new ConfigException(String.valueOf(server.canalProperties()), "canal.zkServers", "",
                    "must be set: the destinations are defined in ZooKeeper (sluice.config.source = zookeeper)");
        }
        return zk;
    }

    /** The server's ZooKeeper client for a destination that keeps its positions there. */
    private CuratorFramework zooKeeper(InstanceConfig config) {
        if (zk == null) {
            throw new ConfigException(String.valueOf(server.canalProperties()), "canal.zkServers", "",
                    "must be set: destination " + config.destination() + " keeps its positions in ZooKeeper"
                            + " (spring/default-instance.xml)");
        }
        return zk;
    }

    /** What a destination runs on while started; built afresh at every start and dropped at its stop. */
    record Pipeline(RingBufferStore store, StoreSink sink, List<LookupTransform> lookups) {
    }

    /**
     * The store, lookups (reading the destination's first master with its TLS settings unless they name their own
     * database), user transforms and the sink that runs them into the store. Lookups already opened are closed when
     * a later part fails.
     */
    static Pipeline pipeline(InstanceConfig config) {
        RingBufferStore store = new RingBufferStore(config.store());
        List<LookupTransform> lookups = new ArrayList<>();
        try {
            for (LookupSettings l : config.lookups()) {
                SourceConfig master = config.sources().get(0);
                lookups.add(new LookupTransform(l, masterConnector(MasterTls.of(config.ssl(), master.host(),
                        master.port()))));
            }
            StoreSink sink = new StoreSink(config.filters(), SinkStages.of(config.filters(), config.rowFilter(),
                    lookups, TransformLoader.load(config.transforms(), config.asProperties(),
                            DestinationWiring.class.getClassLoader())), store);
            return new Pipeline(store, sink, List.copyOf(lookups));
        } catch (RuntimeException e) {
            lookups.forEach(LookupTransform::close);
            store.close();
            throw e;
        }
    }

    private static MasterConnector masterConnector(MasterTls tls) {
        return (url, account) -> {
            try {
                return tls.connect(url, account);
            } catch (MasterTlsException e) {
                throw new SQLException(e.getMessage(), "08000", e);
            }
        };
    }

    /** Status of every binlog parser of a destination (one, or one per merged source). */
    public List<ParserStatus> parserStatus(String destination) {
        return binlog.status(destination);
    }

    /** The snapshot sources of a destination (one, or one per merged source), for operator requests. */
    public List<SnapshotSource> snapshotSources(String destination) {
        return binlog.snapshotSources(destination);
    }

    /** The table versions (with the DDL that made each) of a destination's schema histories, for the console. */
    public List<io.sluice.server.parser.schema.SchemaHistoryState.TableVersion> schemaHistory(String destination) {
        return binlog.schemaHistory(destination);
    }
}
