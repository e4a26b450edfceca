package io.sluice.server.sink;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * canal's table filter (CANAL-PROTOCOL.md §7, {@code AviaterRegexFilter}): an include list and an exclude
 * list of {@code schema\.table} regexes. Each list is split on commas with empty items dropped and nothing
 * trimmed (so {@code "a\.b, a\.c"} has an item starting with a space that matches nothing, as in canal);
 * each item is anchored at both ends; matching ignores case and is done on {@code schema + "." + table}. An
 * empty include list matches every table, an empty exclude list none; the exclude list is applied after
 * the include list.
 *
 * <p>The parser asks at every TABLE_MAP event, so answers are cached per table.
 */
public final class CanalRegexFilter implements TableFilter {

    /** Enough for any real schema; past it, answers are computed without caching. */
    private static final int CACHE_LIMIT = 100_000;

    private final String includeText;
    private final String excludeText;
    private final Pattern include;
    private final Pattern exclude;
    private final Map<String, Map<String, Boolean>> cache = new ConcurrentHashMap<>();
    private final AtomicInteger cached = new AtomicInteger();

    public CanalRegexFilter(String include, String exclude) {
        this.includeText = include == null ? "" : include;
        this.excludeText = exclude == null ? "" : exclude;
        this.include = compile(includeText);
        this.exclude = compile(excludeText);
    }

    /** An include-only filter, as a client's subscribe filter is. */
    public static CanalRegexFilter including(String include) {
        return new CanalRegexFilter(include, "");
    }

    /**
     * Compiles a comma list into one anchored, case-insensitive alternation; null when the list has no
     * item. canal sorts items longest first before joining them; with every item anchored the order
     * cannot change whether a name matches, so it is not reproduced.
     */
    public static Pattern compile(String list) {
        if (list == null || list.isEmpty()) {
            return null;
        }
        List<String> items = new ArrayList<>();
        for (String item : list.split(",")) {
            if (!item.isEmpty()) {
                items.add(item);
            }
        }
        if (items.isEmpty()) {
            return null;
        }
        items.sort(Comparator.comparingInt(String::length).reversed());
        StringBuilder sb = new StringBuilder();
        for (String item : items) {
            try {
                Pattern.compile(item);
            } catch (PatternSyntaxException e) {
                throw new FilterSyntaxException("filter item '" + item + "' is not a valid regex: "
                        + e.getDescription(), e);
            }
            if (sb.length() > 0) {
                sb.append('|');
            }
            sb.append("(?:").append(item).append(')');
        }
        return Pattern.compile(sb.toString(), Pattern.CASE_INSENSITIVE);
    }

    @Override
    public boolean accepts(String schema, String table) {
        if (include == null && exclude == null) {
            return true;
        }
        Map<String, Boolean> bySchema = cache.get(schema);
        if (bySchema != null) {
            Boolean b = bySchema.get(table);
            if (b != null) {
                return b;
            }
        }
        boolean answer = evaluate(schema + "." + table);
        if (cached.get() < CACHE_LIMIT) {
            cache.computeIfAbsent(schema, s -> new ConcurrentHashMap<>()).put(table, answer);
            cached.incrementAndGet();
        }
        return answer;
    }

    /** Matches a full {@code schema.table} name. */
    public boolean acceptsName(String name) {
        return evaluate(name);
    }

    private boolean evaluate(String name) {
        String target = name.toLowerCase(Locale.ROOT);
        if (include != null && !include.matcher(target).matches()) {
            return false;
        }
        return exclude == null || !exclude.matcher(target).matches();
    }

    public boolean isMatchAll() {
        return include == null && exclude == null;
    }

    @Override
    public String toString() {
        return "include=" + includeText + " exclude=" + excludeText;
    }
}
