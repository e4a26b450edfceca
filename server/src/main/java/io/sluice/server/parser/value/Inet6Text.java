package io.sluice.server.parser.value;

/**
 * MariaDB INET6 as its text form, as {@code SELECT} shows it: RFC 5952 (lower case, longest run of two or more
 * zero groups as {@code ::}), IPv4-mapped and IPv4-compatible addresses with a dotted quad.
 */
final class Inet6Text {

    private Inet6Text() {
    }

    static String format(byte[] a) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (a[2 * i] & 0xFF) << 8 | (a[2 * i + 1] & 0xFF);
        }
        boolean leadingZero = g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0;
        if (leadingZero && g[5] == 0xFFFF) {
            return "::ffff:" + dotted(a);
        }
        if (leadingZero && g[5] == 0 && (g[6] != 0 || g[7] > 1) && g[6] >> 8 != 0) {
            return "::" + dotted(a); // IPv4-compatible, as MariaDB prints it
        }
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        if (bestLength < 2) {
            bestStart = -1;
        }
        StringBuilder s = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLength - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }

    private static String dotted(byte[] a) {
        return (a[12] & 0xFF) + "." + (a[13] & 0xFF) + "." + (a[14] & 0xFF) + "." + (a[15] & 0xFF);
    }
}
