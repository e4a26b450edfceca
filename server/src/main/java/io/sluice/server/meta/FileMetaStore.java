package io.sluice.server.meta;

import io.sluice.server.instance.ClientIdentity;
import io.sluice.server.OwnerOnly;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Meta in {@code <canal.file.data.dir>/<destination>/meta.dat}, in canal's JSON shape (canal's
 * file-instance.xml, the embedded default). Kept in memory and written every {@code canal.file.flush.period}
 * ms when something changed, at once on subscribe and unsubscribe, and at stop.
 *
 * <p>A flush period of 0 writes at every cursor change instead (every ack): nothing acked comes again
 * even after the process is killed, at the price of one fsync per ack.
 *
 * <p>Unlike canal, which overwrites the file in place, a write never leaves a half-written meta.dat: the
 * JSON goes to {@code meta.dat.tmp}, is fsynced, the current meta.dat becomes {@code meta.dat.bak} (a hard
 * link, so there is no moment without a meta.dat), and the temp file is renamed over meta.dat. A meta.dat
 * that does not parse at start is reported with its path, moved aside, and the {@code .bak} copy is used;
 * if that fails too, start fails — positions are never silently reset.
 */
public final class FileMetaStore implements MetaStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileMetaStore.class);

    private final MemoryMetaStore memory;
    private final Path dir;
    private final Path file;
    private final Path backup;
    private final Path temp;
    private final long flushPeriodMs;
    private final Object writeLock = new Object();
    private PeriodicFlusher flusher;
    private long written = -1;
    private boolean recovered;

    public FileMetaStore(String destination, Path dataDir, long flushPeriodMs) {
        this.memory = new MemoryMetaStore(destination);
        this.dir = dataDir.resolve(destination);
        this.file = dir.resolve("meta.dat");
        this.backup = dir.resolve("meta.dat.bak");
        this.temp = dir.resolve("meta.dat.tmp");
        this.flushPeriodMs = flushPeriodMs;
    }

    public Path file() {
        return file;
    }

    @Override
    public String destination() {
        return memory.destination();
    }

    @Override
    public synchronized void start() {
        recovered = false;
        memory.load(load());
        // after recovering from the backup, write a fresh meta.dat at the first flush
        written = recovered ? -1 : memory.changes();
        if (flushPeriodMs == 0) {
            return;
        }
        flusher = new PeriodicFlusher("meta-flush-" + destination(), flushPeriodMs, this::periodicFlush);
    }

    @Override
    public synchronized void stop() {
        if (flusher != null) {
            flusher.close();
            flusher = null;
        }
        flush();
    }

    @Override
    public List<Subscription> subscriptions() {
        return memory.subscriptions();
    }

    @Override
    public void subscribe(ClientIdentity client, String filter) {
        memory.subscribe(client, filter);
        flush();
    }

    @Override
    public void unsubscribe(ClientIdentity client) {
        memory.unsubscribe(client);
        flush();
    }

    @Override
    public Optional<ClientCursor> cursor(ClientIdentity client) {
        return memory.cursor(client);
    }

    @Override
    public void updateCursor(ClientIdentity client, ClientCursor cursor) {
        memory.updateCursor(client, cursor);
        if (flushPeriodMs == 0) {
            flush();
        }
    }

    private void periodicFlush() {
        try {
            flush();
        } catch (MetaStoreException e) {
            // kept pending: the next period tries again, and stop() reports it to its caller
            LOG.error("meta of {} not written, will retry: {}", destination(), e.getMessage(), e);
        }
    }

    /** Writes meta.dat if anything changed since the last write. */
    public void flush() {
        synchronized (writeLock) {
            MemoryMetaStore.Snapshot snapshot = memory.snapshot();
            if (snapshot.changes() == written) {
                return;
            }
            write(MetaJson.metaDat(destination(), snapshot.clients()));
            written = snapshot.changes();
        }
    }

    private void write(byte[] json) {
        try {
            OwnerOnly.createDirectories(dir); // positions and filters are the owner's alone (docs/security.md)
            try (FileChannel ch = FileChannel.open(temp, java.util.Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING), OwnerOnly.fileAttributes(temp))) {
                ByteBuffer buf = ByteBuffer.wrap(json);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (Files.exists(file)) {
                Files.deleteIfExists(backup);
                try {
                    Files.createLink(backup, file);
                } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
                    Files.copy(file, backup, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory();
        } catch (IOException e) {
            throw new MetaStoreException("cannot write " + file + ": " + e, e);
        }
    }

    private void syncDirectory() {
        // makes the rename durable; some file systems cannot open a directory, and then there is nothing to do
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            LOG.debug("directory {} not fsynced: {}", dir, e.toString());
        }
    }

    private List<MemoryMetaStore.ClientData> load() {
        if (Files.exists(temp)) {
            // a write interrupted before its rename: meta.dat (or its .bak) still holds the last good state
            LOG.warn("{} left by an interrupted write; ignoring it, the last complete meta.dat is used", temp);
            try {
                Files.delete(temp);
            } catch (IOException e) {
                throw new MetaStoreException("cannot remove the incomplete " + temp + ": " + e, e);
            }
        }
        if (Files.exists(file)) {
            try {
                return MetaJson.readMetaDat(destination(), Files.readAllBytes(file));
            } catch (IOException e) {
                Path aside = dir.resolve("meta.dat.corrupt-" + System.currentTimeMillis());
                LOG.error("{} is unreadable ({}); moved to {}, using the previous good copy {}", file, e.getMessage(),
                        aside, backup);
                try {
                    Files.move(file, aside);
                } catch (IOException m) {
                    throw new MetaStoreException(file + " is unreadable (" + e.getMessage()
                            + ") and cannot be moved aside: " + m, m);
                }
                return loadBackup(file + " is unreadable (" + e.getMessage() + ")");
            }
        }
        if (Files.exists(backup)) {
            LOG.warn("{} is missing; using the previous good copy {}", file, backup);
            return loadBackup(file + " is missing");
        }
        return List.of();
    }

    private List<MemoryMetaStore.ClientData> loadBackup(String why) {
        recovered = true;
        try {
            return MetaJson.readMetaDat(destination(), Files.readAllBytes(backup));
        } catch (IOException e) {
            throw new MetaStoreException(why + " and its backup " + backup + " cannot be used either ("
                    + e.getMessage() + "); refusing to start from scratch: restore one of them or remove both"
                    + " to start from the configured position", e);
        }
    }
}
