package io.sluice.server.parser.schema;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Rewrites the MySQL type spellings Druid's parser does not know ({@code LONG VARCHAR}, {@code LONG VARBINARY},
 * a bare {@code LONG}, {@code CHAR VARYING}, {@code NATIONAL CHAR VARYING}, {@code NCHAR VARCHAR} ...) into the
 * types the server makes of them, and drops the column attributes it does not know ({@code INVISIBLE}), so that a
 * DDL using them still updates the schema model. Quoted strings,
 * quoted identifiers and comments are copied as they are; the words are MySQL keywords, so an unquoted one is
 * never a name.
 */
final class TypeSpellings {

    /** Word sequences (upper case) and what the server stores for them, longest first. */
    private static final String[][] REWRITES = {
            {"NATIONAL CHARACTER VARYING", "NATIONAL VARCHAR"},
            {"NATIONAL CHAR VARYING", "NATIONAL VARCHAR"},
            {"NCHAR VARCHARACTER", "NATIONAL VARCHAR"},
            {"NCHAR VARCHAR", "NATIONAL VARCHAR"},
            {"NCHAR VARYING", "NATIONAL VARCHAR"},
            {"LONG CHAR VARYING", "MEDIUMTEXT"},
            {"LONG CHARACTER VARYING", "MEDIUMTEXT"},
            {"LONG VARCHARACTER", "MEDIUMTEXT"},
            {"LONG VARCHAR", "MEDIUMTEXT"},
            {"LONG VARBINARY", "MEDIUMBLOB"},
            {"LONG", "MEDIUMTEXT"},
            {"CHAR VARYING", "VARCHAR"},
            {"VARCHARACTER", "VARCHAR"},
    };

    /** Words that may follow a column's INVISIBLE or VISIBLE attribute; a column named so is followed by a type. */
    private static final Set<String> AFTER_ATTRIBUTE = Set.of("NOT", "NULL", "DEFAULT", "COMMENT", "AUTO_INCREMENT",
            "PRIMARY", "UNIQUE", "KEY", "FIRST", "AFTER", "COLLATE", "CHECK", "REFERENCES", "GENERATED", "STORED",
            "VIRTUAL", "ON", "SRID", "CONSTRAINT");
    /** Words after which VISIBLE or INVISIBLE is a column's name, not its attribute. */
    private static final Set<String> BEFORE_NAME = Set.of("COLUMN", "ADD", "DROP", "CHANGE", "MODIFY", "RENAME", "TO",
            "AFTER", "TABLE");

    private TypeSpellings() {
    }

    /** The statement with those spellings replaced, or the same text when it has none. */
    static String rewrite(String sql) {
        List<int[]> words = new ArrayList<>(); // [start, end) of each unquoted word, in order
        BitSet breaks = new BitSet(); // word indexes before which something other than blanks came
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                i = skipQuoted(sql, i, c);
                breaks.set(words.size());
            } else if (c == '#' || (c == '-' && i + 2 < n && sql.charAt(i + 1) == '-' && Character.isWhitespace(sql.charAt(i + 2)))) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
                breaks.set(words.size());
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                breaks.set(words.size());
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '$')) {
                    i++;
                }
                words.add(new int[] {start, i});
            } else {
                if (!Character.isWhitespace(c)) {
                    breaks.set(words.size());
                }
                i++;
            }
        }
        StringBuilder out = new StringBuilder(sql.length());
        int copied = 0;
        for (int w = 0; w < words.size(); ) {
            int matched = 0;
            String replacement = null;
            for (String[] rewrite : REWRITES) {
                String[] pattern = rewrite[0].split(" ");
                if (matches(sql, words, breaks, w, pattern)) {
                    matched = pattern.length;
                    replacement = rewrite[1];
                    break;
                }
            }
            if (replacement == null && isVisibilityAttribute(sql, words, breaks, w)) {
                // MySQL 8.0.23 column visibility: invisible columns are still in every row image, so the model keeps them
                matched = 1;
                replacement = "";
            }
            if (replacement == null) {
                w++;
                continue;
            }
            out.append(sql, copied, words.get(w)[0]).append(replacement);
            copied = words.get(w + matched - 1)[1];
            w += matched;
        }
        return copied == 0 ? sql : out.append(sql, copied, n).toString();
    }

    private static boolean isVisibilityAttribute(String sql, List<int[]> words, BitSet breaks, int w) {
        String word = word(sql, words.get(w));
        if (!word.equals("INVISIBLE") && !word.equals("VISIBLE")) {
            return false;
        }
        int before = words.get(w)[0] - 1;
        while (before >= 0 && Character.isWhitespace(sql.charAt(before))) {
            before--;
        }
        if (w == 0 || before < 0 || sql.charAt(before) == '(' || sql.charAt(before) == ','
                || (!breaks.get(w) && BEFORE_NAME.contains(word(sql, words.get(w - 1))))) {
            return false; // first in a definition, or after ADD COLUMN ...: a column's name
        }
        int after = words.get(w)[1];
        while (after < sql.length() && Character.isWhitespace(sql.charAt(after))) {
            after++;
        }
        if (after == sql.length() || sql.charAt(after) == ',' || sql.charAt(after) == ')' || sql.charAt(after) == ';') {
            return true;
        }
        return w + 1 < words.size() && words.get(w + 1)[0] == after && AFTER_ATTRIBUTE.contains(word(sql, words.get(w + 1)));
    }

    private static String word(String sql, int[] w) {
        return sql.substring(w[0], w[1]).toUpperCase(Locale.ROOT);
    }

    private static boolean matches(String sql, List<int[]> words, BitSet breaks, int from, String[] pattern) {
        if (from + pattern.length > words.size()) {
            return false;
        }
        for (int k = 0; k < pattern.length; k++) {
            int[] w = words.get(from + k);
            if (!sql.substring(w[0], w[1]).toUpperCase(Locale.ROOT).equals(pattern[k])) {
                return false;
            }
            if (k > 0 && breaks.get(from + k)) {
                return false; // a quote, comment or punctuation between the words: not one type name
            }
        }
        return true;
    }

    private static int skipQuoted(String sql, int start, char quote) {
        int i = start + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\\' && quote != '`') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }
}
