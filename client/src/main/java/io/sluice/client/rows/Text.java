package io.sluice.client.rows;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.sluice.protocol.entry.CanalEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** UTF-8 string fields read in place: decoded only when asked for, compared without decoding when ASCII. */
final class Text {

    private Text() {
    }

    /** As protobuf-java's string getters: malformed UTF-8 becomes U+FFFD, as {@code new String} does. */
    static String string(byte[] buf, int off, int len) {
        return len == 0 ? "" : new String(buf, off, len, StandardCharsets.UTF_8);
    }

    static ByteString bytes(byte[] buf, int off, int len) {
        return len == 0 ? ByteString.EMPTY : UnsafeByteOperations.unsafeWrap(buf, off, len);
    }

    /** Whether the UTF-8 bytes decode to exactly {@code s}; no allocation unless a byte is non-ASCII. */
    static boolean equals(byte[] buf, int off, int len, CharSequence s) {
        if (len < s.length()) {
            return false; // every char takes at least one byte (a surrogate pair takes four)
        }
        for (int i = 0; i < len; i++) {
            byte b = buf[off + i];
            if (b < 0) {
                return string(buf, off, len).contentEquals(s);
            }
            if (i >= s.length() || s.charAt(i) != b) {
                return false;
            }
        }
        return len == s.length();
    }

    static StringBuilder append(byte[] buf, int off, int len, StringBuilder to) {
        for (int i = 0; i < len; i++) {
            byte b = buf[off + i];
            if (b < 0) {
                return to.append(string(buf, off + i, len - i));
            }
            to.append((char) b);
        }
        return to;
    }

    /** Parses a decimal integer as {@link Long#parseLong(String)} does, straight from the bytes. */
    static long parseLong(byte[] buf, int off, int len) {
        int p = off;
        int end = off + len;
        boolean negative = false;
        if (p < end && (buf[p] == '-' || buf[p] == '+')) {
            negative = buf[p] == '-';
            p++;
        }
        if (p == end) {
            throw notALong(buf, off, len);
        }
        long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
        long multmin = limit / 10;
        long result = 0;
        for (; p < end; p++) {
            int digit = buf[p] - '0';
            if (digit < 0 || digit > 9 || result < multmin) {
                throw notALong(buf, off, len);
            }
            result *= 10;
            if (result < limit + digit) {
                throw notALong(buf, off, len);
            }
            result -= digit;
        }
        return negative ? result : -result;
    }

    private static NumberFormatException notALong(byte[] buf, int off, int len) {
        return new NumberFormatException("not a long: \"" + string(buf, off, len) + "\"");
    }

    /** The Pairs of repeated field {@code field} of the message in [from, to), in order. */
    static List<CanalEntry.Pair> pairs(byte[] buf, int from, int to, int field) {
        List<CanalEntry.Pair> out = new ArrayList<>(2);
        WireReader r = new WireReader();
        r.reset(buf, from, to);
        WireReader pair = new WireReader();
        int wanted = WireReader.tag(field, WireReader.LEN);
        while (r.more()) {
            int tag = r.readTag();
            if (tag != wanted) {
                r.skip(tag);
                continue;
            }
            int len = r.readLength();
            pair.reset(buf, r.pos, r.pos + len);
            r.pos += len;
            String key = "";
            String value = "";
            while (pair.more()) {
                int t = pair.readTag();
                if (t == WireReader.tag(1, WireReader.LEN)) {
                    int l = pair.readLength();
                    key = string(buf, pair.pos, l);
                    pair.pos += l;
                } else if (t == WireReader.tag(2, WireReader.LEN)) {
                    int l = pair.readLength();
                    value = string(buf, pair.pos, l);
                    pair.pos += l;
                } else {
                    pair.skip(t);
                }
            }
            out.add(CanalEntry.Pair.newBuilder().setKey(key).setValue(value).build());
        }
        return out;
    }
}
