package io.sluice.client.rows;

import com.google.protobuf.ByteString;
import io.sluice.protocol.entry.CanalEntry;
import java.util.Arrays;
import java.util.List;

/**
 * One image of the current row (canal's {@code beforeColumns} or {@code afterColumns}) read in place. Columns are
 * addressed by their position in the image, 0 to {@link #size()} - 1, which is also canal's {@code index} unless
 * the binlog image is MINIMAL/NOBLOB (then {@link #index(int)} says which table column it is). A column's fields
 * are decoded the first time one of them is asked for, so reading one column of a wide row costs little more than
 * skipping the others. Getters answer as protobuf-java's {@code Column} getters would: "" for an absent string,
 * false/0 for an absent flag or number. Owned by its {@link RowCursor} and valid until the cursor moves.
 */
public final class RowImage {

    private static final int FLAG_KEY = 1;
    private static final int FLAG_UPDATED = 2;
    private static final int FLAG_NULL = 4;
    private static final int FLAG_PROPS = 8;
    private static final int FLAG_DECODED = 16;

    private static final int INDEX = 1 << 3 | WireReader.VARINT;
    private static final int SQL_TYPE = 2 << 3 | WireReader.VARINT;
    private static final int NAME = 3 << 3 | WireReader.LEN;
    private static final int IS_KEY = 4 << 3 | WireReader.VARINT;
    private static final int UPDATED = 5 << 3 | WireReader.VARINT;
    private static final int IS_NULL = 6 << 3 | WireReader.VARINT;
    private static final int PROPS = 7 << 3 | WireReader.LEN;
    private static final int VALUE = 8 << 3 | WireReader.LEN;
    private static final int LENGTH = 9 << 3 | WireReader.VARINT;
    private static final int MYSQL_TYPE = 10 << 3 | WireReader.LEN;

    private final WireReader r = new WireReader();
    private byte[] buf;
    private int count;
    // per column, by position in the image: the Column message's bounds, then its decoded fields
    private int[] start = new int[16];
    private int[] end = new int[16];
    private int[] flags = new int[16];
    private int[] index = new int[16];
    private int[] sqlType = new int[16];
    private int[] length = new int[16];
    private int[] nameOff = new int[16];
    private int[] nameLen = new int[16];
    private int[] valueOff = new int[16];
    private int[] valueLen = new int[16];
    private int[] mysqlOff = new int[16];
    private int[] mysqlLen = new int[16];
    private int lastFound = -1;

    RowImage() {
    }

    void clear(byte[] bytes) {
        buf = bytes;
        count = 0;
    }

    void add(int from, int to) {
        if (count == start.length) {
            grow();
        }
        start[count] = from;
        end[count] = to;
        flags[count] = 0;
        count++;
    }

    private void grow() {
        int n = start.length * 2;
        start = Arrays.copyOf(start, n);
        end = Arrays.copyOf(end, n);
        flags = Arrays.copyOf(flags, n);
        index = Arrays.copyOf(index, n);
        sqlType = Arrays.copyOf(sqlType, n);
        length = Arrays.copyOf(length, n);
        nameOff = Arrays.copyOf(nameOff, n);
        nameLen = Arrays.copyOf(nameLen, n);
        valueOff = Arrays.copyOf(valueOff, n);
        valueLen = Arrays.copyOf(valueLen, n);
        mysqlOff = Arrays.copyOf(mysqlOff, n);
        mysqlLen = Arrays.copyOf(mysqlLen, n);
    }

    /** Number of columns in this image (0 for the before image of an INSERT, the after image of a DELETE). */
    public int size() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /**
     * Position of the column named {@code name} (exact, case-sensitive, as canal sends it), or -1. The rows of an
     * entry share one layout, so the position found last is tried first (column names are unique in a table).
     */
    public int find(CharSequence name) {
        int guess = lastFound;
        if (guess >= 0 && guess < count && nameEquals(guess, name)) {
            return guess;
        }
        for (int i = 0; i < count; i++) {
            if (nameEquals(i, name)) {
                lastFound = i;
                return i;
            }
        }
        return -1;
    }

    public String name(int column) {
        decoded(column);
        return Text.string(buf, nameOff[column], nameLen[column]);
    }

    public boolean nameEquals(int column, CharSequence name) {
        decoded(column);
        return Text.equals(buf, nameOff[column], nameLen[column], name);
    }

    /** canal's {@code index}: the column's 0-based ordinal in the table. */
    public int index(int column) {
        return index[decoded(column)];
    }

    /** {@code java.sql.Types} value. */
    public int sqlType(int column) {
        return sqlType[decoded(column)];
    }

    public boolean isKey(int column) {
        return (flags[decoded(column)] & FLAG_KEY) != 0;
    }

    public boolean updated(int column) {
        return (flags[decoded(column)] & FLAG_UPDATED) != 0;
    }

    public boolean isNull(int column) {
        return (flags[decoded(column)] & FLAG_NULL) != 0;
    }

    /** canal's {@code length} field (canal never sets it: 0). */
    public int length(int column) {
        return length[decoded(column)];
    }

    public String mysqlType(int column) {
        decoded(column);
        return Text.string(buf, mysqlOff[column], mysqlLen[column]);
    }

    /** The value as text, "" for NULL (check {@link #isNull(int)}), as {@code Column.getValue()}. Allocates it. */
    public String value(int column) {
        decoded(column);
        return Text.string(buf, valueOff[column], valueLen[column]);
    }

    /** The value's UTF-8 bytes as a view of the received bytes (no copy; valid while the batch is held). */
    public ByteString valueBytes(int column) {
        decoded(column);
        return Text.bytes(buf, valueOff[column], valueLen[column]);
    }

    /** The value parsed as a decimal long without making a String; NumberFormatException for anything else. */
    public long longValue(int column) {
        decoded(column);
        try {
            return Text.parseLong(buf, valueOff[column], valueLen[column]);
        } catch (NumberFormatException e) {
            throw new NumberFormatException("column " + name(column) + ": " + e.getMessage());
        }
    }

    /** Whether the value's text is exactly {@code text}; no allocation for ASCII values. */
    public boolean valueEquals(int column, CharSequence text) {
        decoded(column);
        return Text.equals(buf, valueOff[column], valueLen[column], text);
    }

    /** Appends the value's text to {@code to}: decoding into one reused builder instead of a String per value. */
    public StringBuilder appendValue(int column, StringBuilder to) {
        decoded(column);
        return Text.append(buf, valueOff[column], valueLen[column], to);
    }

    /**
     * The array holding the received bytes, for reading a value with {@link #valueOffset(int)} and
     * {@link #valueLength(int)} without any object at all. Read it, never write it: it is the received frame.
     */
    public byte[] array() {
        return buf;
    }

    public int valueOffset(int column) {
        return valueOff[decoded(column)];
    }

    /** Length in bytes of the value's UTF-8 text. */
    public int valueLength(int column) {
        return valueLen[decoded(column)];
    }

    /** canal's column props (canal never sets them); built on demand. */
    public List<CanalEntry.Pair> props(int column) {
        decoded(column);
        if ((flags[column] & FLAG_PROPS) == 0) {
            return List.of();
        }
        return Text.pairs(buf, start[column], end[column], 7);
    }

    private int decoded(int column) {
        if (column < 0 || column >= count) {
            throw new IndexOutOfBoundsException("column " + column + " of an image of " + count);
        }
        if ((flags[column] & FLAG_DECODED) == 0) {
            decode(column);
        }
        return column;
    }

    private void decode(int c) {
        WireReader in = r;
        in.reset(buf, start[c], end[c]);
        int f = FLAG_DECODED;
        int idx = 0, type = 0, len = 0;
        int nOff = 0, nLen = 0, vOff = 0, vLen = 0, mOff = 0, mLen = 0;
        while (in.more()) {
            int tag = in.readTag();
            switch (tag) {
                case INDEX -> idx = in.readInt32();
                case SQL_TYPE -> type = in.readInt32();
                case NAME -> {
                    nLen = in.readLength();
                    nOff = in.pos;
                    in.pos += nLen;
                }
                case IS_KEY -> f = in.readBool() ? f | FLAG_KEY : f & ~FLAG_KEY;
                case UPDATED -> f = in.readBool() ? f | FLAG_UPDATED : f & ~FLAG_UPDATED;
                case IS_NULL -> f = in.readBool() ? f | FLAG_NULL : f & ~FLAG_NULL;
                case PROPS -> {
                    f |= FLAG_PROPS;
                    in.skip(tag);
                }
                case VALUE -> {
                    vLen = in.readLength();
                    vOff = in.pos;
                    in.pos += vLen;
                }
                case LENGTH -> len = in.readInt32();
                case MYSQL_TYPE -> {
                    mLen = in.readLength();
                    mOff = in.pos;
                    in.pos += mLen;
                }
                default -> in.skip(tag);
            }
        }
        index[c] = idx;
        sqlType[c] = type;
        length[c] = len;
        nameOff[c] = nOff;
        nameLen[c] = nLen;
        valueOff[c] = vOff;
        valueLen[c] = vLen;
        mysqlOff[c] = mOff;
        mysqlLen[c] = mLen;
        flags[c] = f;
    }
}
