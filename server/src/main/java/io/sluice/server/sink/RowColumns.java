package io.sluice.server.sink;

import io.sluice.protocol.entry.CanalEntry;
import java.util.function.UnaryOperator;

/** Rewrites the columns of every row image of a RowChange; the one place filters and transforms edit rows. */
final class RowColumns {

    private RowColumns() {
    }

    /**
     * Applies {@code f} to each column of each before and after image; {@code f} returns the column, a
     * changed column, or null to drop it. Returns the RowChange itself when nothing changed.
     */
    static CanalEntry.RowChange map(CanalEntry.RowChange rc, UnaryOperator<CanalEntry.Column> f) {
        CanalEntry.RowChange.Builder out = null;
        for (int r = 0; r < rc.getRowDatasCount(); r++) {
            CanalEntry.RowData row = rc.getRowDatas(r);
            CanalEntry.RowData.Builder before = mapImage(row.getBeforeColumnsList(), f, true);
            CanalEntry.RowData.Builder after = mapImage(row.getAfterColumnsList(), f, false);
            if (before == null && after == null && out == null) {
                continue;
            }
            if (out == null) {
                out = rc.toBuilder().clearRowDatas();
                for (int i = 0; i < r; i++) {
                    out.addRowDatas(rc.getRowDatas(i));
                }
            }
            CanalEntry.RowData.Builder b = row.toBuilder();
            if (before != null) {
                b.clearBeforeColumns().addAllBeforeColumns(before.getBeforeColumnsList());
            }
            if (after != null) {
                b.clearAfterColumns().addAllAfterColumns(after.getAfterColumnsList());
            }
            out.addRowDatas(b);
        }
        return out == null ? rc : out.build();
    }

    private static CanalEntry.RowData.Builder mapImage(java.util.List<CanalEntry.Column> columns,
                                                      UnaryOperator<CanalEntry.Column> f, boolean before) {
        CanalEntry.RowData.Builder b = null;
        for (int i = 0; i < columns.size(); i++) {
            CanalEntry.Column c = columns.get(i);
            CanalEntry.Column m = f.apply(c);
            if (m == c && b == null) {
                continue;
            }
            if (b == null) {
                b = CanalEntry.RowData.newBuilder();
                for (int j = 0; j < i; j++) {
                    if (before) {
                        b.addBeforeColumns(columns.get(j));
                    } else {
                        b.addAfterColumns(columns.get(j));
                    }
                }
            }
            if (m != null) {
                if (before) {
                    b.addBeforeColumns(m);
                } else {
                    b.addAfterColumns(m);
                }
            }
        }
        return b;
    }
}
