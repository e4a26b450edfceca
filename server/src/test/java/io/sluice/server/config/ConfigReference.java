package io.sluice.server.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Renders the key tables of docs/configuration.md from {@link ConfigKeys}, one table per {@link ConfigKeys.Section},
 * with canal 1.1.7's default read from canal's shipped files (so that column is never typed by hand). The rendered
 * text sits between {@link #BEGIN} and {@link #END} in the page; ConfigKeysTest compares it and, with
 * {@code -Dsluice.docs.regenerate=true}, writes it.
 */
final class ConfigReference {

    static final String BEGIN = "<!-- BEGIN GENERATED from io.sluice.server.config.ConfigKeys by ConfigKeysTest: "
            + "edit ConfigKeys, not this block; docs/architecture.md says how to regenerate it -->";
    static final String END = "<!-- END GENERATED -->";
    static final String REGENERATE = "mvn -o -q -B -pl server -am test -Dtest=ConfigKeysTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dsluice.docs.regenerate=true";

    /** canal's shipped files, in the order their values are named; canal_local.properties only as a fallback. */
    private static final List<String> CANAL_FILES = List.of("canal.properties", "example/instance.properties");
    private static final String CANAL_LOCAL = "canal_local.properties";

    private final Map<String, Properties> canal = new LinkedHashMap<>();

    ConfigReference(Path canalConf) throws IOException {
        for (String f : CANAL_FILES) {
            canal.put(f, load(canalConf.resolve(f)));
        }
        canal.put(CANAL_LOCAL, load(canalConf.resolve(CANAL_LOCAL)));
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    /** canal's shipped value of an exact key (trimmed), from canal.properties, else instance.properties; or null. */
    String shipped(String key) {
        for (String f : CANAL_FILES) {
            String v = canal.get(f).getProperty(key);
            if (v != null) {
                return v.trim();
            }
        }
        return null;
    }

    /** The generated block, markers included. */
    String render() {
        StringBuilder out = new StringBuilder(BEGIN).append("\n");
        for (ConfigKeys.Section s : ConfigKeys.Section.values()) {
            List<ConfigKeys.Key> keys = new ArrayList<>();
            ConfigKeys.all().stream().filter(k -> k.section() == s && k.applied()).forEach(keys::add);
            ConfigKeys.all().stream().filter(k -> k.section() == s && !k.applied()).forEach(keys::add);
            if (keys.isEmpty()) {
                continue;
            }
            out.append("\n### ").append(s.title()).append("\n\n").append(s.intro()).append("\n\n");
            out.append("| key | applied | Sluice's default | canal 1.1.7's default | meaning |\n");
            out.append("|---|---|---|---|---|\n");
            for (ConfigKeys.Key k : keys) {
                out.append("| `").append(k.name()).append("` | ")
                        .append(k.applied() ? "yes" : "**no**").append(" | ")
                        .append(k.applied() ? cell(k.sluiceDefault()) : "—").append(" | ")
                        .append(canalDefault(k)).append(" | ")
                        .append(k.applied() ? cell(k.text()) : "not applied: " + plain(k.instead()))
                        .append(" |\n");
            }
        }
        return out.append("\n").append(END).toString();
    }

    /** A plain-text reason (it is also a log line's text) in a Markdown cell: no tags, no column breaks. */
    private static String plain(String s) {
        return cell(s).replace("<", "&lt;");
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|");
    }

    /** canal's default of a key as canal ships it (as written in the file), with the file(s) it is in. */
    private String canalDefault(ConfigKeys.Key k) {
        if (k.name().startsWith("sluice.")) {
            return "— (Sluice's key)";
        }
        if (k.isPattern()) {
            return "(not in shipped file)";
        }
        // value shown → files holding it; for a prefix, one group per file listing its keys
        Map<String, List<String>> filesByValue = new LinkedHashMap<>();
        canal.forEach((file, props) -> {
            if (file.equals(CANAL_LOCAL) && !filesByValue.isEmpty()) {
                return;
            }
            List<String> under = new ArrayList<>();
            for (String name : new TreeSet<>(props.stringPropertyNames())) {
                if (matches(k, name)) {
                    String value = asWritten(props.getProperty(name));
                    if (k.isPrefix()) {
                        under.add("`" + name + " = " + value + "`");
                    } else {
                        filesByValue.computeIfAbsent(value.isEmpty() ? "\"\"" : "`" + value + "`",
                                x -> new ArrayList<>()).add(shortName(file));
                    }
                }
            }
            if (!under.isEmpty()) {
                filesByValue.put(String.join(", ", under), new ArrayList<>(List.of(shortName(file))));
            }
        });
        if (filesByValue.isEmpty()) {
            return "(not in shipped file)";
        }
        List<String> parts = new ArrayList<>();
        if (filesByValue.values().stream().allMatch(files -> files.equals(List.of(CANAL_LOCAL)))) {
            parts.add("not in canal.properties");
        }
        filesByValue.forEach((value, files) -> parts.add(value.replace("|", "\\|") + " (" + String.join(", ", files)
                + ")"));
        return String.join("; ", parts);
    }

    /** A loaded value as a properties file writes it (canal ships regexes with {@code \\.}). */
    private static String asWritten(String loaded) {
        return loaded.trim().replace("\\", "\\\\");
    }

    /** A shipped key belongs to this entry: the same name, or under its prefix and not registered on its own. */
    private static boolean matches(ConfigKeys.Key k, String shippedName) {
        if (!k.isPrefix()) {
            return k.name().equals(shippedName);
        }
        return ConfigKeys.find(shippedName) == k;
    }

    private static String shortName(String file) {
        return file.substring(file.lastIndexOf('/') + 1);
    }
}
