package io.sluice.server.parser.event;

import java.util.BitSet;

/**
 * WRITE/UPDATE/DELETE_ROWS in all their forms: v1 (23–25), v2 (30–32, with extra data), MySQL's
 * PARTIAL_UPDATE_ROWS (39) and MariaDB's compressed v1/v2 (166–171, row images zlib-compressed). Only the
 * header and column bitmaps are read here; see {@link RowsEventData}.
 */
final class RowsEventDeserializer {

    private RowsEventDeserializer() {
    }

    static RowsEventData deserialize(int typeCode, ByteReader r) {
        RowsEventData.Kind kind;
        boolean v2;
        boolean compressed = false;
        switch (typeCode) {
            case BinlogEventTypes.WRITE_ROWS_V1 -> { kind = RowsEventData.Kind.INSERT; v2 = false; }
            case BinlogEventTypes.UPDATE_ROWS_V1 -> { kind = RowsEventData.Kind.UPDATE; v2 = false; }
            case BinlogEventTypes.DELETE_ROWS_V1 -> { kind = RowsEventData.Kind.DELETE; v2 = false; }
            case BinlogEventTypes.WRITE_ROWS -> { kind = RowsEventData.Kind.INSERT; v2 = true; }
            case BinlogEventTypes.UPDATE_ROWS, BinlogEventTypes.PARTIAL_UPDATE_ROWS -> { kind = RowsEventData.Kind.UPDATE; v2 = true; }
            case BinlogEventTypes.DELETE_ROWS -> { kind = RowsEventData.Kind.DELETE; v2 = true; }
            case BinlogEventTypes.WRITE_ROWS_COMPRESSED_V1 -> { kind = RowsEventData.Kind.INSERT; v2 = false; compressed = true; }
            case BinlogEventTypes.UPDATE_ROWS_COMPRESSED_V1 -> { kind = RowsEventData.Kind.UPDATE; v2 = false; compressed = true; }
            case BinlogEventTypes.DELETE_ROWS_COMPRESSED_V1 -> { kind = RowsEventData.Kind.DELETE; v2 = false; compressed = true; }
            case BinlogEventTypes.WRITE_ROWS_COMPRESSED -> { kind = RowsEventData.Kind.INSERT; v2 = true; compressed = true; }
            case BinlogEventTypes.UPDATE_ROWS_COMPRESSED -> { kind = RowsEventData.Kind.UPDATE; v2 = true; compressed = true; }
            case BinlogEventTypes.DELETE_ROWS_COMPRESSED -> { kind = RowsEventData.Kind.DELETE; v2 = true; compressed = true; }
            default -> throw new IllegalArgumentException("not a rows event type: " + typeCode);
        }
        long tableId = r.uint(6);
        int flags = r.u16();
        if (v2) {
            int extraLength = r.u16();
            r.skip(extraLength - 2);
        }
        int columnCount = r.packedInt();
        BitSet columns = r.bitmap(columnCount);
        BitSet columnsAfter = kind == RowsEventData.Kind.UPDATE ? r.bitmap(columnCount) : null;
        byte[] rows = r.array();
        int start = r.position();
        int end = r.limit();
        if (compressed) {
            rows = MariadbCompression.inflate(rows, start, end);
            start = 0;
            end = rows.length;
        }
        return new RowsEventData(kind, typeCode == BinlogEventTypes.PARTIAL_UPDATE_ROWS, tableId, flags, columnCount,
                columns, columnsAfter, rows, start, end);
    }
}
