package io.sluice.server.parser.value;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.WireBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One column's canal {@code Column} message in wire form: the fields that depend only on the column (index,
 * sqlType, name, isKey, updated, isNull, mysqlType) pre-encoded once, so that writing a Column per row is copying
 * those bytes around the value's.
 */
final class ColumnWire {

    private static final int SQL_TYPE_TAG = CanalEntry.Column.SQLTYPE_FIELD_NUMBER << 3;
    private static final int VALUE_TAG = CanalEntry.Column.VALUE_FIELD_NUMBER << 3 | WireBuffer.LENGTH_DELIMITED;

    /** index; index and sqlType of a NULL and of a value; name, isKey, updated and isNull by (updated, isNull) bits; mysqlType. */
    private final byte[] head;
    private final byte[] headNull;
    private final byte[] headValue;
    private final byte[][] mids;
    private final byte[] tail;
    private final int sqlType;
    /**
     * By updated (0/1), the whole Column up to the value's length of a value of the column's own sqlType (head,
     * name, flags, value tag), and the whole Column of a NULL: one copy per column instead of three.
     */
    private final byte[][] valuePrefix;
    private final byte[][] nullPrefix;

    ColumnWire(int index, ColumnSpec s) {
        WireBuffer w = new WireBuffer(32);
        w.writeTag(CanalEntry.Column.INDEX_FIELD_NUMBER, WireBuffer.VARINT);
        w.writeInt32NoTag(index);
        head = w.toByteArray();
        w.writeTag(CanalEntry.Column.SQLTYPE_FIELD_NUMBER, WireBuffer.VARINT);
        w.writeInt32NoTag(s.nullSqlType);
        headNull = w.toByteArray();
        w.reset();
        w.writeRaw(head);
        w.writeTag(CanalEntry.Column.SQLTYPE_FIELD_NUMBER, WireBuffer.VARINT);
        w.writeInt32NoTag(s.sqlType);
        headValue = w.toByteArray();
        byte[] name = s.name.getBytes(StandardCharsets.UTF_8);
        mids = new byte[4][];
        for (int bits = 0; bits < 4; bits++) {
            w.reset();
            w.writeBytes(CanalEntry.Column.NAME_FIELD_NUMBER, name, 0, name.length);
            w.writeBool(CanalEntry.Column.ISKEY_FIELD_NUMBER, s.key);
            w.writeBool(CanalEntry.Column.UPDATED_FIELD_NUMBER, (bits & 2) != 0);
            w.writeBool(CanalEntry.Column.ISNULL_FIELD_NUMBER, (bits & 1) != 0);
            mids[bits] = w.toByteArray();
        }
        w.reset();
        if (s.mysqlType != null) {
            byte[] type = s.mysqlType.getBytes(StandardCharsets.UTF_8);
            w.writeBytes(CanalEntry.Column.MYSQLTYPE_FIELD_NUMBER, type, 0, type.length);
        }
        tail = w.toByteArray();
        sqlType = s.sqlType;
        valuePrefix = new byte[2][];
        nullPrefix = new byte[2][];
        for (int updated = 0; updated < 2; updated++) {
            valuePrefix[updated] = concat(headValue, mids[updated << 1], new byte[] {(byte) VALUE_TAG});
            nullPrefix[updated] = concat(headNull, mids[updated << 1 | 1], tail);
        }
    }

    private static byte[] concat(byte[] a, byte[] b, byte[] c) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length + c.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        System.arraycopy(c, 0, out, a.length + b.length, c.length);
        return out;
    }

    /**
     * Writes one Column as field {@code field}: index, sqlType, name, isKey, updated, isNull, value (when not
     * NULL), mysqlType — the fields canal sets, in field order, as protobuf writes them.
     *
     * @param sqlType the value's sqlType (canal's wider one for an unsigned value past the signed range)
     * @param value   the value's UTF-8 bytes are {@code value[offset, offset + length)}; ignored for NULL
     * @return where the value's bytes start in {@code out} (-1 for NULL)
     */
    int write(WireBuffer out, int field, int sqlType, boolean isNull, boolean updated, byte[] value, int offset,
              int length) {
        if (isNull) {
            byte[] whole = nullPrefix[updated ? 1 : 0];
            out.reserve(whole.length + 6);
            out.putByte(field << 3 | WireBuffer.LENGTH_DELIMITED);
            out.putVarint32(whole.length);
            out.putBytes(whole);
            return -1;
        }
        if (sqlType == this.sqlType) {
            byte[] prefix = valuePrefix[updated ? 1 : 0];
            int size = prefix.length + WireBuffer.varint32Size(length) + length + tail.length;
            out.reserve(size + 6);
            out.putByte(field << 3 | WireBuffer.LENGTH_DELIMITED);
            out.putVarint32(size);
            out.putBytes(prefix);
            out.putVarint32(length);
            int at = out.position();
            out.putBytes(value, offset, length);
            out.putBytes(tail);
            return at;
        }
        byte[] h = isNull ? headNull : sqlType == this.sqlType ? headValue : null;
        int headLength = h != null ? h.length : head.length + 1 + WireBuffer.int32Size(sqlType);
        byte[] mid = mids[(updated ? 2 : 0) | (isNull ? 1 : 0)];
        int size = headLength + mid.length + tail.length + (isNull ? 0 : 1 + WireBuffer.varint32Size(length) + length);
        out.reserve(size + 6);
        out.putByte(field << 3 | WireBuffer.LENGTH_DELIMITED);
        out.putVarint32(size);
        if (h != null) {
            out.putBytes(h);
        } else { // an unsigned value past the signed range: canal's wider sqlType
            out.putBytes(head);
            out.putByte(SQL_TYPE_TAG);
            if (sqlType >= 0) {
                out.putVarint32(sqlType);
            } else {
                out.writeInt32NoTag(sqlType);
            }
        }
        out.putBytes(mid);
        int at = -1;
        if (!isNull) {
            out.putByte(VALUE_TAG);
            out.putVarint32(length);
            at = out.position();
            out.putBytes(value, offset, length);
        }
        out.putBytes(tail);
        return at;
    }
}
