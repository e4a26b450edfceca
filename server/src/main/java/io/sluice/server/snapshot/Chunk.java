package io.sluice.server.snapshot;

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
     * @param rows    an INSERT row change with the rows, rendered as the binlog parser renders them
     * @param count   number of rows
     * @param lastKey key of its last row, as the reader binds it to continue after it
     */
    record Piece(CanalEntry.RowChange rows, int count, List<String> lastKey) {

        Piece {
            lastKey = List.copyOf(lastKey);
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
