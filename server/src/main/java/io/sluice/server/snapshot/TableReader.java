package io.sluice.server.snapshot;

import io.sluice.server.parser.value.ValueOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one table's rows for a snapshot: chunks of {@code chunkSize} rows in key order after a given key, or,
 * for a table without a usable key, one full scan cut into chunks. Rows become canal columns through
 * {@link RowImageWriter}; a chunk's rows are split into ROWDATA entries of at most {@link #ROWS_PER_ENTRY} rows
 * or {@link #BYTES_PER_ENTRY} bytes of row images (the binlog's own rows events hold a few KB each).
 */
final class TableReader {

    static final int ROWS_PER_ENTRY = 256;
    static final int BYTES_PER_ENTRY = 1 << 20;

    /** Receives the chunks of a full scan as they are read. */
    @FunctionalInterface
    interface ChunkConsumer {
        void accept(Chunk chunk) throws InterruptedException;
    }

    private final SnapshotTable table;
    private final RowImageWriter writer;
    private final ChunkQuery query;
    private final int chunkSize;

    TableReader(SnapshotTable table, ValueOptions options, int chunkSize) {
        this.table = table;
        this.writer = RowImageWriter.of(table.structure(), options);
        this.query = new ChunkQuery(table, writer.selectList());
        this.chunkSize = chunkSize;
    }

    SnapshotTable table() {
        return table;
    }

    /** The chunk after {@code lastKey} (empty = from the first row); {@code tableDone} when it is the last. */
    Chunk read(Connection c, List<String> lastKey) throws SQLException {
        boolean after = !lastKey.isEmpty();
        int keys = table.key().size();
        if (after && lastKey.size() != keys) {
            throw new SnapshotException("snapshot progress of " + table.name() + " holds " + lastKey.size()
                    + " key values but its key " + table.key() + " has " + keys + " columns (the key changed since)");
        }
        List<Chunk.Piece> pieces = new ArrayList<>();
        int rows = 0;
        try (PreparedStatement ps = c.prepareStatement(query.chunk(after, chunkSize))) {
            if (after) {
                List<String> parameters = query.parameters(lastKey);
                for (int i = 0; i < parameters.size(); i++) {
                    ps.setString(i + 1, parameters.get(i));
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<String> key = List.of();
                while (rs.next()) {
                    List<String> k = new ArrayList<>(keys);
                    for (int i = 1; i <= keys; i++) {
                        k.add(rs.getString(i));
                    }
                    key = k;
                    writer.append(rs, keys + 1);
                    rows++;
                    if (writer.rows() >= ROWS_PER_ENTRY || writer.bytes() >= BYTES_PER_ENTRY) {
                        pieces.add(piece(key));
                    }
                }
                if (writer.rows() > 0) {
                    pieces.add(piece(key));
                }
            }
        }
        return new Chunk(table.name(), pieces, rows < chunkSize);
    }

    /**
     * Reads the whole table in the server's order, skipping its first {@code skip} rows (already emitted
     * before a restart), and hands over a chunk every {@code chunkSize} rows. The progress of a keyless table
     * is a row count: rows deleted meanwhile before that point shift it.
     */
    void scan(Connection c, long skip, ChunkConsumer out) throws SQLException, InterruptedException {
        try (Statement s = c.createStatement()) {
            s.setFetchSize(Math.max(1, Math.min(chunkSize, 4096))); // streamed, not buffered whole
            try (ResultSet rs = s.executeQuery(query.scan())) {
                long seen = 0;
                List<Chunk.Piece> pieces = new ArrayList<>();
                int rows = 0;
                while (rs.next()) {
                    if (seen++ < skip) {
                        continue;
                    }
                    writer.append(rs, 1);
                    rows++;
                    if (writer.rows() >= ROWS_PER_ENTRY || writer.bytes() >= BYTES_PER_ENTRY) {
                        pieces.add(piece(List.of()));
                    }
                    if (rows == chunkSize) {
                        if (writer.rows() > 0) {
                            pieces.add(piece(List.of()));
                        }
                        out.accept(new Chunk(table.name(), pieces, false));
                        pieces = new ArrayList<>();
                        rows = 0;
                    }
                }
                if (writer.rows() > 0) {
                    pieces.add(piece(List.of()));
                }
                out.accept(new Chunk(table.name(), pieces, true));
            }
        }
    }

    private Chunk.Piece piece(List<String> lastKey) {
        int n = writer.rows();
        return new Chunk.Piece(writer.drain(), n, lastKey);
    }
}
