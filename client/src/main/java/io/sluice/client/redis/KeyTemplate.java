package io.sluice.client.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Redis key built from a row: literal text with placeholders {@code {db}}, {@code {table}}, {@code {pk}} (the
 * primary-key values joined with the separator, in key order) and {@code {column}} for any column, e.g. the
 * default {@code {db}:{table}:{pk}} or {@code user:{email}}.
 */
final class KeyTemplate {

    private sealed interface Part permits Literal, Placeholder {
    }

    private record Literal(String text) implements Part {
    }

    private record Placeholder(String name) implements Part {
    }

    private final String text;
    private final List<Part> parts;

    private KeyTemplate(String text, List<Part> parts) {
        this.text = text;
        this.parts = parts;
    }

    static KeyTemplate parse(String key, String template) {
        List<Part> parts = new ArrayList<>();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            if (open < 0) {
                parts.add(new Literal(template.substring(i)));
                break;
            }
            int close = template.indexOf('}', open);
            if (close < 0 || close == open + 1) {
                throw new RedisSyncSettingsException(key, template, "has an unclosed or empty {placeholder}");
            }
            if (open > i) {
                parts.add(new Literal(template.substring(i, open)));
            }
            parts.add(new Placeholder(template.substring(open + 1, close)));
            i = close + 1;
        }
        if (parts.stream().noneMatch(p -> p instanceof Placeholder ph && !ph.name().equals("db") && !ph.name().equals("table"))) {
            throw new RedisSyncSettingsException(key, template,
                    "names no row value ({pk} or a column), so every row of the table would share one key");
        }
        return new KeyTemplate(template, List.copyOf(parts));
    }

    /** The key of a row; null when a column it names is NULL or absent (such a row cannot be keyed). */
    String render(String db, String table, String pk, Map<String, String> row) {
        StringBuilder key = new StringBuilder();
        for (Part p : parts) {
            if (p instanceof Literal l) {
                key.append(l.text());
            } else {
                String name = ((Placeholder) p).name();
                String value = switch (name) {
                    case "db" -> db;
                    case "table" -> table;
                    case "pk" -> pk;
                    default -> row.get(name);
                };
                if (value == null) {
                    return null;
                }
                key.append(value);
            }
        }
        return key.toString();
    }

    /** A SCAN MATCH pattern for every key of the table: db and table filled in, row placeholders as {@code *}. */
    String tablePattern(String db, String table) {
        StringBuilder pattern = new StringBuilder();
        for (Part p : parts) {
            if (p instanceof Literal l) {
                pattern.append(globEscape(l.text()));
            } else {
                String name = ((Placeholder) p).name();
                pattern.append(name.equals("db") ? globEscape(db) : name.equals("table") ? globEscape(table) : "*");
            }
        }
        return pattern.toString();
    }

    private static String globEscape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
