package io.sluice.client.sync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A sync consumer's properties file with the parsing every consumer does alike: trimmed values, blank as unset,
 * required keys, bounded whole numbers, {@code schema.table} lists. Problems are raised as the consumer's own
 * settings exception (its message format is what its users see), made by {@link Problem}.
 */
public final class SyncProperties {

    /** Makes the consumer's settings exception for a key, its value and what is wrong with it. */
    @FunctionalInterface
    public interface Problem {
        RuntimeException of(String key, String value, String problem);
    }

    private final Properties properties;
    private final Problem problem;

    public SyncProperties(Properties properties, Problem problem) {
        this.properties = properties;
        this.problem = problem;
    }

    /** The trimmed value, or {@code fallback} when the key is missing or blank. */
    public String value(String key, String fallback) {
        String v = properties.getProperty(key);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    /** True when the key is present at all (even blank). */
    public boolean has(String key) {
        return properties.getProperty(key) != null;
    }

    public String required(String key) {
        String v = value(key, "");
        if (v.isEmpty()) {
            throw problem.of(key, "", "is required");
        }
        return v;
    }

    public int integer(String key, String v, int min, int max) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw problem.of(key, v, "must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw problem.of(key, v, "is not a whole number");
        }
    }

    /** {@code key}'s comma-separated {@code schema.table} names, each as {schema, table}; required. */
    public List<String[]> tables(String key) {
        String list = required(key);
        List<String[]> tables = new ArrayList<>();
        for (String name : list.split(",")) {
            String full = name.trim();
            int dot = full.indexOf('.');
            if (dot <= 0 || dot == full.length() - 1) {
                throw problem.of(key, list, "item '" + full + "' is not schema.table");
            }
            tables.add(new String[] {full.substring(0, dot), full.substring(dot + 1)});
        }
        return tables;
    }

    /**
     * {@code key}'s comma-separated column selection, each item {@code column} or {@code source:name} (a rename),
     * in order, as source column → name; empty when the key is not set (every column, under its own name).
     *
     * @param renamed what the part after the colon names, for the error message ("target", "field")
     */
    public Map<String, String> columnSelection(String key, String renamed) {
        String cols = value(key, "");
        Map<String, String> selection = new LinkedHashMap<>();
        for (String c : cols.isEmpty() ? new String[0] : cols.split(",")) {
            String item = c.trim();
            if (item.isEmpty()) {
                continue;
            }
            int colon = item.indexOf(':');
            String source = colon < 0 ? item : item.substring(0, colon).trim();
            String name = colon < 0 ? item : item.substring(colon + 1).trim();
            if (source.isEmpty() || name.isEmpty()) {
                throw problem.of(key, cols, "item '" + item + "' is not column or source:" + renamed);
            }
            selection.put(source, name);
        }
        return selection;
    }

    public RuntimeException problem(String key, String value, String what) {
        return problem.of(key, value, what);
    }
}
