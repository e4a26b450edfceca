package io.sluice.server.meta;

import io.sluice.server.files.OwnerOnly;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changes made to a destination's meta since meta.dat was last written, one JSON line per change, appended with
 * a plain {@code write(2)} before the change is answered: the page cache keeps a written line when the process dies
 * (kill -9, an OOM kill), at the cost of a system call and no disk wait. Only {@code meta.dat}'s periodic fsync
 * makes changes survive a power loss.
 *
 * <p>The journal is a series of files {@code meta.dat.journal.<generation>} beside meta.dat. Each meta.dat write
 * first {@link #rotate() rotates} to a new generation under the store's lock, so that the meta.dat being written
 * holds exactly the changes of the generations before; once it is durable those are {@link #deleteBefore deleted}.
 * At start every generation left is replayed in order over meta.dat. Records are absolute (a client's filter, its
 * cursor, its removal), so replaying a generation that the last meta.dat already holds changes nothing.
 */
final class AckJournal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AckJournal.class);
    static final String PREFIX = "meta.dat.journal.";

    private final Path dir;
    private FileChannel channel;
    private long generation;
    /** Between {@link #open()} and {@link #close()}; a generation's file is created by its first record. */
    private boolean open;

    AckJournal(Path dir) {
        this.dir = dir;
    }

    /** The generations found on disk, oldest first. */
    TreeMap<Long, Path> existing() {
        TreeMap<Long, Path> found = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path f : files) {
                try {
                    found.put(Long.parseLong(f.getFileName().toString().substring(PREFIX.length())), f);
                } catch (NumberFormatException e) {
                    LOG.warn("{} is not a meta journal of Sluice's naming; left alone", f);
                }
            }
        } catch (IOException e) {
            throw new MetaStoreException("cannot list the meta journal in " + dir + ": " + e, e);
        }
        return found;
    }

    /**
     * The complete lines of every generation on disk, in order. A line cut short (the process died inside the
     * write, or the power went before the page cache reached the disk) ends its file: what follows it cannot have
     * been answered.
     */
    List<byte[]> records() {
        List<byte[]> out = new ArrayList<>();
        for (Path f : existing().values()) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(f);
            } catch (IOException e) {
                throw new MetaStoreException("cannot read the meta journal " + f + ": " + e, e);
            }
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    if (i > start) {
                        out.add(java.util.Arrays.copyOfRange(bytes, start, i));
                    }
                    start = i + 1;
                }
            }
            if (start < bytes.length) {
                LOG.warn("{} ends with an incomplete record ({} bytes), written as the process died or the power"
                        + " failed; it was never answered and is ignored", f, bytes.length - start);
            }
        }
        return out;
    }

    /** Starts a new generation after every one on disk; appends go there. */
    void open() {
        TreeMap<Long, Path> found = existing();
        generation = found.isEmpty() ? 1 : found.lastKey() + 1;
        open = true;
    }

    private void createFile() {
        Path file = dir.resolve(PREFIX + generation);
        try {
            OwnerOnly.createDirectories(dir); // like meta.dat: positions and filters are the owner's alone
            channel = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND), OwnerOnly.fileAttributes(file));
        } catch (IOException e) {
            throw new MetaStoreException("cannot create the meta journal " + file + ": " + e, e);
        }
    }

    /** Appends one record and a newline in one write, without waiting for the disk. */
    void append(byte[] record) {
        if (!open) {
            return; // the store is not started: there is nothing to recover into either
        }
        if (channel == null) {
            createFile();
        }
        ByteBuffer buf = ByteBuffer.allocate(record.length + 1).put(record).put((byte) '\n').flip();
        try {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        } catch (IOException e) {
            throw new MetaStoreException("cannot append to the meta journal " + dir.resolve(PREFIX + generation)
                    + ": " + e, e);
        }
    }

    /** Starts a new generation; returns it. Every generation before it is what the next meta.dat write holds. */
    long rotate() {
        if (!open) {
            return 0; // not started or stopped: nothing journaled to cover
        }
        closeChannel();
        generation++;
        return generation;
    }

    /** Removes the generations before {@code generation}: a durable meta.dat holds them. */
    void deleteBefore(long generation) {
        for (var e : existing().headMap(generation).entrySet()) {
            try {
                Files.deleteIfExists(e.getValue());
            } catch (IOException ex) {
                // harmless: replaying it with every later generation over a newer meta.dat changes nothing. The
                // later ones stay too: replaying an old generation without those that followed it would not be
                LOG.warn("meta journal {} not removed: {}", e.getValue(), ex.toString());
                return;
            }
        }
    }


    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing meta journal: {}", e.toString());
            }
            channel = null;
        }
    }

    /** No more appends (the store stops); what is on disk stays for the next start. */
    @Override
    public void close() {
        open = false;
        closeChannel();
    }

    static String text(byte[] record) {
        return new String(record, StandardCharsets.UTF_8);
    }
}
