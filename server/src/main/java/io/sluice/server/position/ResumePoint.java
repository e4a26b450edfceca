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
 * @param position    a transaction boundary; its GTID set, when present, is the set executed before it
 * @param skipEntries entries of the transaction starting at {@code position} to drop on resume
 */
public record ResumePoint(BinlogPosition position, int skipEntries) {

    public ResumePoint {
        Objects.requireNonNull(position, "position");
        if (skipEntries < 0) {
            throw new IllegalArgumentException("skipEntries < 0: " + skipEntries);
        }
    }

    public static ResumePoint at(BinlogPosition boundary) {
        return new ResumePoint(boundary, 0);
    }

    @Override
    public String toString() {
        return skipEntries == 0 ? position.toString() : position + " +" + skipEntries + " entries";
    }
}
