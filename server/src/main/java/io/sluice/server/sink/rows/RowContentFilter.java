package io.sluice.server.sink.rows;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.EventType;
import io.sluice.protocol.entry.CanalEntry.RowChange;
import io.sluice.protocol.entry.CanalEntry.RowData;
import io.sluice.server.entry.ParsedEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Keeps only the rows whose values match a per-table condition ({@code sluice.filter.rows}), evaluated on the
 * after image (the before image for deletes).
 *
 * <p>With transitions on ({@code sluice.filter.rows.transitions=true}), an UPDATE whose before image matched and
 * whose after image does not becomes a DELETE of the before image, and the reverse an INSERT of the after image,
 * so a mirror that holds only the matching rows stays correct. Without them such rows are dropped.
 */
public final class RowContentFilter {

    private final Map<String, RowPredicate> byTable;
    private final boolean transitions;

    public RowContentFilter(Map<String, RowPredicate> byTable, boolean transitions) {
        Map<String, RowPredicate> normalized = new LinkedHashMap<>();
        byTable.forEach((table, p) -> normalized.put(table.toLowerCase(Locale.ROOT), p));
        this.byTable = Map.copyOf(normalized);
        this.transitions = transitions;
    }

    /**
     * Parses {@code sluice.filter.rows}: items {@code schema.table: condition} separated by {@code ;} (outside
     * quotes). Errors name the key and the item.
     */
    public static RowContentFilter parse(String value, boolean transitions) {
        Map<String, RowPredicate> tables = new LinkedHashMap<>();
        for (String item : splitOutsideQuotes(value == null ? "" : value, ';')) {
            if (item.isBlank()) {
                continue;
            }
            int colon = item.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("sluice.filter.rows: '" + item.trim()
                        + "' is not 'schema.table: condition'");
            }
            String table = item.substring(0, colon).trim();
            if (!table.contains(".")) {
                throw new IllegalArgumentException("sluice.filter.rows: '" + table + "' is not schema.table");
            }
            try {
                tables.put(table, RowPredicate.parse(item.substring(colon + 1).trim()));
            } catch (RowFilterSyntaxException e) {
                throw new IllegalArgumentException("sluice.filter.rows (" + table + "): " + e.getMessage(), e);
            }
        }
        return new RowContentFilter(tables, transitions);
    }

    public boolean isEmpty() {
        return byTable.isEmpty();
    }

    /** Whether a condition applies to this entry: a row change (not DDL) of a table with a condition. */
    public boolean covers(ParsedEntry entry) {
        return predicate(entry) != null;
    }

    private RowPredicate predicate(ParsedEntry entry) {
        if (entry.entryType() != CanalEntry.EntryType.ROWDATA || !entry.isRowChange() || entry.isDdl()) {
            return null; // asked without parsing the bytes of an encoded entry
        }
        return byTable.get((entry.schema() + "." + entry.table()).toLowerCase(Locale.ROOT));
    }

    /**
     * Filters one entry. Entries of other tables, DDL and transaction entries pass unchanged. A filtered row
     * entry yields zero, one or (with transitions) up to three entries: the kept updates, the deletes and the
     * inserts, in that order, each with the entry's resume point (the sink's stage chain makes the pieces of a
     * split entry resume safely, once for all its stages).
     */
    public List<ParsedEntry> apply(ParsedEntry entry) {
        RowPredicate predicate = predicate(entry);
        if (predicate == null) {
            return List.of(entry);
        }
        RowChange change = entry.rowChange();
        List<RowData> kept = new ArrayList<>();
        List<RowData> becameDeletes = new ArrayList<>();
        List<RowData> becameInserts = new ArrayList<>();
        EventType type = change.getEventType();
        for (RowData row : change.getRowDatasList()) {
            switch (type) {
                case INSERT -> {
                    if (predicate.test(row.getAfterColumnsList())) {
                        kept.add(row);
                    }
                }
                case DELETE -> {
                    if (predicate.test(row.getBeforeColumnsList())) {
                        kept.add(row);
                    }
                }
                case UPDATE -> {
                    boolean before = predicate.test(row.getBeforeColumnsList());
                    boolean after = predicate.test(row.getAfterColumnsList());
                    if (before && after) {
                        kept.add(row);
                    } else if (before && transitions) {
                        becameDeletes.add(RowData.newBuilder().addAllBeforeColumns(row.getBeforeColumnsList()).build());
                    } else if (after && transitions) {
                        becameInserts.add(RowData.newBuilder().addAllAfterColumns(withAllUpdated(row.getAfterColumnsList())).build());
                    }
                }
                default -> kept.add(row);
            }
        }
        if (kept.size() == change.getRowDatasCount()) {
            return List.of(entry);
        }
        List<ParsedEntry> out = new ArrayList<>(3);
        add(out, entry, change, type, kept);
        add(out, entry, change, EventType.DELETE, becameDeletes);
        add(out, entry, change, EventType.INSERT, becameInserts);
        return out;
    }

    private static void add(List<ParsedEntry> out, ParsedEntry entry, RowChange change, EventType type, List<RowData> rows) {
        if (rows.isEmpty()) {
            return;
        }
        RowChange filtered = change.toBuilder().clearRowDatas().addAllRowDatas(rows).setEventType(type).build();
        CanalEntry.Header.Builder header = entry.header().toBuilder().setEventType(type);
        for (int i = 0; i < header.getPropsCount(); i++) {
            if ("rowsCount".equals(header.getProps(i).getKey())) {
                header.setProps(i, CanalEntry.Pair.newBuilder().setKey("rowsCount").setValue(Integer.toString(rows.size())));
            }
        }
        out.add(new ParsedEntry(header.build(), entry.entryType(), filtered, entry.position(), entry.resume(), entry.kind()));
    }

    private static List<CanalEntry.Column> withAllUpdated(List<CanalEntry.Column> columns) {
        // canal marks every column of an INSERT as updated (no before image to compare)
        List<CanalEntry.Column> out = new ArrayList<>(columns.size());
        for (CanalEntry.Column c : columns) {
            out.add(c.getUpdated() ? c : c.toBuilder().setUpdated(true).build());
        }
        return out;
    }

    static List<String> splitOutsideQuotes(String s, char separator) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == separator) {
                out.add(current.toString());
                current.setLength(0);
                continue;
            }
            current.append(c);
        }
        out.add(current.toString());
        return out;
    }
}
