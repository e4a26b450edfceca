package io.sluice.server.entry;

import java.util.Arrays;

/**
 * A growable byte array with the protobuf wire primitives the parser needs to write canal messages directly,
 * without building message objects first. Reused across events by one thread; not thread-safe.
 *
 * <p>A nested message whose size is known only after its contents are written (a canal {@code RowData}) reserves
 * its length prefix with {@link #beginLengthDelimited} and fixes it with {@link #endLengthDelimited}, moving the
 * contents when the reservation was not the size the length needs.
 */
public final class WireBuffer {

    public static final int VARINT = 0;
    public static final int LENGTH_DELIMITED = 2;

    private byte[] buf;
    private int pos;

    public WireBuffer(int initialCapacity) {
        this.buf = new byte[Math.max(16, initialCapacity)];
    }

    public void reset() {
        pos = 0;
    }

    /** Leaves the next {@code n} bytes unwritten (room for a prefix written later, in place). */
    public void skip(int n) {
        ensure(n);
        pos += n;
    }

    public int position() {
        return pos;
    }

    /** The backing array; valid until the next write (a write may replace it). */
    public byte[] array() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    /** Makes room for {@code more} bytes, which the {@code put} methods may then write without checking. */
    public void reserve(int more) {
        ensure(more);
    }

    public void putByte(int b) {
        buf[pos++] = (byte) b;
    }

    public void putBytes(byte[] b) {
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    public void putBytes(byte[] b, int off, int len) {
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }

    /** An unsigned varint of 32 bits, into reserved room (at most 5 bytes). */
    public void putVarint32(int v) {
        byte[] b = buf;
        int p = pos;
        while ((v & ~0x7F) != 0) {
            b[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[p++] = (byte) v;
        pos = p;
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }

    public void writeRawByte(int b) {
        ensure(1);
        buf[pos++] = (byte) b;
    }

    public void writeRaw(byte[] b) {
        writeRaw(b, 0, b.length);
    }

    public void writeRaw(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }

    /** Copies bytes already in this buffer (a value written earlier in the same message) to the end. */
    public void copyWithin(int from, int len) {
        ensure(len);
        System.arraycopy(buf, from, buf, pos, len);
        pos += len;
    }

    public void writeTag(int field, int wireType) {
        writeVarint32(field << 3 | wireType);
    }

    /** An unsigned varint of 32 bits. */
    public void writeVarint32(int v) {
        ensure(5);
        while ((v & ~0x7F) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    public void writeVarint64(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    /** protobuf's int32 encoding: a negative value is sign-extended to ten bytes. */
    public void writeInt32NoTag(int v) {
        if (v >= 0) {
            writeVarint32(v);
        } else {
            writeVarint64(v);
        }
    }

    public void writeInt64(int field, long v) {
        writeTag(field, VARINT);
        writeVarint64(v);
    }

    public void writeBool(int field, boolean v) {
        writeTag(field, VARINT);
        writeRawByte(v ? 1 : 0);
    }

    public void writeEnum(int field, int number) {
        writeTag(field, VARINT);
        writeInt32NoTag(number);
    }

    public void writeBytes(int field, byte[] b, int off, int len) {
        writeTag(field, LENGTH_DELIMITED);
        writeVarint32(len);
        writeRaw(b, off, len);
    }

    /**
     * Starts a length-delimited field whose size is not known yet, reserving {@code reserved} bytes for the length.
     *
     * @return where the contents start, for {@link #endLengthDelimited}
     */
    public int beginLengthDelimited(int field, int reserved) {
        writeTag(field, LENGTH_DELIMITED);
        ensure(reserved);
        pos += reserved;
        return pos;
    }

    /** Writes the length of the contents written since {@link #beginLengthDelimited}, moving them if needed. */
    public void endLengthDelimited(int contentStart, int reserved) {
        int length = pos - contentStart;
        int needed = varint32Size(length);
        if (needed != reserved) {
            int shift = needed - reserved;
            ensure(Math.max(0, shift));
            System.arraycopy(buf, contentStart, buf, contentStart + shift, length);
            pos += shift;
        }
        int p = contentStart - reserved;
        int v = length;
        while ((v & ~0x7F) != 0) {
            buf[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[p] = (byte) v;
    }

    public static int varint32Size(int v) {
        if ((v & (~0 << 7)) == 0) {
            return 1;
        }
        if ((v & (~0 << 14)) == 0) {
            return 2;
        }
        if ((v & (~0 << 21)) == 0) {
            return 3;
        }
        if ((v & (~0 << 28)) == 0) {
            return 4;
        }
        return 5;
    }

    public static int varint64Size(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            n++;
            v >>>= 7;
        }
        return n;
    }

    /** Size of an int32 field's value as protobuf writes it (ten bytes when negative). */
    public static int int32Size(int v) {
        return v >= 0 ? varint32Size(v) : 10;
    }
}
