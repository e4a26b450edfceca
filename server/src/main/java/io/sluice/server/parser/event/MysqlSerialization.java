package io.sluice.server.parser.event;

/**
 * Readers for the MySQL serialization library format (MySQL 8.4+ tagged GTID events): an unsigned integer
 * takes 1–9 bytes, the count of trailing one bits of the first byte being the number of extra bytes; the
 * little-endian value of those bytes shifted right by the byte count is the number (9 bytes: the last 8 are it).
 * Signed integers are zig-zag encoded.
 */
final class MysqlSerialization {

    private MysqlSerialization() {
    }

    static long varlenUnsigned(ByteReader r) {
        int first = r.u8();
        int bytes = Integer.numberOfTrailingZeros(~first) + 1;
        if (bytes == 9) {
            return r.uint(8);
        }
        long v = first;
        for (int i = 1; i < bytes; i++) {
            v |= (long) r.u8() << (8 * i);
        }
        return v >>> bytes;
    }

    static long varlenSigned(ByteReader r) {
        long u = varlenUnsigned(r);
        return (u & 1) == 0 ? u >>> 1 : -(u >>> 1) - 1;
    }
}
