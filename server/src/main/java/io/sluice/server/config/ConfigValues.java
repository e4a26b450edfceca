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
import java.util.concurrent.ConcurrentHashMap;

/**
 * Configuration values resolved as canal resolves them (CANAL-PROTOCOL.md §6.1): a JVM system property wins,
 * then an environment variable with the exact key name, then the files in the order given (for an
 * instance: its {@code instance.properties}, then {@code canal.properties}). Values are trimmed; an empty
 * value counts as unset. Every typed read records the key, so that keys nobody read can be reported as
 * unknown, and every error names the origin of the value.
 */
final class ConfigValues {

    /** One source of values, e.g. a file; origin is what error messages call it. */
    record Layer(String origin, Map<String, String> values, boolean isFile) {
    }

    /** A value and where it came from. */
    record Value(String text, String origin) {
    }

    private final List<Layer> layers;
    private final Set<String> read = ConcurrentHashMap.newKeySet();

    ConfigValues(List<Layer> layers) {
        this.layers = List.copyOf(layers);
    }

    static ConfigValues of(Properties system, Map<String, String> env, List<Layer> files) {
        List<Layer> all = new ArrayList<>();
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

    /** The resolved, trimmed, non-empty value, or null. Marks the key as read. */
    Value find(String key) {
        read.add(key);
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

    /** Marks a canal key that Sluice parses and ignores; logged once if it is set. */
    void accept(String key, ConfigNotices notices) {
        Value v = find(key);
        if (v != null) {
            notices.ignoredKey(v.origin(), key);
        }
    }

    /** Keys set in a file under a prefix (e.g. {@code kafka.}), marked as read, prefix removed. */
    Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = layers.size() - 1; i >= 0; i--) {
            for (Map.Entry<String, String> e : layers.get(i).values().entrySet()) {
                if (e.getKey().startsWith(prefix)) {
                    read.add(e.getKey());
                    out.put(e.getKey().substring(prefix.length()), e.getValue().trim());
                }
            }
        }
        return out;
    }

    /** Keys set in files that nothing read, in order, each with the file it is in. */
    Map<String, String> unreadFileKeys() {
        Map<String, String> out = new java.util.TreeMap<>();
        for (Layer layer : layers) {
            if (!layer.isFile()) {
                continue;
            }
            for (String k : new TreeSet<>(layer.values().keySet())) {
                if (!read.contains(k)) {
                    out.putIfAbsent(k, layer.origin());
                }
            }
        }
        return out;
    }

    Set<String> fileKeys(String origin) {
        for (Layer layer : layers) {
            if (layer.origin().equals(origin)) {
                return layer.values().keySet();
            }
        }
        return Set.of();
    }

    ConfigException error(String key, Value v, String problem) {
        return new ConfigException(v.origin(), key, display(key, v.text()), problem);
    }

    static String display(String key, String value) {
        return Secrets.isSecretKey(key) ? Secrets.MASK : value;
    }
}
