package io.sluice.server.parser.event;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * MariaDB {@code log_bin_compress}: a compressed part is one header byte (0x80 | algorithm << 4 | n), the
 * uncompressed length in n big-endian bytes, then a zlib stream. Only the statement text of a query event and
 * the row images of a rows event are compressed.
 */
final class MariadbCompression {

    private MariadbCompression() {
    }

    static byte[] inflate(byte[] buf, int from, int to) {
        int header = buf[from] & 0xFF;
        int lengthBytes = header & 0x07;
        int algorithm = (header & 0x70) >> 4;
        if (algorithm != 0 || lengthBytes == 0 || lengthBytes > 4 || from + 1 + lengthBytes > to) {
            throw new BinlogFormatException("MariaDB compressed event: unsupported header byte 0x"
                    + Integer.toHexString(header));
        }
        long length = 0;
        for (int i = 0; i < lengthBytes; i++) {
            length = (length << 8) | (buf[from + 1 + i] & 0xFF);
        }
        if (length > Integer.MAX_VALUE - 16) {
            throw new BinlogFormatException("MariaDB compressed event: uncompressed length " + length);
        }
        byte[] out = new byte[(int) length];
        Inflater inflater = new Inflater();
        try {
            int start = from + 1 + lengthBytes;
            inflater.setInput(buf, start, to - start);
            int n = 0;
            while (n < out.length) {
                int got = inflater.inflate(out, n, out.length - n);
                if (got == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += got;
            }
            if (n != out.length) {
                throw new BinlogFormatException("MariaDB compressed event: inflated " + n + " of " + out.length + " bytes");
            }
            return out;
        } catch (DataFormatException e) {
            throw new BinlogFormatException("MariaDB compressed event: corrupt zlib stream", e);
        } finally {
            inflater.end();
        }
    }
}
