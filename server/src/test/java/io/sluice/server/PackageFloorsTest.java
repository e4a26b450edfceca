package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keeps the floors of {@code docs/architecture.md}: data flows down, so a room (a package directly under
 * {@code io.sluice.server}, with its sub-packages) uses only rooms on lower floors, and no package of the server
 * takes part in an import loop (sub-packages of one room included). {@link #FLOORS} is the source of truth; the
 * page quotes it.
 *
 * <p>Read from the main sources rather than the classes: an import, and a fully qualified name in code, are both
 * dependencies; comments and string literals are not. A constant inlined by the compiler would not show in the
 * bytecode, a source line always does.
 */
@Timeout(60)
class PackageFloorsTest {

    private static final String BASE = "io.sluice.server";
    private static final String ROOT = "(root)";

    /** Lowest floor first. A room imports only rooms of floors below its own, never one beside it. */
    static final List<List<String>> FLOORS = List.of(
            List.of("position", "files", "admin"), // values and helpers that use nothing of the server
            List.of("entry"),
            List.of("store", "meta"),              // meta owns the doors ha implements (Fence, NodeAccess)
            List.of("ha"),
            List.of("sink"),
            List.of("parser"),                     // owns MasterTransport, which tls implements
            List.of("config"),                     // builds the settings records of the rooms below it
            List.of("tls", "snapshot"),
            List.of("instance"),                   // DestinationWiring: builds one destination from the config
            List.of("net", "mq", "clients"),
            List.of("metrics"),                    // the admin port: /metrics, /status, DestinationStatsCollector
            List.of("console"),
            List.of(ROOT));

    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern NAME = Pattern.compile("\\bio\\.sluice\\.server(?:\\.[A-Za-z_$][\\w$]*)+");

    /** package → package it uses → the files that use it. */
    private static final Map<String, Map<String, Set<String>>> USES = new TreeMap<>();
    private static final Set<String> PACKAGES = new TreeSet<>();

    @BeforeAll
    static void readSources() throws IOException {
        Path base = SOURCES.resolve(BASE.replace('.', '/'));
        assertThat(base).as("run from the server module").isDirectory();
        List<Path> files;
        try (Stream<Path> s = Files.walk(base)) {
            files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        Map<Path, String> packageOf = new HashMap<>();
        for (Path f : files) {
            String pkg = SOURCES.relativize(f.getParent()).toString().replace('/', '.').replace('\\', '.');
            packageOf.put(f, pkg);
            PACKAGES.add(pkg);
        }
        for (Path f : files) {
            String from = packageOf.get(f);
            Matcher m = NAME.matcher(codeOnly(Files.readString(f, StandardCharsets.UTF_8)));
            while (m.find()) {
                String to = packageNamed(m.group());
                if (to != null && !to.equals(from)) {
                    USES.computeIfAbsent(from, k -> new TreeMap<>()).computeIfAbsent(to, k -> new TreeSet<>())
                            .add(base.relativize(f).toString());
                }
            }
        }
    }

    @Test
    void everyRoomStandsOnExactlyOneFloor() {
        Set<String> rooms = PACKAGES.stream().map(PackageFloorsTest::room)
                .collect(Collectors.toCollection(TreeSet::new));
        List<String> listed = FLOORS.stream().flatMap(List::stream).toList();
        assertThat(listed).as("a room on two floors").doesNotHaveDuplicates();
        assertThat(listed).as("rooms of the main code: place a new package on a floor of FLOORS and in "
                + "docs/architecture.md").containsAll(rooms);
        assertThat(rooms).as("a room of FLOORS that no longer exists").containsAll(listed);
    }

    @Test
    void noRoomUsesARoomOnItsOwnFloorOrAbove() {
        List<String> up = new ArrayList<>();
        USES.forEach((from, targets) -> targets.forEach((to, files) -> {
            String a = room(from);
            String b = room(to);
            if (!a.equals(b) && floor(b) >= floor(a)) {
                up.add(a + " (floor " + floor(a) + ") uses " + b + " (floor " + floor(b) + ") in " + files);
            }
        }));
        assertThat(up).as("arrows that do not go down the floors of PackageFloorsTest.FLOORS: pass a narrow "
                + "interface owned by the lower room instead, or move the class to the floor it belongs on").isEmpty();
    }

    @Test
    void noPackageTakesPartInAnImportLoop() {
        List<String> loops = new ArrayList<>();
        for (Set<String> component : stronglyConnected()) {
            if (component.size() > 1) {
                StringBuilder b = new StringBuilder("loop " + component + ":");
                for (String from : component) {
                    USES.getOrDefault(from, Map.of()).forEach((to, files) -> {
                        if (component.contains(to)) {
                            b.append("\n  ").append(from).append(" -> ").append(to).append(" in ").append(files);
                        }
                    });
                }
                loops.add(b.toString());
            }
        }
        assertThat(loops).isEmpty();
    }

    /** Tarjan's strongly connected components of the package graph. */
    private static List<Set<String>> stronglyConnected() {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> out = new ArrayList<>();
        for (String p : PACKAGES) {
            if (!index.containsKey(p)) {
                visit(p, index, low, stack, onStack, out);
            }
        }
        return out;
    }

    private static void visit(String v, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
                              Set<String> onStack, List<Set<String>> out) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        for (String w : USES.getOrDefault(v, Map.of()).keySet()) {
            if (!index.containsKey(w)) {
                visit(w, index, low, stack, onStack, out);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            out.add(component);
        }
    }

    /** The longest package of the server a qualified name starts with (a class, a member or a wildcard). */
    private static String packageNamed(String qualified) {
        String name = qualified;
        while (name.length() > BASE.length()) {
            if (PACKAGES.contains(name)) {
                return name;
            }
            name = name.substring(0, name.lastIndexOf('.'));
        }
        return PACKAGES.contains(name) ? name : null;
    }

    private static String room(String pkg) {
        if (pkg.equals(BASE)) {
            return ROOT;
        }
        String rest = pkg.substring(BASE.length() + 1);
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    private static int floor(String room) {
        for (int i = 0; i < FLOORS.size(); i++) {
            if (FLOORS.get(i).contains(room)) {
                return i + 1;
            }
        }
        throw new AssertionError("room " + room + " stands on no floor of PackageFloorsTest.FLOORS");
    }

    /** The source with comments, string, text-block and character literals blanked out. */
    static String codeOnly(String src) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                int end = src.indexOf('\n', i);
                i = end < 0 ? n : end;
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                int end = src.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                while (end > 0 && src.charAt(end - 1) == '\\') {
                    end = src.indexOf("\"\"\"", end + 1);
                }
                i = end < 0 ? n : end + 3;
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && src.charAt(j) != c && src.charAt(j) != '\n') {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    @Test
    void commentsAndLiteralsAreNotDependencies() {
        String code = codeOnly("import io.sluice.server.a.B; // io.sluice.server.c\n/* io.sluice.server.d */ "
                + "char q = '\"'; String s = \"io.sluice.server.e\"; String t = \"\"\"\n io.sluice.server.f\"\"\"; "
                + "io.sluice.server.g.H h;");
        Matcher m = NAME.matcher(code);
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add(m.group());
        }
        assertThat(found).containsExactly("io.sluice.server.a.B", "io.sluice.server.g.H");
    }
}
