package io.sluice.server.snapshot;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.position.SnapshotProgress;
import java.util.List;

/**
 * Rows of one table read in one go, ready to be emitted as one transaction (BEGIN, ROWDATA entries, END).
 *
 * @param table     the table read
 * @param pieces    the rows, a ROWDATA entry each
 * @param tableDone no row of the table comes after these
 */
record Chunk(SnapshotProgress.Table table, List<Piece> pieces, boolean tableDone) {

    /**
     * One ROWDATA entry's rows.
     *
     * @param rowChange an INSERT {@code RowChange} with the rows in wire form, rendered as the binlog parser
     *                  renders them; not to be modified
     * @param count     number of rows
     * @param lastKey   key of its last row, as the reader binds it to continue after it
     */
    record Piece(byte[] rowChange, int count, List<String> lastKey) {

        Piece {
            lastKey = List.copyOf(lastKey);
        }

        /** The rows as a message (parsed from {@link #rowChange}; for tools and tests). */
        CanalEntry.RowChange rows() {
            try {
                return CanalEntry.RowChange.parseFrom(rowChange);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("a snapshot RowChange does not parse back", e);
            }
        }
    }

    Chunk {
        pieces = List.copyOf(pieces);
    }

    int rows() {
        int n = 0;
        for (Piece p : pieces) {
            n += p.count();
        }
        return n;
    }
}
