package io.sluice.server.parser.schema;

import io.sluice.server.position.BinlogPosition;

/**
 * Whether a table structure is the one the table had at a binlog position. A structure read from the master
 * ({@code SHOW CREATE TABLE}) is the table of <em>now</em>; it is the table's own at an older position only if no
 * DDL changed the table in between, which nobody knows until the stream has read up to where the master was when
 * it answered. A structure is therefore proven from its own position (replayed DDL, a read at the stream's
 * position), from a later one (a read ahead of the stream), or never (a DDL applied to an unproven structure).
 * The text form is what {@link SchemaHistoryState.TableVersion#provenFrom()} stores.
 */
public final class TableProof {

    /** Derived from a structure that was not proven where the DDL applied to it: proven nowhere. */
    public static final String NEVER = "-";

    private TableProof() {
    }

    /**
     * @param version where the structure is recorded (the stream's position)
     * @param readAt  the master's position right after the structure was read; null when unknown
     */
    static String readAhead(BinlogPosition version, BinlogPosition readAt) {
        if (readAt == null) {
            return NEVER;
        }
        BinlogPosition read = BinlogPosition.of(readAt.file(), readAt.offset());
        return read.compareTo(BinlogPosition.of(version.file(), version.offset())) <= 0 ? null
                : read.file() + ":" + read.offset();
    }

    /** The proof of a structure a DDL at {@code at} derived from one whose proof is {@code prior}. */
    static String derived(String prior, BinlogPosition at) {
        return provenAt(prior, at) ? null : NEVER;
    }

    /** Whether a structure with this proof is the table's own at {@code at}. */
    public static boolean provenAt(String provenFrom, BinlogPosition at) {
        if (provenFrom == null || provenFrom.isEmpty()) {
            return true;
        }
        if (NEVER.equals(provenFrom)) {
            return false;
        }
        return from(provenFrom).compareTo(BinlogPosition.of(at.file(), at.offset())) <= 0;
    }

    /** The position a read-ahead proof starts at; null for the other kinds. */
    public static BinlogPosition from(String provenFrom) {
        if (provenFrom == null || provenFrom.isEmpty() || NEVER.equals(provenFrom)) {
            return null;
        }
        int colon = provenFrom.lastIndexOf(':');
        return BinlogPosition.of(provenFrom.substring(0, colon), Long.parseLong(provenFrom.substring(colon + 1)));
    }
}
