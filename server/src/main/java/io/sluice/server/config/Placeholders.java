package io.sluice.server.config;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${name}} and {@code ${name:default}} in configuration values, replaced as canal 1.1.7's instance
 * configurer (a Spring {@code PropertyPlaceholderConfigurer} subclass) replaces them: the name is looked up
 * with the same precedence as any key (system property, environment variable of that exact name,
 * instance.properties, canal.properties); the default is what follows the first {@code :}; the value found
 * (or the default) is itself resolved, so {@code canal.file.data.dir = ${canal.conf.dir}} then
 * {@code canal.instance.tsdb.dir = ${canal.file.data.dir:../conf}/${canal.instance.destination:}} both work;
 * a placeholder may also appear inside a name ({@code ${a.${b}}}). An empty value counts as unset here too, so
 * its default applies (canal would use the empty string).
 *
 * <p>Where canal replaces a placeholder that resolves nowhere and has no default by "" without a word,
 * Sluice does so only for keys it does not apply; for an applied key it is a {@link ConfigException}, since
 * an empty value would silently become the key's default (e.g. {@code canal.instance.master.address =
 * ${MYSQL_ADDRESS}} with the variable unset would connect to 127.0.0.1:3306). A reference cycle is an error
 * either way.
 */
final class Placeholders {

    private static final String PREFIX = "${";
    private static final String SUFFIX = "}";
    private static final Pattern NAME = Pattern.compile("\\$\\{([^}:$]+)");
    /** Deeper than any sane configuration; guards against a value that grows at each step. */
    private static final int MAX_DEPTH = 32;

    private final Function<String, ConfigValues.Value> lookup;

    /** {@code lookup} gives a name's value as written (not resolved), or null when it is set nowhere. */
    Placeholders(Function<String, ConfigValues.Value> lookup) {
        this.lookup = lookup;
    }

    /** The names the placeholders of {@code text} refer to (outer ones; a nested name counts as written). */
    static Set<String> names(String text) {
        Set<String> out = new LinkedHashSet<>();
        if (text == null) {
            return out;
        }
        Matcher m = NAME.matcher(text);
        while (m.find()) {
            out.add(m.group(1).trim());
        }
        return out;
    }

    static boolean hasPlaceholder(String text) {
        return text != null && text.contains(PREFIX);
    }

    /**
     * The value of {@code key} with every placeholder replaced.
     *
     * @param strict true: a placeholder set nowhere without a default is an error naming {@code key};
     *               false: it becomes "" (canal's behaviour)
     */
    String resolve(String key, ConfigValues.Value value, boolean strict) {
        if (!hasPlaceholder(value.text())) {
            return value.text();
        }
        Deque<String> chain = new ArrayDeque<>();
        chain.add(key);
        return resolve(key, value, value.text(), strict, chain);
    }

    private String resolve(String key, ConfigValues.Value top, String text, boolean strict, Deque<String> chain) {
        if (chain.size() > MAX_DEPTH) {
            throw error(key, top, "has placeholders nested deeper than " + MAX_DEPTH + ": " + String.join(" -> ", chain));
        }
        StringBuilder out = new StringBuilder(text);
        int start = out.indexOf(PREFIX);
        while (start >= 0) {
            int end = matchingEnd(out, start);
            if (end < 0) {
                // like Spring: an unterminated "${" stays as it is
                break;
            }
            String inner = resolve(key, top, out.substring(start + PREFIX.length(), end), strict, chain);
            int colon = inner.indexOf(':');
            String name = (colon < 0 ? inner : inner.substring(0, colon)).trim();
            String defaultValue = colon < 0 ? null : inner.substring(colon + 1).trim();
            String replacement;
            if (chain.contains(name)) {
                throw error(key, top, "has a circular placeholder: " + String.join(" -> ", chain) + " -> " + name);
            }
            ConfigValues.Value found = name.isEmpty() ? null : lookup.apply(name);
            chain.addLast(name);
            try {
                String resolved = found == null ? "" : resolve(key, top, found.text(), strict, chain).trim();
                if (!resolved.isEmpty()) {
                    replacement = resolved;
                } else if (defaultValue != null) {
                    replacement = resolve(key, top, defaultValue, strict, chain).trim();
                } else if (strict) {
                    throw error(key, top, "refers to ${" + name + "}, which is set nowhere (system property, "
                            + "environment, instance.properties, canal.properties); set it or give a default: ${"
                            + name + ":value}");
                } else {
                    replacement = "";
                }
            } finally {
                chain.removeLast();
            }
            out.replace(start, end + SUFFIX.length(), replacement);
            start = out.indexOf(PREFIX, start + replacement.length());
        }
        return out.toString();
    }

    /** The index of the "}" closing the "${" at {@code start}, counting nested "${ … }" pairs; -1 if none. */
    private static int matchingEnd(CharSequence s, int start) {
        int depth = 0;
        for (int i = start + PREFIX.length(); i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '$' && i + 1 < s.length() && s.charAt(i + 1) == '{') {
                depth++;
                i++;
            } else if (c == '}') {
                if (depth == 0) {
                    return i;
                }
                depth--;
            }
        }
        return -1;
    }

    private static ConfigException error(String key, ConfigValues.Value top, String problem) {
        return new ConfigException(top.origin(), key, ConfigValues.display(key, top.text()), problem);
    }
}
