package io.sluice.server.meta;

import io.sluice.server.files.OwnerOnly;
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
 * file-instance.xml, the embedded default). Kept in memory and written (with fsync) every
 * {@code canal.file.flush.period} ms when something changed, at once on subscribe and unsubscribe, and at stop.
 *
 * <p>Between two writes every change — each ack's cursor — is first appended to an {@link AckJournal} beside
 * meta.dat with a plain write, before the call returns and so before the client's next request is answered; start
 * replays it over meta.dat. A process killed at any moment (kill -9) therefore loses no ack it answered, at the
 * price of one {@code write(2)} per ack. A power loss keeps what the last fsync wrote: at most one flush period of
 * acks comes again (canal loses that period even to a process kill).
 *
 * <p>A flush period of 0 writes meta.dat at every cursor change instead (every ack), without the journal: nothing
 * acked comes again even after a power loss, at the price of one fsync per ack.
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
    /** Held across meta.dat writes: one at a time. */
    private final Object writeLock = new Object();
    /** Held across a change and its journal record, and while a write takes its snapshot and rotates the journal. */
    private final Object changeLock = new Object();
    private final AckJournal journal;
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
        this.journal = flushPeriodMs == 0 ? null : new AckJournal(dir);
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
        if (journal == null) {
            return;
        }
        int replayed = replayJournal();
        if (replayed > 0) {
            // fold the journal into meta.dat now: canal's tools read meta.dat, and the journal starts empty
            LOG.info("{} changes of {} replayed from its ack journal over {}", replayed, destination(), file);
            writeSnapshot();
        }
        journal.deleteBefore(Long.MAX_VALUE);
        journal.open();
        flusher = new PeriodicFlusher("meta-flush-" + destination(), flushPeriodMs, this::periodicFlush);
    }

    @Override
    public synchronized void stop() {
        if (flusher != null) {
            flusher.close();
            flusher = null;
        }
        flush();
        if (journal != null) {
            synchronized (changeLock) {
                // the flush removed what meta.dat holds; an ack that raced with it stays journaled for the next start
                journal.close();
            }
        }
    }

    @Override
    public List<Subscription> subscriptions() {
        return memory.subscriptions();
    }

    @Override
    public void subscribe(ClientIdentity client, String filter) {
        byte[] record = journal == null ? null : MetaJson.journalSubscribe(client.clientId(), filter);
        synchronized (changeLock) {
            journal(record);
            memory.subscribe(client, filter);
        }
        flush();
    }

    @Override
    public void unsubscribe(ClientIdentity client) {
        byte[] record = journal == null ? null : MetaJson.journalUnsubscribe(client.clientId());
        synchronized (changeLock) {
            journal(record);
            memory.unsubscribe(client);
        }
        flush();
    }

    @Override
    public Optional<ClientCursor> cursor(ClientIdentity client) {
        return memory.cursor(client);
    }

    @Override
    public void updateCursor(ClientIdentity client, ClientCursor cursor) {
        if (journal == null) {
            memory.updateCursor(client, cursor);
            flush();
            return;
        }
        if (memory.cursor(client).filter(cursor::equals).isPresent()) {
            return;
        }
        byte[] record = MetaJson.journalCursor(client.clientId(), cursor);
        synchronized (changeLock) {
            journal(record);
            memory.updateCursor(client, cursor);
        }
    }

    private void journal(byte[] record) {
        if (record != null) {
            journal.append(record);
        }
    }

    private int replayJournal() {
        int replayed = 0;
        for (byte[] record : journal.records()) {
            try {
                MetaJson.applyJournal(record, memory);
                replayed++;
            } catch (IOException | RuntimeException e) {
                // only a power loss or a damaged disk leaves such a record: what follows it is not trusted either.
                // Stopping here resumes earlier than the last ack (changes come again), never later (none lost)
                LOG.error("the ack journal of {} in {} has an unreadable record ({}); replay stops there after {}"
                        + " changes, acks after it may be delivered again: {}", destination(), dir, e.getMessage(),
                        replayed, AckJournal.text(record));
                break;
            }
        }
        return replayed;
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
            MemoryMetaStore.Snapshot snapshot;
            long covered = 0;
            synchronized (changeLock) {
                snapshot = memory.snapshot();
                if (snapshot.changes() == written) {
                    return;
                }
                if (journal != null) {
                    covered = journal.rotate();
                }
            }
            write(MetaJson.metaDat(destination(), snapshot.clients()));
            written = snapshot.changes();
            if (journal != null) {
                journal.deleteBefore(covered);
            }
        }
    }

    /** Writes meta.dat from the state as it is, whatever was written before (at start, no journal open). */
    private void writeSnapshot() {
        synchronized (writeLock) {
            MemoryMetaStore.Snapshot snapshot = memory.snapshot();
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
