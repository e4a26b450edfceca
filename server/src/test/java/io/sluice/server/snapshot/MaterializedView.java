package io.sluice.server.snapshot;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.testkit.TestDatabase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a consumer builds from a destination's entries: each table's rows, applied by key (INSERT and UPDATE put
 * the after image, DELETE removes; a table without a key is a multiset of whole rows). Records what a test
 * checks beyond the final state: snapshot rows per table, the stream positions of snapshot and binlog rows, and,
 * per key, whether a value older than one already seen ever arrived (by a monotonic version column).
 */
final class MaterializedView {

    /**
     * @param key         columns identifying a row; empty = the table is a multiset of rows
     * @param sourceQuery a SELECT of the source table whose column values print as Sluice renders them
     * @param version     a column that only grows per key, or null
     */
    record TableSpec(String schema, String table, List<String> key, String sourceQuery, String version) {

        String name() {
            return schema + "." + table;
        }
    }

    private final Map<String, TableSpec> specs = new LinkedHashMap<>();
    private final Map<String, Map<String, Map<String, String>>> keyed = new HashMap<>();
    private final Map<String, Map<String, Integer>> multisets = new HashMap<>();
    private final Map<String, Long> newestVersion = new HashMap<>();
    final Map<String, Integer> snapshotRows = new TreeMap<>();
    final Map<String, Integer> snapshotDuplicates = new TreeMap<>();
    private final Map<String, java.util.Set<String>> snapshotKeys = new HashMap<>();
    final List<String> versionRegressions = new ArrayList<>();
    /** Binlog positions (file:offset) of the first snapshot row entries and of every non-snapshot row entry. */
    final List<String> snapshotPositions = new ArrayList<>();
    final List<CanalEntry.Header> binlogRowHeaders = new ArrayList<>();
    /** Key of every snapshot row, in arrival order, per table. */
    final Map<String, List<String>> snapshotKeyOrder = new HashMap<>();
    int entries;
    /** Per table and key, what arrived for it (for failure messages). */
    private final Map<String, List<String>> history = new HashMap<>();

    MaterializedView(TableSpec... tables) {
        for (TableSpec t : tables) {
            specs.put(t.name(), t);
        }
    }

    /** A copy of {@link #snapshotKeyOrder}'s keys of {@code table}, safe to read while a consumer applies entries. */
    synchronized List<String> snapshotKeysOf(String table) {
        return List.copyOf(snapshotKeyOrder.getOrDefault(table, List.of()));
    }

    synchronized void apply(CanalEntry.Entry e) throws InvalidProtocolBufferException {
        entries++;
        if (e.getEntryType() != CanalEntry.EntryType.ROWDATA) {
            return;
        }
        CanalEntry.RowChange rc = CanalEntry.RowChange.parseFrom(e.getStoreValue());
        if (rc.getIsDdl()) {
            return;
        }
        String table = e.getHeader().getSchemaName() + "." + e.getHeader().getTableName();
        TableSpec spec = specs.get(table);
        if (spec == null) {
            return;
        }
        boolean snapshot = e.getHeader().getPropsList().stream()
                .anyMatch(p -> p.getKey().equals("snapshot") && p.getValue().equals("true"));
        if (snapshot) {
            snapshotPositions.add(e.getHeader().getLogfileName() + ":" + e.getHeader().getLogfileOffset());
        } else {
            binlogRowHeaders.add(e.getHeader());
        }
        String at = e.getHeader().getLogfileName() + ":" + e.getHeader().getLogfileOffset();
        for (CanalEntry.RowData row : rc.getRowDatasList()) {
            Map<String, String> before = columns(row.getBeforeColumnsList());
            Map<String, String> after = columns(row.getAfterColumnsList());
            if (!spec.key().isEmpty()) {
                Map<String, String> image = rc.getEventType() == CanalEntry.EventType.DELETE ? before : after;
                history.computeIfAbsent(spec.name() + "/" + key(spec, image), x -> new ArrayList<>())
                        .add((snapshot ? "snapshot " : "") + rc.getEventType() + " at " + at + " " + image);
            }
            if (snapshot) {
                if (rc.getEventType() != CanalEntry.EventType.INSERT) {
                    throw new AssertionError("snapshot row of " + table + " is a " + rc.getEventType());
                }
                snapshotRows.merge(table, 1, Integer::sum);
                String k = spec.key().isEmpty() ? whole(after) : key(spec, after);
                snapshotKeyOrder.computeIfAbsent(table, x -> new ArrayList<>()).add(k);
                if (!spec.key().isEmpty() && !snapshotKeys.computeIfAbsent(table, x -> new java.util.HashSet<>()).add(k)) {
                    snapshotDuplicates.merge(table, 1, Integer::sum);
                }
            }
            switch (rc.getEventType()) {
                case INSERT -> put(spec, after);
                case UPDATE -> {
                    remove(spec, before);
                    put(spec, after);
                }
                case DELETE -> remove(spec, before);
                default -> {
                }
            }
        }
    }

    private void put(TableSpec spec, Map<String, String> row) {
        if (spec.key().isEmpty()) {
            multisets.computeIfAbsent(spec.name(), x -> new HashMap<>()).merge(whole(row), 1, Integer::sum);
            return;
        }
        String k = key(spec, row);
        version(spec, k, row);
        keyed.computeIfAbsent(spec.name(), x -> new HashMap<>()).put(k, row);
    }

    private void remove(TableSpec spec, Map<String, String> row) {
        if (spec.key().isEmpty()) {
            multisets.computeIfAbsent(spec.name(), x -> new HashMap<>()).computeIfPresent(whole(row),
                    (x, n) -> n == 1 ? null : n - 1);
            return;
        }
        String k = key(spec, row);
        version(spec, k, row);
        keyed.computeIfAbsent(spec.name(), x -> new HashMap<>()).remove(k);
    }

    private void version(TableSpec spec, String k, Map<String, String> row) {
        if (spec.version() == null || row.get(spec.version()) == null) {
            return;
        }
        long v = Long.parseLong(row.get(spec.version()));
        String id = spec.name() + "/" + k;
        Long newest = newestVersion.get(id);
        if (newest != null && v < newest) {
            versionRegressions.add(id + ": version " + v + " arrived after " + newest);
        } else {
            newestVersion.put(id, v);
        }
    }

    private static Map<String, String> columns(List<CanalEntry.Column> columns) {
        Map<String, String> out = new TreeMap<>();
        for (CanalEntry.Column c : columns) {
            out.put(c.getName(), c.getIsNull() ? null : c.getValue());
        }
        return out;
    }

    private static String key(TableSpec spec, Map<String, String> row) {
        StringBuilder s = new StringBuilder();
        for (String k : spec.key()) {
            s.append(row.get(k)).append('\u0001');
        }
        return s.toString();
    }

    private static String whole(Map<String, String> row) {
        return row.toString();
    }

    /** Differences between this view and the source tables; empty when they are equal. */
    synchronized List<String> differences(TestDatabase db) {
        List<String> out = new ArrayList<>();
        for (TableSpec spec : specs.values()) {
            List<Map<String, String>> source = db.query(spec.sourceQuery());
            if (spec.key().isEmpty()) {
                Map<String, Integer> expected = new HashMap<>();
                for (Map<String, String> r : source) {
                    expected.merge(whole(new TreeMap<>(r)), 1, Integer::sum);
                }
                Map<String, Integer> actual = multisets.getOrDefault(spec.name(), Map.of());
                if (!expected.equals(actual)) {
                    out.add(spec.name() + ": " + expected.size() + " distinct rows expected, view has " + actual.size()
                            + (out.isEmpty() ? " " + sample(expected, actual) : ""));
                }
                continue;
            }
            Map<String, Map<String, String>> expected = new HashMap<>();
            for (Map<String, String> r : source) {
                expected.put(key(spec, r), new TreeMap<>(r));
            }
            Map<String, Map<String, String>> actual = keyed.getOrDefault(spec.name(), Map.of());
            if (!expected.equals(actual)) {
                String k = firstDifference(expected, actual);
                out.add(spec.name() + ": " + expected.size() + " rows expected, view has " + actual.size() + " "
                        + sample(expected, actual) + "; history of that key: "
                        + history.getOrDefault(spec.name() + "/" + k, List.of()));
            }
        }
        return out;
    }

    private static <V> String firstDifference(Map<String, V> expected, Map<String, V> actual) {
        for (Map.Entry<String, V> e : expected.entrySet()) {
            if (!e.getValue().equals(actual.get(e.getKey()))) {
                return e.getKey();
            }
        }
        for (String k : actual.keySet()) {
            if (!expected.containsKey(k)) {
                return k;
            }
        }
        return "";
    }

    private static <V> String sample(Map<String, V> expected, Map<String, V> actual) {
        for (Map.Entry<String, V> e : expected.entrySet()) {
            if (!e.getValue().equals(actual.get(e.getKey()))) {
                return "e.g. " + e.getKey() + " expected " + e.getValue() + " got " + actual.get(e.getKey());
            }
        }
        for (Map.Entry<String, V> e : actual.entrySet()) {
            if (!expected.containsKey(e.getKey())) {
                return "e.g. unexpected " + e.getKey() + " = " + e.getValue();
            }
        }
        return "";
    }
}
