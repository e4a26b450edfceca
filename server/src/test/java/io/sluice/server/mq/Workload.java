package io.sluice.server.mq;

import static io.sluice.server.mq.TestEntries.row;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.StoredEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A random stream of committed transactions (inserts, updates, deletes, multi-row events, DDL) over a few
 * tables, with what each row change must look like as a FlatMessage row: the source of truth the MQ
 * integration tests compare the broker's content with.
 */
final class Workload {

    /** One row change as a consumer must see it. {@code old} only for UPDATE. */
    record Change(String database, String table, String type, long es, Map<String, String> data,
                  Map<String, String> old) {

        String id() {
            return data.get("id");
        }

        String key() {
            return database + "." + table + ":" + id();
        }
    }

    record Ddl(String database, String table, String type, String sql, long es) {
    }

    final List<TestEntries.Table> tables;
    final List<StoredEntry> entries = new ArrayList<>();
    final List<Change> changes = new ArrayList<>();
    final List<Ddl> ddls = new ArrayList<>();
    private final Map<String, TreeMap<Integer, Map<String, String>>> state = new LinkedHashMap<>();
    private final TestEntries e = new TestEntries();
    private final Random random;
    private int nextId = 1;

    Workload(long seed, List<TestEntries.Table> tables) {
        this.random = new Random(seed);
        this.tables = tables;
        tables.forEach(t -> state.put(t.fullName(), new TreeMap<>()));
    }

    /** Appends {@code n} transactions; returns the entries they added. */
    List<StoredEntry> transactions(int n) {
        int from = entries.size();
        for (int i = 0; i < n; i++) {
            if (random.nextInt(40) == 0) {
                TestEntries.Table t = tables.get(random.nextInt(tables.size()));
                String sql = "ALTER TABLE " + t.name() + " COMMENT 'v" + i + "'";
                long es = e.executeTimeMillis();
                entries.add(e.ddl(t.schema(), t.name(), CanalEntry.EventType.ALTER, sql));
                ddls.add(new Ddl(t.schema(), t.name(), "ALTER", sql, es));
                continue;
            }
            entries.add(e.begin());
            int events = 1 + random.nextInt(3);
            for (int k = 0; k < events; k++) {
                event(tables.get(random.nextInt(tables.size())));
            }
            entries.add(e.end());
        }
        return entries.subList(from, entries.size());
    }

    private Map<String, String> randomRow(int id) {
        return row("id", id, "name", "n" + random.nextInt(1000),
                "score", random.nextInt(1000) + "." + String.format("%02d", random.nextInt(100)),
                "note", random.nextInt(4) == 0 ? null : "note \"" + random.nextInt(50) + "\" ü");
    }

    private void event(TestEntries.Table t) {
        TreeMap<Integer, Map<String, String>> rows = state.get(t.fullName());
        int kind = rows.size() < 3 ? 0 : random.nextInt(3);
        long es = e.executeTimeMillis();
        if (kind == 0) {
            List<Map<String, String>> inserted = new ArrayList<>();
            for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                Map<String, String> r = randomRow(nextId++);
                rows.put(Integer.parseInt(r.get("id")), r);
                inserted.add(r);
                changes.add(new Change(t.schema(), t.name(), "INSERT", es, r, null));
            }
            entries.add(e.insert(t, inserted));
        } else if (kind == 1) {
            List<Map<String, String>> before = new ArrayList<>();
            List<Map<String, String>> after = new ArrayList<>();
            for (Integer id : pick(rows, 1 + random.nextInt(3))) {
                Map<String, String> b = rows.get(id);
                Map<String, String> a = randomRow(id);
                if (random.nextBoolean()) {
                    a.put("name", b.get("name"));
                }
                before.add(b);
                after.add(a);
                rows.put(id, a);
            }
            entries.add(e.update(t, before, after));
            // each row's "old": the columns that changed in that row (canal's accumulation only when canal-compatible)
            for (int i = 0; i < before.size(); i++) {
                Map<String, String> old = new LinkedHashMap<>();
                for (String c : before.get(i).keySet()) {
                    if (!java.util.Objects.equals(before.get(i).get(c), after.get(i).get(c))) {
                        old.put(c, before.get(i).get(c));
                    }
                }
                changes.add(new Change(t.schema(), t.name(), "UPDATE", es, after.get(i), old));
            }
        } else {
            List<Map<String, String>> deleted = new ArrayList<>();
            for (Integer id : pick(rows, 1 + random.nextInt(2))) {
                Map<String, String> r = rows.remove(id);
                deleted.add(r);
                changes.add(new Change(t.schema(), t.name(), "DELETE", es, r, null));
            }
            entries.add(e.delete(t, deleted));
        }
    }

    private List<Integer> pick(TreeMap<Integer, Map<String, String>> rows, int n) {
        List<Integer> ids = new ArrayList<>(rows.keySet());
        List<Integer> picked = new ArrayList<>();
        for (int i = 0; i < n && !ids.isEmpty(); i++) {
            picked.add(ids.remove(random.nextInt(ids.size())));
        }
        return picked;
    }

    /** Each key's changes in commit order. */
    Map<String, List<Change>> changesByKey() {
        Map<String, List<Change>> byKey = new LinkedHashMap<>();
        changes.forEach(c -> byKey.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c));
        return byKey;
    }
}
