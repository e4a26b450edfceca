package io.sluice.server.sink;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.ParsedEntry;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Built-in transform ({@code drop-columns}): removes columns from row images, e.g. large or private columns
 * nobody downstream needs. {@code sluice.transform.drop-columns=shop.user:password/avatar,crm.t:c}.
 */
public final class DropColumnsTransform implements EntryTransform {

    public static final String KEY = "sluice.transform.drop-columns";

    private final ColumnSelection columns;

    public DropColumnsTransform(Properties properties) {
        String list = properties.getProperty(KEY, "").trim();
        if (list.isEmpty()) {
            throw new TransformException(KEY + " is not set: name the columns to drop as db.table:col1/col2");
        }
        try {
            this.columns = ColumnSelection.parse(list);
        } catch (FilterSyntaxException e) {
            throw new TransformException(KEY + "=" + list + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void apply(ParsedEntry entry, Consumer<ParsedEntry> out) {
        Set<String> drop = entry.entryType() == CanalEntry.EntryType.ROWDATA
                ? columns.columns(entry.schema(), entry.table()) : null;
        if (drop == null || !(entry.payload() instanceof CanalEntry.RowChange rc) || rc.getIsDdl()) {
            out.accept(entry);
            return;
        }
        CanalEntry.RowChange changed = RowColumns.map(rc, c -> drop.contains(c.getName()) ? null : c);
        out.accept(changed == rc ? entry : entry.withPayload(changed));
    }
}
