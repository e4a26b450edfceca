package io.sluice.server.position;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * How far a table snapshot has got, carried in the {@link ResumePoint} of every entry emitted while it runs so
 * that the meta persists it with each client's ack and a restart continues where the acknowledged entries end.
 *
 * <p>Snapshot entries are ordered by {@code (epoch, seq)}: {@code seq} counts the entries emitted in one run and
 * {@code epoch} tells runs apart, a later run always having a larger epoch, so that entries emitted after a
 * restart are never mistaken for entries some client acknowledged before it.
 *
 * @param epoch    the run that emitted the entry
 * @param seq      the entry's number within its run
 * @param tables   tables still to read; the first is the one being read ({@code lastKey} and {@code rowsDone}
 *                 refer to it). Empty when nothing is left
 * @param lastKey  key values of the last row emitted of the first table, as the snapshot reader binds them;
 *                 empty = read it from its beginning
 * @param rowsDone rows of the first table emitted so far
 */
public record SnapshotProgress(long epoch, long seq, List<Table> tables, List<String> lastKey, long rowsDone) {

    public static final Comparator<SnapshotProgress> ORDER =
            Comparator.comparingLong(SnapshotProgress::epoch).thenComparingLong(SnapshotProgress::seq);

    /** A table to read. */
    public record Table(String schema, String table) {

        public Table {
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(table, "table");
        }

        @Override
        public String toString() {
            return schema + "." + table;
        }
    }

    public SnapshotProgress {
        tables = List.copyOf(tables);
        lastKey = List.copyOf(lastKey);
        if (rowsDone < 0) {
            throw new IllegalArgumentException("rowsDone < 0: " + rowsDone);
        }
    }

    /** True when every table has been read. */
    public boolean isDone() {
        return tables.isEmpty();
    }

    /** The table being read, or null when done. */
    public Table current() {
        return tables.isEmpty() ? null : tables.get(0);
    }

    @Override
    public String toString() {
        return "snapshot{" + (tables.isEmpty() ? "done" : tables + (lastKey.isEmpty() ? "" : " after " + lastKey)
                + " rows=" + rowsDone) + " #" + epoch + "." + seq + "}";
    }
}
