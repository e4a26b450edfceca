package io.sluice.server.sink;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * canal's column list syntax ({@code canal.instance.filter.field}, {@code filter.black.field}, and the
 * built-in transforms): {@code db.t:c1/c2,db2.t2:c3}. Tables are named exactly (not as regexes) and, like
 * column names, compared without regard to case, as canal upper-cases both.
 */
public final class ColumnSelection {

    public static final ColumnSelection NONE = new ColumnSelection(Map.of());

    private final Map<String, Map<String, Set<String>>> bySchema;

    private ColumnSelection(Map<String, Map<String, Set<String>>> bySchema) {
        this.bySchema = bySchema;
    }

    public static ColumnSelection parse(String list) {
        if (list == null || list.isBlank()) {
            return NONE;
        }
        Map<String, Map<String, Set<String>>> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String item : list.split(",")) {
            String it = item.trim();
            if (it.isEmpty()) {
                continue;
            }
            int colon = it.lastIndexOf(':');
            int dot = colon < 0 ? -1 : it.lastIndexOf('.', colon);
            if (colon < 0 || dot <= 0 || dot == colon - 1 || colon == it.length() - 1) {
                throw new FilterSyntaxException("column list item '" + it + "' is not schema.table:col1/col2");
            }
            String schema = it.substring(0, dot);
            String table = it.substring(dot + 1, colon);
            Set<String> columns = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            for (String c : it.substring(colon + 1).split("/")) {
                if (!c.trim().isEmpty()) {
                    columns.add(c.trim());
                }
            }
            if (columns.isEmpty()) {
                throw new FilterSyntaxException("column list item '" + it + "' names no column");
            }
            out.computeIfAbsent(schema, s -> new TreeMap<>(String.CASE_INSENSITIVE_ORDER))
                    .merge(table, Collections.unmodifiableSet(columns), (a, b) -> {
                        Set<String> m = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
                        m.addAll(a);
                        m.addAll(b);
                        return Collections.unmodifiableSet(m);
                    });
        }
        return new ColumnSelection(out);
    }

    /** The columns listed for a table, or null when the table is not listed. */
    public Set<String> columns(String schema, String table) {
        Map<String, Set<String>> tables = bySchema.get(schema);
        return tables == null ? null : tables.get(table);
    }

    public boolean isEmpty() {
        return bySchema.isEmpty();
    }
}
