package io.sluice.server.sink;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.ParsedEntry;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Built-in transform ({@code mask-columns}): replaces the values of sensitive columns with a fixed text, in
 * before and after images, keeping NULLs NULL and the {@code updated} flags as they were (so consumers still
 * see that a masked column changed). {@code sluice.transform.mask-columns=shop.user:email/phone},
 * {@code sluice.transform.mask-columns.with=***} (the default).
 */
public final class MaskColumnsTransform implements EntryTransform {

    public static final String KEY = "sluice.transform.mask-columns";
    public static final String WITH_KEY = "sluice.transform.mask-columns.with";

    private final ColumnSelection columns;
    private final String mask;

    public MaskColumnsTransform(Properties properties) {
        String list = properties.getProperty(KEY, "").trim();
        if (list.isEmpty()) {
            throw new TransformException(KEY + " is not set: name the columns to mask as db.table:col1/col2");
        }
        try {
            this.columns = ColumnSelection.parse(list);
        } catch (FilterSyntaxException e) {
            throw new TransformException(KEY + "=" + list + ": " + e.getMessage(), e);
        }
        this.mask = properties.getProperty(WITH_KEY, "***");
    }

    @Override
    public void apply(ParsedEntry entry, Consumer<ParsedEntry> out) {
        Set<String> masked = entry.entryType() == CanalEntry.EntryType.ROWDATA
                ? columns.columns(entry.schema(), entry.table()) : null;
        if (masked == null || !(entry.payload() instanceof CanalEntry.RowChange rc) || rc.getIsDdl()) {
            out.accept(entry);
            return;
        }
        CanalEntry.RowChange changed = RowColumns.map(rc, c -> masked.contains(c.getName()) && !c.getIsNull()
                ? c.toBuilder().setValue(mask).build() : c);
        out.accept(changed == rc ? entry : entry.withPayload(changed));
    }
}
