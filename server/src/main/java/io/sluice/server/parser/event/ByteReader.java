package io.sluice.server.parser.event;

import java.nio.charset.Charset;
import java.util.BitSet;

/**
 * A cursor over one event's bytes. Binlog integers are little-endian unless a field says otherwise; the
 * temporal and decimal encodings inside row images are big-endian and are read by the value decoders directly.
 */
public final class ByteReader {

    private final byte[] buf;
    private int pos;
    private final int limit;

    public ByteReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public ByteReader(byte[] buf, int offset, int limit) {
        this.buf = buf;
        this.pos = offset;
        this.limit = limit;
    }

    public byte[] array() {
        return buf;
    }

    public int position() {
        return pos;
    }

    public int limit() {
        return limit;
    }

    public int remaining() {
        return limit - pos;
    }

    public boolean hasRemaining() {
        return pos < limit;
    }

    public void skip(int n) {
        need(n);
        pos += n;
    }

    public int u8() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    public int u16() {
        need(2);
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8;
        pos += 2;
        return v;
    }

    public int u24() {
        need(3);
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16;
        pos += 3;
        return v;
    }

    public long u32() {
        need(4);
        long v = (buf[pos] & 0xFFL) | (buf[pos + 1] & 0xFFL) << 8 | (buf[pos + 2] & 0xFFL) << 16
                | (buf[pos + 3] & 0xFFL) << 24;
        pos += 4;
        return v;
    }

    /** Little-endian unsigned integer of {@code n} ≤ 8 bytes (8 bytes may come out negative: raw bits). */
    public long uint(int n) {
        need(n);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (buf[pos + i] & 0xFFL);
        }
        pos += n;
        return v;
    }

    /** Big-endian unsigned integer of {@code n} ≤ 8 bytes. */
    public long uintBE(int n) {
        need(n);
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 8) | (buf[pos + i] & 0xFFL);
        }
        pos += n;
        return v;
    }

    /** MySQL length-encoded integer. */
    public long packed() {
        int first = u8();
        if (first < 0xFB) {
            return first;
        }
        return switch (first) {
            case 0xFC -> u16();
            case 0xFD -> u24();
            case 0xFE -> uint(8);
            default -> throw new BinlogFormatException("invalid length-encoded integer prefix 0x"
                    + Integer.toHexString(first) + " at byte " + (pos - 1));
        };
    }

    public int packedInt() {
        long v = packed();
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new BinlogFormatException("length-encoded integer " + v + " out of range at byte " + pos);
        }
        return (int) v;
    }

    public byte[] bytes(int n) {
        need(n);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    public String string(int n, Charset charset) {
        need(n);
        String s = new String(buf, pos, n, charset);
        pos += n;
        return s;
    }

    public String zeroTerminated(Charset charset) {
        int end = pos;
        while (end < limit && buf[end] != 0) {
            end++;
        }
        String s = new String(buf, pos, end - pos, charset);
        pos = Math.min(end + 1, limit);
        return s;
    }

    public String lengthEncodedString(Charset charset) {
        return string(packedInt(), charset);
    }

    /** A bitmap of {@code bits} bits, bit i in byte i/8 at (1 << i%8): the layout of row-event column maps. */
    public BitSet bitmap(int bits) {
        int n = (bits + 7) >>> 3;
        need(n);
        BitSet set = new BitSet(bits);
        for (int i = 0; i < bits; i++) {
            if ((buf[pos + (i >>> 3)] & (1 << (i & 7))) != 0) {
                set.set(i);
            }
        }
        pos += n;
        return set;
    }

    /** A bitmap with the most significant bit first, the layout of TABLE_MAP optional metadata. */
    public BitSet bitmapMsbFirst(int bits) {
        int n = (bits + 7) >>> 3;
        need(n);
        BitSet set = new BitSet(bits);
        for (int i = 0; i < bits; i++) {
            if ((buf[pos + (i >>> 3)] & (0x80 >>> (i & 7))) != 0) {
                set.set(i);
            }
        }
        pos += n;
        return set;
    }

    private void need(int n) {
        if (n < 0 || pos + n > limit) {
            throw new BinlogFormatException("event truncated: need " + n + " bytes at byte " + pos + " of " + limit);
        }
    }
}
