package io.sluice.server.parser.schema;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A destination's schema history in ZooKeeper, so that whichever server of an HA group runs the destination
 * decodes with the structures the previous active recorded: {@code /otter/canal/destinations/<dest>/sluice-schema/
 * <source>}. The state is gzipped JSON cut into chunks below ZooKeeper's 1 MB node limit, written as children of a
 * new generation; the node's own data names the generation in force and is switched in one conditional write, so
 * a reader sees either the old or the new history, never a torn one. Old generations are deleted afterwards.
 *
 * <p>The switch is conditional on the node's version as this store last saw it and, under HA, on the
 * destination's epoch node (canal's layout, {@code ha/ZkPaths}) as it was when this store loaded (which is after its server
 * became active): a server that lost the destination cannot overwrite the history of the new active.
 */
public final class ZooKeeperSchemaHistoryStore implements SchemaHistoryStore {

    private static final Logger log = LoggerFactory.getLogger(ZooKeeperSchemaHistoryStore.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /** Below ZooKeeper's default jute.maxbuffer (1 MB) with room for the request around it. */
    static final int CHUNK_BYTES = 512 * 1024;

    private final CuratorFramework zk;
    private final String path;
    private final String epochPath;
    private final int chunkBytes;
    private int version = -1;
    /** Version of the epoch node when this store loaded; -1 when there is none (no HA). */
    private int epochVersion = -1;

    /**
     * What the node's data says: the generation in force (the name prefix of its chunks, unique to the writer so
     * that a fenced writer's chunks never replace the active's) and how many chunks it has.
     */
    record Header(String generation, int chunks, long bytes) {
    }

    /**
     * @param path      the history's node, {@code /otter/canal/destinations/<dest>/sluice-schema/<source>}
     * @param epochPath the destination's epoch node, which HA bumps at every new active server
     */
    public ZooKeeperSchemaHistoryStore(CuratorFramework zk, String path, String epochPath) {
        this(zk, path, epochPath, CHUNK_BYTES);
    }

    ZooKeeperSchemaHistoryStore(CuratorFramework zk, String path, String epochPath, int chunkBytes) {
        this.zk = zk;
        this.path = path;
        this.epochPath = epochPath;
        this.chunkBytes = chunkBytes;
    }

    public String path() {
        return path;
    }

    @Override
    public synchronized SchemaHistoryState load() {
        try {
            Stat epoch = zk.checkExists().forPath(epochPath);
            epochVersion = epoch == null ? -1 : epoch.getVersion();
            Stat stat = new Stat();
            byte[] data;
            try {
                data = zk.getData().storingStatIn(stat).forPath(path);
            } catch (KeeperException.NoNodeException e) {
                try {
                    zk.create().creatingParentContainersIfNeeded().forPath(path, new byte[0]);
                } catch (KeeperException.NodeExistsException raced) {
                    // another server created it first: read what it holds
                }
                data = zk.getData().storingStatIn(stat).forPath(path);
            }
            version = stat.getVersion();
            if (data == null || data.length == 0) {
                return SchemaHistoryState.EMPTY;
            }
            Header header = JSON.readValue(data, Header.class);
            ByteArrayOutputStream gz = new ByteArrayOutputStream((int) Math.min(header.bytes(), Integer.MAX_VALUE));
            for (int i = 0; i < header.chunks(); i++) {
                gz.write(zk.getData().forPath(chunk(header.generation(), i)));
            }
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.toByteArray()))) {
                SchemaHistoryState state = JSON.readValue(in, SchemaHistoryState.class);
                log.info("schema history {} loaded from ZooKeeper: {} table versions, {} bytes", path,
                        state.tables().size(), header.bytes());
                return state;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema history " + path + " from ZooKeeper: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read schema history " + path + " from ZooKeeper: " + e, e);
        }
    }

    @Override
    public synchronized void save(SchemaHistoryState state) {
        if (version < 0) {
            load(); // learn the node's version (and create it) before the first conditional write
        }
        String next = "g" + (version + 1) + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        try {
            byte[] bytes = gzip(JSON.writeValueAsBytes(state));
            int chunks = Math.max(1, (bytes.length + chunkBytes - 1) / chunkBytes);
            for (int i = 0; i < chunks; i++) {
                byte[] piece = Arrays.copyOfRange(bytes, i * chunkBytes, Math.min(bytes.length, (i + 1) * chunkBytes));
                zk.create().forPath(chunk(next, i), piece);
            }
            byte[] header = JSON.writeValueAsBytes(new Header(next, chunks, bytes.length));
            List<CuratorOp> ops = new ArrayList<>();
            if (epochVersion >= 0) {
                ops.add(zk.transactionOp().check().withVersion(epochVersion).forPath(epochPath));
            }
            ops.add(zk.transactionOp().setData().withVersion(version).forPath(path, header));
            try {
                var results = zk.transaction().forOperations(ops);
                version = results.get(results.size() - 1).getResultStat().getVersion();
            } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
                throw new SchemaHistoryFencedException("schema history " + path + " was written by another server "
                        + "since this one loaded it (or the destination moved to another server): not overwritten");
            }
            deleteOtherGenerations(next);
        } catch (SchemaHistoryFencedException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write schema history " + path + " to ZooKeeper: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write schema history " + path + " to ZooKeeper: " + e, e);
        }
    }

    /** Best effort: a chunk left behind is removed by the next save. */
    private void deleteOtherGenerations(String keep) {
        try {
            String prefix = "g" + keep + "-";
            for (String child : zk.getChildren().forPath(path)) {
                if (!child.startsWith(prefix)) {
                    zk.delete().quietly().forPath(path + "/" + child);
                }
            }
        } catch (Exception e) {
            log.info("old chunks of schema history {} not deleted yet: {}", path, e.getMessage());
        }
    }

    private String chunk(String gen, int index) {
        return path + "/g" + gen + "-" + index;
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    /** The history was written by another server since this one loaded it: this one is no longer the active one. */
    public static final class SchemaHistoryFencedException extends IllegalStateException {
        public SchemaHistoryFencedException(String message) {
            super(message);
        }
    }
}
