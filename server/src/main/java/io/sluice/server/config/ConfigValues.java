package io.sluice.server.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Configuration values resolved as canal resolves them (CANAL-PROTOCOL.md §6.1): a JVM system property wins,
 * then an environment variable with the exact key name, then the files in the order given (for an
 * instance: its {@code instance.properties}, then {@code canal.properties}). Values are trimmed; an empty
 * value counts as unset; placeholders are replaced (see {@link Placeholders}). Every error names the origin of
 * the value. Which keys exist is {@link ConfigKeys}' business.
 */
final class ConfigValues {

    /** One source of values, e.g. a file; origin is what error messages call it. */
    record Layer(String origin, Map<String, String> values, boolean isFile) {
    }

    /** A value and where it came from. */
    record Value(String text, String origin) {
    }

    static final String DESTINATION_KEY = "canal.instance.destination";

    private final List<Layer> layers;
    private final Placeholders placeholders;

    ConfigValues(List<Layer> layers) {
        this.layers = List.copyOf(layers);
        this.placeholders = new Placeholders(this::raw);
    }

    static ConfigValues of(Properties system, Map<String, String> env, List<Layer> files) {
        return of(system, env, files, null);
    }

    /**
     * Values for one destination: canal sets {@code canal.instance.destination} to the destination's name
     * (as a system property) while it builds an instance, so placeholders such as
     * {@code ${canal.instance.destination:}} in canal.properties name it.
     */
    static ConfigValues of(Properties system, Map<String, String> env, List<Layer> files, String destination) {
        List<Layer> all = new ArrayList<>();
        if (destination != null && !destination.isEmpty()) {
            all.add(new Layer("destination", Map.of(DESTINATION_KEY, destination), false));
        }
        Map<String, String> sys = new LinkedHashMap<>();
        system.stringPropertyNames().forEach(k -> sys.put(k, system.getProperty(k)));
        all.add(new Layer("system property", sys, false));
        all.add(new Layer("environment", env, false));
        all.addAll(files);
        return new ConfigValues(all);
    }

    /**
     * Reads a properties file with {@link Properties} escaping ({@code \\.} in the file is the regex
     * {@code \.}). UTF-8 is tried first; a file that is not valid UTF-8 is read as ISO-8859-1, which is what
     * canal's {@code Properties.load(InputStream)} does.
     */
    static Layer readFile(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(file, "cannot be read: " + e.getMessage(), e);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            text = new String(bytes, StandardCharsets.ISO_8859_1);
        }
        return readText(file.toString(), text);
    }

    /**
     * Reads properties text held elsewhere than a file (a ZooKeeper node); {@code origin} names it in errors
     * the way a file path does, and the layer counts as a file (an empty value hides lower layers).
     */
    static Layer readText(String origin, String text) {
        Properties p = new Properties();
        try (Reader r = new StringReader(text)) {
            p.load(r);
        } catch (IllegalArgumentException | IOException e) {
            throw new ConfigException(origin, "is not a valid properties file: " + e.getMessage(), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().forEach(k -> values.put(k, p.getProperty(k)));
        return new Layer(origin, Collections.unmodifiableMap(values), true);
    }

    /**
     * The resolved, trimmed, non-empty value, or null. {@code ${name}} and
     * {@code ${name:default}} in the value are replaced as canal's Spring placeholder configurer does (see
     * {@link Placeholders}); a placeholder that resolves nowhere and has no default is a {@link ConfigException}
     * naming this key, because Sluice applies the key and an empty value would silently mean its default.
     */
    Value find(String key) {
        Value raw = raw(key);
        if (raw == null) {
            return null;
        }
        String text = placeholders.resolve(key, raw, true).trim();
        return text.isEmpty() ? null : new Value(text, raw.origin());
    }

    /** The value as written (placeholders not replaced), trimmed, non-empty, or null. */
    Value raw(String key) {
        for (Layer layer : layers) {
            String v = layer.values().get(key);
            if (v != null) {
                String t = v.trim();
                if (!t.isEmpty()) {
                    return new Value(t, layer.origin());
                }
                if (layer.isFile()) {
                    // an explicitly empty key in a file means "unset" and hides lower files, as canal's
                    // instance.properties overrides canal.properties even with an empty value
                    return null;
                }
            }
        }
        return null;
    }

    String string(String key, String defaultValue) {
        Value v = find(key);
        return v == null ? defaultValue : v.text();
    }

    boolean bool(String key, boolean defaultValue) {
        Value v = find(key);
        if (v == null) {
            return defaultValue;
        }
        String t = v.text().toLowerCase(Locale.ROOT);
        if (t.equals("true")) {
            return true;
        }
        if (t.equals("false")) {
            return false;
        }
        throw error(key, v, "is not true or false");
    }

    int integer(String key, int defaultValue, int min, int max) {
        long l = longValue(key, defaultValue, min, max);
        return (int) l;
    }

    long longValue(String key, long defaultValue, long min, long max) {
        Value v = find(key);
        if (v == null) {
            return defaultValue;
        }
        long l;
        try {
            l = Long.parseLong(v.text());
        } catch (NumberFormatException e) {
            throw error(key, v, "is not a whole number");
        }
        if (l < min || l > max) {
            throw error(key, v, "is out of range [" + min + ", " + max + "]");
        }
        return l;
    }

    /** A nullable long: unset gives null. */
    Long optionalLong(String key, long min) {
        Value v = find(key);
        if (v == null) {
            return null;
        }
        try {
            long l = Long.parseLong(v.text());
            if (l < min) {
                throw error(key, v, "must be at least " + min);
            }
            return l;
        } catch (NumberFormatException e) {
            throw error(key, v, "is not a whole number");
        }
    }

    <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
        Value v = find(key);
        if (v == null) {
            return defaultValue;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v.text())) {
                return e;
            }
        }
        throw error(key, v, "is not one of " + java.util.Arrays.toString(type.getEnumConstants()));
    }

    /** Keys set as system properties or environment variables that {@code accept} admits, sorted. */
    Set<String> overrideKeys(java.util.function.Predicate<String> accept) {
        Set<String> out = new TreeSet<>();
        for (Layer layer : layers) {
            if (!layer.isFile()) {
                layer.values().keySet().stream().filter(accept).forEach(out::add);
            }
        }
        return out;
    }

    /**
     * Keys under a prefix (e.g. {@code kafka.}) set in any layer, resolved as {@link #find}
     * resolves them (an override wins, an empty value is left out), prefix removed.
     */
    Map<String, String> withPrefix(String prefix) {
        Set<String> keys = new TreeSet<>();
        for (Layer layer : layers) {
            for (String k : layer.values().keySet()) {
                if (k.startsWith(prefix) && k.length() > prefix.length()) {
                    keys.add(k);
                }
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : keys) {
            Value v = find(k);
            if (v != null) {
                out.put(k.substring(prefix.length()), v.text());
            }
        }
        return out;
    }

    /**
     * Every key set in a file, and every key set as a system property or environment variable that
     * {@code overridable} accepts, with its value resolved as {@link #find} would give it (overrides win,
     * placeholders replaced, trimmed; a key whose value is empty maps to "").
     * {@code strict} says for which keys an unresolvable placeholder is an error rather than "".
     */
    Map<String, String> resolvedView(java.util.function.Predicate<String> overridable,
                                     java.util.function.Predicate<String> strict) {
        Set<String> keys = new TreeSet<>();
        for (Layer layer : layers) {
            for (String k : layer.values().keySet()) {
                if (layer.isFile() || overridable.test(k)) {
                    keys.add(k);
                }
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : keys) {
            Value raw = raw(k);
            out.put(k, raw == null ? "" : placeholders.resolve(k, raw, strict.test(k)).trim());
        }
        return out;
    }

    /** Names that placeholders in any file refer to: helper values a user defines for them are not unknown keys. */
    Set<String> placeholderNames() {
        Set<String> out = new TreeSet<>();
        for (Layer layer : layers) {
            if (layer.isFile()) {
                layer.values().values().forEach(text -> out.addAll(Placeholders.names(text)));
            }
        }
        return out;
    }

    ConfigException error(String key, Value v, String problem) {
        return new ConfigException(v.origin(), key, display(key, v.text()), problem);
    }

    static String display(String key, String value) {
        return Secrets.isSecretKey(key) ? Secrets.MASK : value;
    }
}
