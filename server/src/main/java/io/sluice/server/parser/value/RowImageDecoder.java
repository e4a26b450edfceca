package io.sluice.server.parser.value;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.WireBuffer;
import io.sluice.server.parser.event.BinlogFormatException;
import io.sluice.server.parser.event.RowsEventData;
import io.sluice.server.parser.event.TableMapData;
import io.sluice.server.parser.schema.TableStructure;
import java.util.BitSet;

/**
 * Decodes the row images of one table's rows events straight into canal's wire form ({@code RowData} messages of
 * {@code Column}s, as protobuf would write them). Built once per (TABLE_MAP, structure) pair from the columns'
 * {@link ColumnSpec}s and their pre-encoded {@link ColumnWire}s, so the per-row loop reads bytes, renders values
 * ({@link ValueRenderer}) and copies bytes, and builds no objects. This class owns the row framing: images,
 * NULL bitmaps, partial JSON updates and canal's {@code updated} flags.
 */
public final class RowImageDecoder {

    private final TableMapData map;
    private final TableStructure structure;
    private final ColumnSpec[] specs;
    private final ColumnWire[] wires;
    private final ValueRenderer value;
    private final int jsonColumns;

    private RowImageDecoder(TableMapData map, TableStructure structure, ColumnSpec[] specs, ValueRenderer value) {
        this.map = map;
        this.structure = structure;
        this.specs = specs;
        this.value = value;
        this.wires = new ColumnWire[specs.length];
        int json = 0;
        for (int i = 0; i < specs.length; i++) {
            wires[i] = new ColumnWire(i, specs[i]);
            if (specs[i].jsonOrdinal >= 0) {
                json++;
            }
        }
        this.jsonColumns = json;
        this.beforePresent = new boolean[specs.length];
        this.beforeNull = new boolean[specs.length];
        this.beforeOff = new int[specs.length];
        this.beforeLen = new int[specs.length];
        this.beforeSqlType = new int[specs.length];
        this.beforeRawOff = new int[specs.length];
        this.beforeRawLen = new int[specs.length];
        this.fixedSize = new int[specs.length];
        for (int i = 0; i < specs.length; i++) {
            fixedSize[i] = fixedSize(specs[i]);
        }
    }

    /**
     * @param structure the table's structure from the schema history, or null when unknown (then names, keys
     *                  and signedness come from the TABLE_MAP's optional metadata when present)
     * @throws IllegalArgumentException when {@code structure} does not {@link ColumnSpec#fits fit} {@code map}
     */
    public static RowImageDecoder create(TableMapData map, TableStructure structure, ValueOptions options,
                                         TemporalText temporal) {
        return new RowImageDecoder(map, structure, ColumnSpec.of(map, structure, options),
                new ValueRenderer(options, temporal));
    }

    public TableMapData tableMap() {
        return map;
    }

    public TableStructure structure() {
        return structure;
    }

    /**
     * Decodes every row of a rows event straight into canal's wire form: one {@code rowDatas} field (12) of a
     * {@code RowChange} per row, appended to {@code out}. No column objects are built: names, keys and types
     * are pre-encoded per column, values are rendered into a scratch array or copied from the event as they are.
     * The bytes are exactly what protobuf writes for the same {@code RowData} messages.
     *
     * @return the number of rows (canal's {@code rowsCount})
     */
    public int encode(RowsEventData rows, WireBuffer out) {
        byte[] b = rows.rows();
        int p = rows.rowsStart();
        int end = rows.rowsEnd();
        int n = specs.length;
        if (rows.columnCount() != n) {
            throw new BinlogFormatException("rows event of " + map.schema() + "." + map.table() + " has "
                    + rows.columnCount() + " columns, its TABLE_MAP " + n);
        }
        int presentBefore = rows.columns().cardinality();
        int presentAfter = rows.columnsAfter() == null ? 0 : rows.columnsAfter().cardinality();
        JsonNode[] beforeJson = rows.partialJson() ? new JsonNode[n] : null;
        int count = 0;
        while (p < end) {
            int row = out.beginLengthDelimited(ROW_DATAS_FIELD, ROW_LENGTH_RESERVED);
            switch (rows.kind()) {
                case INSERT -> p = image(b, p, rows.columns(), presentBefore, out, true, false, null, null);
                case DELETE -> p = image(b, p, rows.columns(), presentBefore, out, false, false, null, null);
                case UPDATE -> {
                    java.util.Arrays.fill(beforePresent, false);
                    p = image(b, p, rows.columns(), presentBefore, out, false, true, beforeJson, null);
                    BitSet partial = null;
                    if (rows.partialJson()) {
                        long options = readPacked(b, p);
                        p = packedEnd;
                        if ((options & 1) != 0) { // PARTIAL_JSON_UPDATES: one bit per JSON column of the table
                            partial = new BitSet();
                            int bytes = (jsonColumns + 7) / 8;
                            for (int j = 0; j < jsonColumns; j++) {
                                if ((b[p + (j >> 3)] & (1 << (j & 7))) != 0) {
                                    partial.set(j);
                                }
                            }
                            p += bytes;
                        }
                    }
                    p = image(b, p, rows.columnsAfter(), presentAfter, out, true, true, beforeJson, partial);
                }
            }
            out.endLengthDelimited(row, ROW_LENGTH_RESERVED);
            count++;
        }
        return count;
    }

    private static final int ROW_DATAS_FIELD = CanalEntry.RowChange.ROWDATAS_FIELD_NUMBER;
    private static final int BEFORE_FIELD = CanalEntry.RowData.BEFORECOLUMNS_FIELD_NUMBER;
    private static final int AFTER_FIELD = CanalEntry.RowData.AFTERCOLUMNS_FIELD_NUMBER;
    /** A row of a few hundred bytes to 16 KiB takes two bytes of length; others are moved once. */
    private static final int ROW_LENGTH_RESERVED = 2;

    private int packedEnd;

    // the before image of the UPDATE row being decoded, by column index: where its value sits in the output
    private final boolean[] beforePresent;
    private final boolean[] beforeNull;
    private final int[] beforeOff;
    private final int[] beforeLen;
    private final int[] beforeSqlType;
    // ... and where its binlog bytes are in the event: an after value with the same bytes has the same text
    private final int[] beforeRawOff;
    private final int[] beforeRawLen;
    /** Binlog bytes of each column's value when its type fixes them; -1 for length-prefixed values. */
    private final int[] fixedSize;

    private long readPacked(byte[] b, int p) {
        int first = b[p] & 0xFF;
        if (first < 0xFB) {
            packedEnd = p + 1;
            return first;
        }
        int len = first == 0xFC ? 2 : first == 0xFD ? 3 : 8;
        long v = 0;
        for (int i = len; i >= 1; i--) {
            v = (v << 8) | (b[p + i] & 0xFF);
        }
        packedEnd = p + 1 + len;
        return v;
    }

    /**
     * One row image. {@code after} images go to afterColumns with canal's {@code updated} flags; before images
     * of an UPDATE are remembered by column index for that comparison.
     */
    private int image(byte[] b, int p, BitSet present, int presentCount, WireBuffer out, boolean after,
                      boolean update, JsonNode[] beforeJson, BitSet partial) {
        int nulls = p;
        p += (presentCount + 7) >>> 3;
        int k = 0;
        int field = after ? AFTER_FIELD : BEFORE_FIELD;
        boolean all = presentCount == specs.length; // full images (the default binlog_row_image): no bitmap walk
        for (int i = all ? 0 : present.nextSetBit(0); i >= 0;
             i = all ? (i + 1 < specs.length ? i + 1 : -1) : present.nextSetBit(i + 1)) {
            ColumnSpec s = specs[i];
            ValueRenderer v = value;
            boolean isNull = (b[nulls + (k >>> 3)] & (1 << (k & 7))) != 0;
            k++;
            int sqlType;
            int valueStart = p;
            if (after && update && !isNull && beforePresent[i] && !beforeNull[i] && s.jsonOrdinal < 0) {
                // an UPDATE's after image mostly repeats the before image: a value with the same binlog bytes
                // has the same text, which is already in the output (no rendering, not updated)
                int end = valueEnd(b, p, i);
                int from = beforeRawOff[i];
                if (end - p == beforeRawLen[i] && java.util.Arrays.equals(b, p, end, b, from, from + beforeRawLen[i])) {
                    wires[i].write(out, field, beforeSqlType[i], false, false, out.array(), beforeOff[i], beforeLen[i]);
                    p = end;
                    continue;
                }
            }
            if (isNull) {
                sqlType = s.nullSqlType;
                v.vLen = 0;
            } else {
                if (s.jsonOrdinal >= 0 && after && partial != null && partial.get(s.jsonOrdinal)) {
                    p = v.readPartialJson(b, p, s, beforeJson == null ? null : beforeJson[i], i);
                } else {
                    p = v.read(b, p, s, beforeJson, i);
                }
                sqlType = v.vSqlType;
            }
            boolean updated = after && (!update || changed(i, isNull, out));
            int valueAt = wires[i].write(out, field, sqlType, isNull, updated, v.vArr, v.vOff, v.vLen);
            if (!after && update) {
                beforePresent[i] = true;
                beforeNull[i] = isNull;
                beforeOff[i] = valueAt;
                beforeLen[i] = v.vLen;
                beforeSqlType[i] = sqlType;
                beforeRawOff[i] = valueStart;
                beforeRawLen[i] = p - valueStart;
            }
        }
        return p;
    }

    /** Where the binlog value of column {@code i} that starts at {@code b[p]} ends (framed as ValueRenderer reads it). */
    private int valueEnd(byte[] b, int p, int i) {
        int size = fixedSize[i];
        if (size >= 0) {
            return p + size;
        }
        ColumnSpec s = specs[i];
        return p + s.lengthBytes() + s.length(b, p);
    }

    private static int fixedSize(ColumnSpec s) {
        return switch (s.kind) {
            case INT8, YEAR -> 1;
            case INT16 -> 2;
            case INT24, DATE, TIME -> 3;
            case INT32, FLOAT, TIMESTAMP -> 4;
            case INT64, DOUBLE, DATETIME -> 8;
            case DECIMAL -> DecimalText.size(s.precision, s.scale);
            case BIT -> ((s.meta >> 8) * 8 + (s.meta & 0xFF) + 7) / 8;
            case TIME2 -> 3 + TemporalText.fractionBytes(s.meta);
            case TIMESTAMP2 -> 4 + TemporalText.fractionBytes(s.meta);
            case DATETIME2 -> 5 + TemporalText.fractionBytes(s.meta);
            case ENUM, SET -> s.meta;
            default -> -1;
        };
    }

    /** canal: an after column is updated unless the before image has it with the same NULL-ness and text. */
    private boolean changed(int i, boolean isNull, WireBuffer out) {
        if (!beforePresent[i]) {
            return true;
        }
        if (isNull || beforeNull[i]) {
            return isNull != beforeNull[i];
        }
        int from = beforeOff[i];
        ValueRenderer v = value;
        return !java.util.Arrays.equals(v.vArr, v.vOff, v.vOff + v.vLen, out.array(), from, from + beforeLen[i]);
    }
}
