package io.sluice.client.console;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.Column;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders entries as one readable line per row change: operation, {@code db.table}, key, changed columns.
 * <pre>
 * INSERT shop.orders [id=2] status=paid amount=10.50
 * UPDATE shop.orders [id=1] status: new -> paid
 * DELETE shop.orders [id=2]
 * DDL    shop.orders ALTER TABLE orders ADD note TEXT
 * </pre>
 */
public final class RowPrinter {

    private RowPrinter() {
    }

    public static List<String> lines(CanalEntry.Entry entry) {
        List<String> out = new ArrayList<>();
        if (entry.getEntryType() != CanalEntry.EntryType.ROWDATA) {
            return out;
        }
        CanalEntry.RowChange change;
        try {
            change = CanalEntry.RowChange.parseFrom(entry.getStoreValue());
        } catch (InvalidProtocolBufferException e) {
            out.add("?      unreadable entry at " + entry.getHeader().getLogfileName() + ":" + entry.getHeader().getLogfileOffset());
            return out;
        }
        String table = entry.getHeader().getSchemaName() + (entry.getHeader().getTableName().isEmpty() ? ""
                : "." + entry.getHeader().getTableName());
        if (change.getIsDdl()) {
            out.add(String.format("%-6s %s %s", "DDL", table, change.getSql()));
            return out;
        }
        if (change.getRowDatasCount() == 0) {
            return out; // a QUERY entry (statement annotation); not a row change
        }
        for (CanalEntry.RowData row : change.getRowDatasList()) {
            out.add(line(change.getEventType(), table, row));
        }
        return out;
    }

    static String line(CanalEntry.EventType type, String table, CanalEntry.RowData row) {
        List<Column> image = type == CanalEntry.EventType.DELETE ? row.getBeforeColumnsList() : row.getAfterColumnsList();
        StringBuilder b = new StringBuilder(String.format("%-6s %s [", type.name(), table));
        boolean first = true;
        for (Column c : image) {
            if (c.getIsKey()) {
                b.append(first ? "" : ",").append(c.getName()).append('=').append(value(c));
                first = false;
            }
        }
        b.append(']');
        switch (type) {
            case INSERT -> image.stream().filter(c -> !c.getIsKey())
                    .forEach(c -> b.append(' ').append(c.getName()).append('=').append(value(c)));
            case UPDATE -> {
                for (Column after : row.getAfterColumnsList()) {
                    if (!after.getUpdated()) {
                        continue;
                    }
                    Column before = row.getBeforeColumnsList().stream()
                            .filter(c -> c.getName().equals(after.getName())).findFirst().orElse(null);
                    b.append(' ').append(after.getName()).append(": ")
                            .append(before == null ? "?" : value(before)).append(" -> ").append(value(after));
                }
            }
            default -> {
            }
        }
        return b.toString();
    }

    private static String value(Column c) {
        if (c.getIsNull()) {
            return "NULL";
        }
        String v = c.getValue();
        return v.length() > 60 ? v.substring(0, 57) + "..." : v;
    }
}
