package io.sluice.server.parser.charset;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * MySQL/MariaDB character set names and collation ids mapped to Java charsets. {@code null} means binary (bytes
 * are not text). MySQL's {@code latin1} is Windows-1252, not ISO-8859-1 (0x80 is €).
 *
 * <p>Its own package at the bottom of the parser: both the TABLE_MAP deserializer ({@code parser.event}) and the
 * value decoder ({@code parser.value}, which builds on {@code parser.event}) need it, and neither owns it.
 */
public final class MysqlCharsets {

    private static final Map<String, String> JAVA_NAMES = new HashMap<>();
    private static final String[] BY_COLLATION = new String[2048];

    static {
        String[][] names = {
                {"utf8mb4", "UTF-8"}, {"utf8mb3", "UTF-8"}, {"utf8", "UTF-8"}, {"latin1", "windows-1252"},
                {"ascii", "US-ASCII"}, {"ucs2", "UTF-16BE"}, {"utf16", "UTF-16BE"}, {"utf16le", "UTF-16LE"},
                {"utf32", "UTF-32BE"}, {"gbk", "GBK"}, {"gb2312", "GB2312"}, {"gb18030", "GB18030"}, {"big5", "Big5"},
                {"sjis", "Shift_JIS"}, {"cp932", "windows-31j"}, {"ujis", "EUC-JP"}, {"eucjpms", "EUC-JP"},
                {"euckr", "EUC-KR"}, {"cp1250", "windows-1250"}, {"cp1251", "windows-1251"},
                {"cp1256", "windows-1256"}, {"cp1257", "windows-1257"}, {"koi8r", "KOI8-R"}, {"koi8u", "KOI8-U"},
                {"greek", "ISO-8859-7"}, {"hebrew", "ISO-8859-8"}, {"latin2", "ISO-8859-2"}, {"latin5", "ISO-8859-9"},
                {"latin7", "ISO-8859-13"}, {"tis620", "TIS-620"}, {"cp850", "IBM850"}, {"cp852", "IBM852"},
                {"cp866", "IBM866"}, {"macroman", "x-MacRoman"}, {"macce", "x-MacCentralEurope"},
                {"dec8", "ISO-8859-1"}, {"hp8", "ISO-8859-1"}, {"swe7", "US-ASCII"}, {"keybcs2", "IBM852"},
                {"armscii8", "ISO-8859-1"}, {"geostd8", "ISO-8859-1"}, {"binary", ""}};
        for (String[] n : names) {
            JAVA_NAMES.put(n[0], n[1]);
        }
        String[] low = {null, "big5", "latin2", "dec8", "cp850", "latin1", "hp8", "koi8r", "latin1", "latin2", "swe7",
                "ascii", "ujis", "sjis", "cp1251", "latin1", "hebrew", null, "tis620", "euckr", "latin7", "latin2",
                "koi8u", "cp1251", "gb2312", "greek", "cp1250", "latin2", "gbk", "cp1257", "latin5", "latin1",
                "armscii8", "utf8", "cp1250", "ucs2", "cp866", "keybcs2", "macce", "macroman", "cp852", "latin7",
                "latin7", "macce", "cp1250", "utf8mb4", "utf8mb4", "latin1", "latin1", "latin1", "cp1251", "cp1251",
                "cp1251", "macroman", "utf16", "utf16", "utf16le", "cp1256", "cp1257", "cp1257", "utf32", "utf32",
                "utf16le", "binary", "armscii8", "ascii", "cp1250", "cp1256", "cp866", "dec8", "greek", "hebrew", "hp8",
                "keybcs2", "koi8r", "koi8u", "utf8", "latin2", "latin5", "latin7", "cp850", "cp852", "swe7", "utf8",
                "big5", "euckr", "gb2312", "gbk", "sjis", "tis620", "ucs2", "ujis", "geostd8", "geostd8", "latin1",
                "cp932", "cp932", "eucjpms", "eucjpms", "cp1250"};
        System.arraycopy(low, 0, BY_COLLATION, 0, low.length);
        fill(101, 124, "utf16");
        fill(128, 151, "ucs2");
        fill(159, 159, "ucs2");
        fill(160, 183, "utf32");
        fill(192, 215, "utf8");
        fill(223, 223, "utf8");
        fill(224, 247, "utf8mb4");
        fill(248, 250, "gb18030");
        fill(255, 323, "utf8mb4");
        // MariaDB's NO PAD collations: id + 1024 (utf8mb3 1057.., utf8mb4 1069..)
        for (int i = 0; i < 1024; i++) {
            if (BY_COLLATION[i] != null && BY_COLLATION[1024 + i] == null) {
                BY_COLLATION[1024 + i] = BY_COLLATION[i];
            }
        }
    }

    private MysqlCharsets() {
    }

    private static void fill(int from, int to, String name) {
        for (int i = from; i <= to; i++) {
            BY_COLLATION[i] = name;
        }
    }

    /** True when the name is MySQL's binary pseudo-charset. */
    public static boolean isBinary(String mysqlName) {
        return mysqlName != null && mysqlName.equalsIgnoreCase("binary");
    }

    /** The charset of a MySQL charset name (or a collation name such as {@code latin1_swedish_ci}); null if unknown or binary. */
    public static Charset forName(String mysqlName) {
        if (mysqlName == null || mysqlName.isEmpty()) {
            return null;
        }
        String key = mysqlName.toLowerCase(Locale.ROOT);
        String java = JAVA_NAMES.get(key);
        if (java == null) {
            int underscore = key.indexOf('_');
            java = underscore > 0 ? JAVA_NAMES.get(key.substring(0, underscore)) : null;
        }
        if (java == null || java.isEmpty()) {
            return null;
        }
        return charset(java);
    }

    /** MySQL charset name of a collation id, or null when unknown. */
    public static String nameOfCollation(int collationId) {
        if (collationId >= 0 && collationId < BY_COLLATION.length) {
            return BY_COLLATION[collationId];
        }
        // MariaDB 10.10+ UCA 14.0 collations carry ids above 2047; all of them are Unicode.
        return collationId >= 2048 ? "utf8mb4" : null;
    }

    private static Charset charset(String javaName) {
        try {
            return Charset.forName(javaName);
        } catch (RuntimeException e) {
            return StandardCharsets.ISO_8859_1;
        }
    }
}
