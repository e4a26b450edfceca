package io.sluice.server.position;

import java.util.Objects;

/**
 * Where the parser restarts so that nothing after an acknowledged entry is lost and nothing up to it is
 * delivered again.
 *
 * <p>The parser can only (re)start a dump at a transaction boundary. When the acknowledged entry ended a
 * transaction, {@code position} is the boundary after it and {@code skipEntries} is 0. When it lay inside a
 * transaction, {@code position} is that transaction's start and {@code skipEntries} is how many of the
 * transaction's entries (counted as the parser numbered them, before any filtering) were already
 * acknowledged and must be dropped on replay. canal re-sends those; Sluice does not.
 *
 * <p>While a table snapshot runs, {@code snapshot} says how far it got: snapshot rows are emitted at a binlog
 * boundary ({@code position}, {@code skipEntries == 0}) and ordered among themselves by it. At equal
 * position and skip count a resume point without snapshot progress comes first.
 *
 * @param position    a transaction boundary; its GTID set, when present, is the set executed before it
 * @param skipEntries entries of the transaction starting at {@code position} to drop on resume
 * @param snapshot    progress of a running table snapshot, or null when none runs
 */
public record ResumePoint(BinlogPosition position, int skipEntries, SnapshotProgress snapshot) {

    public ResumePoint {
        Objects.requireNonNull(position, "position");
        if (skipEntries < 0) {
            throw new IllegalArgumentException("skipEntries < 0: " + skipEntries);
        }
    }

    public ResumePoint(BinlogPosition position, int skipEntries) {
        this(position, skipEntries, null);
    }

    public static ResumePoint at(BinlogPosition boundary) {
        return new ResumePoint(boundary, 0);
    }

    public ResumePoint withSnapshot(SnapshotProgress progress) {
        return new ResumePoint(position, skipEntries, progress);
    }

    /** The binlog part alone: where the parser restarts. */
    public ResumePoint withoutSnapshot() {
        return snapshot == null ? this : new ResumePoint(position, skipEntries, null);
    }

    @Override
    public String toString() {
        String binlog = skipEntries == 0 ? position.toString() : position + " +" + skipEntries + " entries";
        return snapshot == null ? binlog : binlog + " " + snapshot;
    }
}
