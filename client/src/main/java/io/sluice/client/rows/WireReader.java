package io.sluice.client.rows;

import io.sluice.client.SluiceClientException;

/**
 * Protobuf wire-format reading over a byte array range, without objects: the views keep one each and point it at
 * the message they read. Mirrors protobuf-java's {@code CodedInputStream} where it matters for agreement: varints of
 * up to ten bytes (an int32 takes the low 32 bits), unknown fields of every wire type skipped, groups included.
 */
final class WireReader {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LEN = 2;
    static final int START_GROUP = 3;
    static final int END_GROUP = 4;
    static final int FIXED32 = 5;

    byte[] buf;
    int pos;
    int limit;

    void reset(byte[] bytes, int from, int to) {
        buf = bytes;
        pos = from;
        limit = to;
    }

    boolean more() {
        return pos < limit;
    }

    static int tag(int field, int wireType) {
        return field << 3 | wireType;
    }

    /** The next tag; a tag of field number 0 is not valid protobuf. */
    int readTag() {
        int tag = (int) readVarint64();
        if (tag >>> 3 == 0) {
            throw malformed("field number 0");
        }
        return tag;
    }

    long readVarint64() {
        byte[] b = buf;
        int p = pos;
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (p >= limit) {
                throw malformed("truncated varint");
            }
            byte x = b[p++];
            result |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                pos = p;
                return result;
            }
        }
        throw malformed("varint longer than 10 bytes");
    }

    int readInt32() {
        return (int) readVarint64();
    }

    boolean readBool() {
        return readVarint64() != 0;
    }

    /** Reads a length prefix and checks it stays inside the current message; pos is then at the payload. */
    int readLength() {
        long length = readVarint64();
        if (length < 0 || length > limit - pos) {
            throw malformed("length " + length + " past the end of the message");
        }
        return (int) length;
    }

    void skip(int tag) {
        switch (tag & 7) {
            case VARINT -> readVarint64();
            case FIXED64 -> advance(8);
            case LEN -> {
                int length = readLength(); // not "pos += readLength()": that adds to pos as it was before the prefix
                pos += length;
            }
            case START_GROUP -> skipGroup(tag >>> 3);
            case FIXED32 -> advance(4);
            default -> throw malformed("wire type " + (tag & 7));
        }
    }

    private void skipGroup(int field) {
        while (true) {
            if (!more()) {
                throw malformed("unterminated group");
            }
            int tag = readTag();
            if ((tag & 7) == END_GROUP) {
                if (tag >>> 3 != field) {
                    throw malformed("mismatched end group");
                }
                return;
            }
            skip(tag);
        }
    }

    private void advance(int n) {
        if (n > limit - pos) {
            throw malformed("truncated fixed-width field");
        }
        pos += n;
    }

    private SluiceClientException malformed(String what) {
        return new SluiceClientException("not a valid canal protobuf message: " + what + " at byte " + pos);
    }
}
