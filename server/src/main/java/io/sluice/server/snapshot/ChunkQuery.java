package io.sluice.server.snapshot;

import io.sluice.server.parser.MasterSql;
import java.util.ArrayList;
import java.util.List;

/**
 * The SELECTs that read a table chunk by chunk in key order (keyset pagination): the first chunk from the start,
 * each later one after the last key read, never with OFFSET, so every chunk costs one index range read.
 *
 * <p>The predicate after key {@code (a1, a2, a3)} is written {@code k1 >= a1 AND (k1 > a1 OR (k1 = a1 AND
 * k2 > a2) OR (k1 = a1 AND k2 = a2 AND k3 > a3))} rather than as the row comparison {@code (k1, k2, k3) >
 * (a1, a2, a3)}: MariaDB does not turn a row comparison into an index range, and the leading {@code k1 >= a1}
 * gives both servers one.
 */
final class ChunkQuery {

    private final SnapshotTable table;
    private final String selectList;

    ChunkQuery(SnapshotTable table, String selectList) {
        this.table = table;
        this.selectList = selectList;
    }

    static String quote(String name) {
        return MasterSql.quote(name);
    }

    String from() {
        return quote(table.name().schema()) + "." + quote(table.name().table());
    }

    /** Key columns first (as {@link SnapshotTable.KeyColumn#select}), then the row's columns. */
    String chunk(boolean after, int limit) {
        List<String> keys = new ArrayList<>();
        List<String> order = new ArrayList<>();
        for (SnapshotTable.KeyColumn k : table.key()) {
            keys.add(k.select());
            order.add(quote(k.name()));
        }
        StringBuilder sql = new StringBuilder("SELECT ").append(String.join(", ", keys)).append(", ")
                .append(selectList).append(" FROM ").append(from());
        if (after) {
            sql.append(" WHERE ").append(predicate());
        }
        return sql.append(" ORDER BY ").append(String.join(", ", order)).append(" LIMIT ").append(limit).toString();
    }

    /** Parameters of {@link #chunk} after {@code lastKey}, in order. */
    List<String> parameters(List<String> lastKey) {
        List<String> out = new ArrayList<>();
        int n = table.key().size();
        if (n == 1) {
            return List.of(lastKey.get(0));
        }
        out.add(lastKey.get(0));
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                out.add(lastKey.get(j));
            }
        }
        return out;
    }

    private String predicate() {
        List<SnapshotTable.KeyColumn> key = table.key();
        SnapshotTable.KeyColumn first = key.get(0);
        if (key.size() == 1) {
            return quote(first.name()) + " > " + first.parameter();
        }
        List<String> terms = new ArrayList<>();
        for (int i = 0; i < key.size(); i++) {
            List<String> parts = new ArrayList<>();
            for (int j = 0; j < i; j++) {
                parts.add(quote(key.get(j).name()) + " = " + key.get(j).parameter());
            }
            parts.add(quote(key.get(i).name()) + " > " + key.get(i).parameter());
            terms.add(parts.size() == 1 ? parts.get(0) : "(" + String.join(" AND ", parts) + ")");
        }
        return quote(first.name()) + " >= " + first.parameter() + " AND (" + String.join(" OR ", terms) + ")";
    }

    /** A full scan of a table without a usable key, in the server's order. */
    String scan() {
        return "SELECT " + selectList + " FROM " + from();
    }
}
