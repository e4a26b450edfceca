package io.sluice.server.position;

import java.util.Comparator;
import java.util.Objects;

/**
 * A point in a master's binary log: file name and byte offset, plus what identifies it independently of the
 * file (the executed GTID set, empty outside GTID mode), the event's server id and its timestamp in ms.
 *
 * <p>Offsets compare within one master only; across masters (failover) positions compare by GTID set or
 * timestamp, as canal does.
 */
public record BinlogPosition(String file, long offset, String gtidSet, long serverId, long timestampMillis)
        implements Comparable<BinlogPosition> {

    private static final Comparator<BinlogPosition> FILE_ORDER =
            Comparator.comparing(BinlogPosition::file, BinlogPosition::compareFileNames)
                    .thenComparingLong(BinlogPosition::offset);

    public BinlogPosition {
        Objects.requireNonNull(file, "file");
        gtidSet = gtidSet == null ? "" : gtidSet;
        if (offset < 0) {
            throw new IllegalArgumentException("negative binlog offset " + offset + " in " + file);
        }
    }

    public static BinlogPosition of(String file, long offset) {
        return new BinlogPosition(file, offset, "", 0, 0);
    }

    public BinlogPosition withOffset(long newOffset) {
        return new BinlogPosition(file, newOffset, gtidSet, serverId, timestampMillis);
    }

    public BinlogPosition withGtidSet(String newGtidSet) {
        return new BinlogPosition(file, offset, newGtidSet, serverId, timestampMillis);
    }

    public boolean hasGtidSet() {
        return !gtidSet.isEmpty();
    }

    /** File then offset; binlog file names carry a numeric suffix that may grow past its zero padding. */
    @Override
    public int compareTo(BinlogPosition other) {
        return FILE_ORDER.compare(this, other);
    }

    static int compareFileNames(String a, String b) {
        int dotA = a.lastIndexOf('.');
        int dotB = b.lastIndexOf('.');
        if (dotA > 0 && dotB > 0 && a.regionMatches(0, b, 0, Math.max(dotA, dotB))) {
            try {
                return Long.compare(Long.parseLong(a.substring(dotA + 1)), Long.parseLong(b.substring(dotB + 1)));
            } catch (NumberFormatException ignored) {
                // not a numbered binlog name; fall through to plain order
            }
        }
        return a.compareTo(b);
    }

    @Override
    public String toString() {
        return file + ":" + offset + (gtidSet.isEmpty() ? "" : " gtid=" + gtidSet);
    }
}
