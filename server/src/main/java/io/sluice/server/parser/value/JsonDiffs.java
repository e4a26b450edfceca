package io.sluice.server.parser.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * MySQL 8 partial JSON updates ({@code binlog_row_value_options=PARTIAL_JSON}): the after image of a JSON column
 * holds a list of diffs (operation, path, binary JSON value) instead of the document. Applied to the document
 * of the before image they give the new document; without a before document (a MINIMAL before image) they can
 * only be shown as the SQL expression MySQL and canal print.
 */
public final class JsonDiffs {

    private static final int REPLACE = 0;
    private static final int INSERT = 1;
    private static final int REMOVE = 2;

    private final List<Diff> diffs;

    private JsonDiffs(List<Diff> diffs) {
        this.diffs = diffs;
    }

    private record Diff(int operation, String path, JsonNode value) {
    }

    /** Diffs in {@code b[from, from + length)}: operation byte, length-encoded path, length-encoded value. */
    public static JsonDiffs parse(byte[] b, int from, int length) {
        List<Diff> diffs = new ArrayList<>();
        int p = from;
        int end = from + length;
        while (p < end) {
            int operation = b[p++] & 0xFF;
            if (operation > REMOVE) {
                throw new IllegalArgumentException("unknown JSON diff operation " + operation);
            }
            long[] pathLength = packed(b, p);
            p = (int) pathLength[1];
            String path = new String(b, p, (int) pathLength[0], StandardCharsets.UTF_8);
            p += (int) pathLength[0];
            JsonNode value = null;
            if (operation != REMOVE) {
                long[] valueLength = packed(b, p);
                p = (int) valueLength[1];
                value = JsonBinary.parse(b, p, (int) valueLength[0]);
                p += (int) valueLength[0];
            }
            diffs.add(new Diff(operation, path, value));
        }
        return new JsonDiffs(diffs);
    }

    /** The document after the diffs; {@code document} is not modified. */
    public JsonNode applyTo(JsonNode document) {
        JsonNode doc = document.deepCopy();
        for (Diff d : diffs) {
            List<Object> legs = legs(d.path);
            if (legs.isEmpty()) {
                if (d.operation == REPLACE) {
                    doc = d.value;
                }
                continue;
            }
            JsonNode parent = doc;
            for (int i = 0; i < legs.size() - 1 && parent != null; i++) {
                Object leg = legs.get(i);
                parent = leg instanceof Integer index ? parent.get(index) : parent.get((String) leg);
            }
            Object last = legs.get(legs.size() - 1);
            if (parent instanceof ObjectNode object && last instanceof String key) {
                if (d.operation == REMOVE) {
                    object.remove(key);
                } else if (d.operation == INSERT ? !object.has(key) : object.has(key)) {
                    object.set(key, d.value);
                }
            } else if (parent instanceof ArrayNode array && last instanceof Integer index) {
                if (d.operation == REMOVE) {
                    if (index < array.size()) {
                        array.remove(index);
                    }
                } else if (d.operation == INSERT) {
                    array.insert(Math.min(index, array.size()), d.value);
                } else if (index < array.size()) {
                    array.set(index, d.value);
                }
            }
        }
        return doc;
    }

    /** {@code JSON_REPLACE(col, '$.a', 1)}, consecutive diffs of one function merged, as MySQL prints them. */
    public String expression(String column) {
        String expr = column;
        int i = 0;
        while (i < diffs.size()) {
            String name = functionName(diffs.get(i));
            StringBuilder call = new StringBuilder(name).append('(').append(expr);
            while (i < diffs.size() && functionName(diffs.get(i)).equals(name)) {
                Diff d = diffs.get(i++);
                call.append(", '").append(d.path).append('\'');
                if (d.value != null) {
                    call.append(", ").append(JsonText.write(d.value));
                }
            }
            expr = call.append(')').toString();
        }
        return expr;
    }

    private static String functionName(Diff d) {
        return switch (d.operation) {
            case REPLACE -> "JSON_REPLACE";
            case INSERT -> d.path.endsWith("]") ? "JSON_ARRAY_INSERT" : "JSON_INSERT";
            default -> "JSON_REMOVE";
        };
    }

    /** {@code $.a."b c"[2]} as legs: String member names and Integer array indexes. */
    static List<Object> legs(String path) {
        List<Object> legs = new ArrayList<>();
        int i = path.startsWith("$") ? 1 : 0;
        while (i < path.length()) {
            char c = path.charAt(i);
            if (c == '.') {
                i++;
                if (i < path.length() && path.charAt(i) == '"') {
                    StringBuilder key = new StringBuilder();
                    i++;
                    while (i < path.length() && path.charAt(i) != '"') {
                        if (path.charAt(i) == '\\' && i + 1 < path.length()) {
                            i++;
                        }
                        key.append(path.charAt(i++));
                    }
                    i++;
                    legs.add(key.toString());
                } else {
                    int start = i;
                    while (i < path.length() && path.charAt(i) != '.' && path.charAt(i) != '[') {
                        i++;
                    }
                    legs.add(path.substring(start, i));
                }
            } else if (c == '[') {
                int close = path.indexOf(']', i);
                legs.add(Integer.parseInt(path.substring(i + 1, close).trim()));
                i = close + 1;
            } else {
                i++;
            }
        }
        return legs;
    }

    private static long[] packed(byte[] b, int p) {
        int first = b[p] & 0xFF;
        if (first < 0xFB) {
            return new long[] {first, p + 1};
        }
        int n = first == 0xFC ? 2 : first == 0xFD ? 3 : 8;
        long v = 0;
        for (int i = n; i >= 1; i--) {
            v = (v << 8) | (b[p + i] & 0xFF);
        }
        return new long[] {v, p + 1 + n};
    }
}
