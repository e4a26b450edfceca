package io.sluice.client.table;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The column changes of a MySQL/MariaDB {@code ALTER TABLE} as the server forwards it (the DDL entry's SQL text):
 * what the table sync can follow on the target (ADD, DROP, RENAME COLUMN; MODIFY and CHANGE, whose type it checks)
 * and {@link Other} for every clause it cannot (keys, partitions, table renames, charset conversion...). Clauses
 * that change nothing a row carries (a column's default, COMMENT, ALGORITHM, LOCK, ENGINE) are {@link Harmless}.
 */
final class AlterStatement {

    sealed interface Clause {
    }

    /**
     * {@code ADD COLUMN name type ...}. {@code type} is the type alone ({@code int unsigned}, {@code varchar(20)});
     * {@code defaultValue} the literal SQL default existing rows take ({@code 7}, {@code 'x'}), or null for NULL.
     */
    record Add(String column, String type, String defaultValue) implements Clause {
    }

    record Drop(String column) implements Clause {
    }

    record Rename(String from, String to) implements Clause {
    }

    /** MODIFY ({@code from} equals {@code to}) or CHANGE: the column gets {@code type}. */
    record Retype(String from, String to, String type) implements Clause {
    }

    record Harmless(String text) implements Clause {
    }

    /** A clause the sync does not follow; {@code text} is the clause as written. */
    record Other(String text) implements Clause {
    }

    private final List<String> tokens;
    private int pos;

    private AlterStatement(List<String> tokens) {
        this.tokens = tokens;
    }

    /** The clauses, or one {@link Other} when the statement is not an ALTER TABLE this class reads. */
    static List<Clause> parse(String sql) {
        AlterStatement p = new AlterStatement(tokenize(sql));
        try {
            return p.statement();
        } catch (IllegalStateException e) {
            return List.of(new Other(sql.trim()));
        }
    }

    private List<Clause> statement() {
        expect("alter");
        while (is("online") || is("ignore")) {
            pos++;
        }
        expect("table");
        if (is("if")) {
            pos += 2; // IF EXISTS
        }
        identifier();
        if (is(".")) {
            pos++;
            identifier();
        }
        List<Clause> clauses = new ArrayList<>();
        while (pos < tokens.size() && !is(";")) {
            int start = pos;
            Clause c;
            try {
                c = clause();
            } catch (IllegalStateException e) {
                c = null;
            }
            // the clause runs to the next comma outside parentheses
            int depth = 0;
            while (pos < tokens.size() && !(depth == 0 && (is(",") || is(";")))) {
                depth += is("(") ? 1 : is(")") ? -1 : 0;
                pos++;
            }
            String text = String.join(" ", tokens.subList(start, pos));
            clauses.add(c == null || c instanceof Other ? new Other(text) : c);
            if (is(",")) {
                pos++;
            }
        }
        if (clauses.isEmpty()) {
            throw new IllegalStateException("no clause");
        }
        return clauses;
    }

    private Clause clause() {
        String word = next().toLowerCase(Locale.ROOT);
        switch (word) {
            case "add" -> {
                if (optional("column") && is("(")) {
                    return new Other("");
                }
                if (isAny("index", "key", "primary", "unique", "constraint", "foreign", "fulltext", "spatial",
                        "partition", "check", "period", "system", "(")) {
                    return new Other("");
                }
                boolean ifNotExists = is("if");
                if (ifNotExists) {
                    pos += 3;
                }
                String column = identifier();
                return definition(column, column, true);
            }
            case "drop" -> {
                optional("column");
                if (isAny("index", "key", "primary", "foreign", "constraint", "partition", "check", "period", "system")) {
                    return new Other("");
                }
                if (is("if")) {
                    pos += 2;
                }
                return new Drop(identifier());
            }
            case "rename" -> {
                if (optional("column")) {
                    String from = identifier();
                    expect("to");
                    return new Rename(from, identifier());
                }
                return new Other("");
            }
            case "change" -> {
                optional("column");
                if (is("if")) {
                    pos += 2;
                }
                String from = identifier();
                return definition(from, identifier(), false);
            }
            case "modify" -> {
                optional("column");
                if (is("if")) {
                    pos += 2;
                }
                String column = identifier();
                return definition(column, column, false);
            }
            case "alter" -> {
                optional("column");
                identifier();
                return isAny("set", "drop") ? new Harmless("") : new Other("");
            }
            case "comment", "algorithm", "lock", "engine", "auto_increment", "stats_persistent", "stats_auto_recalc" -> {
                return new Harmless("");
            }
            default -> {
                return new Other("");
            }
        }
    }

    /** A column definition: the type and, for ADD, the default existing rows take. Key or generated: Other. */
    private Clause definition(String from, String to, boolean add) {
        StringBuilder type = new StringBuilder(next().toLowerCase(Locale.ROOT));
        if (is("(")) {
            type.append('(');
            pos++;
            while (!is(")")) {
                type.append(next());
            }
            pos++;
            type.append(')');
        }
        while (isAny("unsigned", "signed", "zerofill")) {
            type.append(' ').append(next().toLowerCase(Locale.ROOT));
        }
        String defaultValue = null;
        boolean notNull = false;
        boolean hasDefault = false;
        while (pos < tokens.size() && !is(",") && !is(";")) {
            String w = next().toLowerCase(Locale.ROOT);
            switch (w) {
                case "not" -> {
                    if (is("null")) {
                        pos++;
                        notNull = true;
                    }
                }
                case "default" -> {
                    hasDefault = true;
                    String v = next();
                    if (v.equals("-") || v.equals("+")) {
                        v = v + next();
                    }
                    if (v.equalsIgnoreCase("null")) {
                        defaultValue = null;
                    } else if (v.startsWith("'") || v.matches("[-+]?[0-9.]+(e[-+]?[0-9]+)?")) {
                        defaultValue = v;
                    } else {
                        return new Other(""); // an expression (CURRENT_TIMESTAMP...): the target would compute another value
                    }
                }
                case "primary", "unique", "key", "references", "as", "generated", "check" -> {
                    return new Other("");
                }
                default -> {
                    // NULL, CHARACTER SET x, COLLATE x, COMMENT 'x', AUTO_INCREMENT, FIRST, AFTER x, ON UPDATE ...
                }
            }
        }
        if (!add) {
            return new Retype(from, to, type.toString());
        }
        if (notNull && !hasDefault) {
            // existing rows take the type's implicit default (0, '') in MySQL: the target must give them the same
            defaultValue = implicitDefault(type.toString());
            if (defaultValue == null) {
                return new Other("");
            }
        }
        return new Add(to, type.toString(), defaultValue);
    }

    private static String implicitDefault(String type) {
        String name = type.replaceAll("[( ].*", "");
        return switch (name) {
            case "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "numeric", "float", "double",
                 "bit", "year" -> "0";
            case "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "set" -> "''";
            case "enum" -> type.replaceFirst("^enum\\(('(?:[^']|'')*').*", "$1"); // the first label
            default -> null;
        };
    }

    private boolean optional(String word) {
        if (is(word)) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(String word) {
        if (!is(word)) {
            throw new IllegalStateException("expected " + word);
        }
        pos++;
    }

    private boolean is(String word) {
        return pos < tokens.size() && tokens.get(pos).equalsIgnoreCase(word);
    }

    private boolean isAny(String... words) {
        for (String w : words) {
            if (is(w)) {
                return true;
            }
        }
        return false;
    }

    private String next() {
        if (pos >= tokens.size()) {
            throw new IllegalStateException("end of statement");
        }
        return tokens.get(pos++);
    }

    private String identifier() {
        String t = next();
        if (t.startsWith("`")) {
            return t.substring(1, t.length() - 1).replace("``", "`");
        }
        if (t.length() == 1 && "(),;.".contains(t)) {
            throw new IllegalStateException("identifier expected at " + t);
        }
        return t;
    }

    /** Words, `quoted` identifiers, 'strings' (kept quoted), numbers and single punctuation; comments dropped. */
    static List<String> tokenize(String sql) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if ((c == '-' && sql.startsWith("-- ", i)) || c == '#') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '`' || c == '\'' || c == '"') {
                int j = i + 1;
                StringBuilder b = new StringBuilder().append(c);
                while (j < n) {
                    char d = sql.charAt(j);
                    if (d == '\\' && c != '`' && j + 1 < n) {
                        b.append(d).append(sql.charAt(j + 1));
                        j += 2;
                        continue;
                    }
                    if (d == c) {
                        if (j + 1 < n && sql.charAt(j + 1) == c) {
                            b.append(d).append(d);
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    b.append(d);
                    j++;
                }
                b.append(c);
                String t = b.toString();
                // a "double-quoted" string is a string in MySQL's default mode: carried as a 'single-quoted' one
                out.add(c == '"' ? "'" + t.substring(1, t.length() - 1).replace("\"\"", "\"").replace("'", "''") + "'" : t);
                i = j + 1;
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 127) {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_' || sql.charAt(j) == '$'
                        || sql.charAt(j) > 127 || (sql.charAt(j) == '.' && j > i && Character.isDigit(sql.charAt(i))))) {
                    j++;
                }
                out.add(sql.substring(i, j));
                i = j;
            } else {
                out.add(String.valueOf(c));
                i++;
            }
        }
        return out;
    }
}
