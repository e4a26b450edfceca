package io.sluice.client.rows;

import io.sluice.protocol.entry.CanalEntry;
import java.util.List;

/**
 * Entries and row changes rebuilt with every field set from its getter, once from protobuf-java's parse and once
 * from the views: two results are equal exactly when every getter a user can call answers the same (presence and
 * unknown fields, which the views do not report, drop out).
 */
final class Normalized {

    private Normalized() {
    }

    static CanalEntry.Entry entry(CanalEntry.Entry e) {
        CanalEntry.Header h = e.getHeader();
        return CanalEntry.Entry.newBuilder().setEntryType(e.getEntryType()).setStoreValue(e.getStoreValue())
                .setHeader(CanalEntry.Header.newBuilder().setVersion(h.getVersion()).setLogfileName(h.getLogfileName())
                        .setLogfileOffset(h.getLogfileOffset()).setServerId(h.getServerId())
                        .setServerenCode(h.getServerenCode()).setExecuteTime(h.getExecuteTime())
                        .setSourceType(h.getSourceType()).setSchemaName(h.getSchemaName()).setTableName(h.getTableName())
                        .setEventLength(h.getEventLength()).setEventType(h.getEventType())
                        .addAllProps(pairs(h.getPropsList())).setGtid(h.getGtid()))
                .build();
    }

    static CanalEntry.Entry entry(EntryView v) {
        return CanalEntry.Entry.newBuilder().setEntryType(v.entryType()).setStoreValue(v.storeValue())
                .setHeader(CanalEntry.Header.newBuilder().setVersion(v.version()).setLogfileName(v.logfileName())
                        .setLogfileOffset(v.logfileOffset()).setServerId(v.serverId())
                        .setServerenCode(v.serverenCode()).setExecuteTime(v.executeTime())
                        .setSourceType(v.sourceType()).setSchemaName(v.schemaName()).setTableName(v.tableName())
                        .setEventLength(v.eventLength()).setEventType(v.eventType())
                        .addAllProps(pairs(v.props())).setGtid(v.gtid()))
                .build();
    }

    static CanalEntry.RowChange rowChange(CanalEntry.RowChange c) {
        CanalEntry.RowChange.Builder b = CanalEntry.RowChange.newBuilder().setTableId(c.getTableId())
                .setEventType(c.getEventType()).setIsDdl(c.getIsDdl()).setSql(c.getSql())
                .setDdlSchemaName(c.getDdlSchemaName()).addAllProps(pairs(c.getPropsList()));
        for (CanalEntry.RowData row : c.getRowDatasList()) {
            CanalEntry.RowData.Builder r = CanalEntry.RowData.newBuilder().addAllProps(pairs(row.getPropsList()));
            row.getBeforeColumnsList().forEach(col -> r.addBeforeColumns(column(col)));
            row.getAfterColumnsList().forEach(col -> r.addAfterColumns(column(col)));
            b.addRowDatas(r);
        }
        return b.build();
    }

    /** Reads the cursor from where it is (rewind with a fresh wrap) to its end. */
    static CanalEntry.RowChange rowChange(RowCursor c) {
        CanalEntry.RowChange.Builder b = CanalEntry.RowChange.newBuilder().setTableId(c.tableId())
                .setEventType(c.eventType()).setIsDdl(c.isDdl()).setSql(c.sql())
                .setDdlSchemaName(c.ddlSchemaName()).addAllProps(pairs(c.props()));
        while (c.next()) {
            CanalEntry.RowData.Builder r = CanalEntry.RowData.newBuilder().addAllProps(pairs(c.rowProps()));
            for (int i = 0; i < c.before().size(); i++) {
                r.addBeforeColumns(column(c.before(), i));
            }
            for (int i = 0; i < c.after().size(); i++) {
                r.addAfterColumns(column(c.after(), i));
            }
            b.addRowDatas(r);
        }
        return b.build();
    }

    private static CanalEntry.Column column(CanalEntry.Column c) {
        return CanalEntry.Column.newBuilder().setIndex(c.getIndex()).setSqlType(c.getSqlType()).setName(c.getName())
                .setIsKey(c.getIsKey()).setUpdated(c.getUpdated()).setIsNull(c.getIsNull())
                .addAllProps(pairs(c.getPropsList())).setValue(c.getValue()).setLength(c.getLength())
                .setMysqlType(c.getMysqlType()).build();
    }

    private static CanalEntry.Column column(RowImage image, int i) {
        return CanalEntry.Column.newBuilder().setIndex(image.index(i)).setSqlType(image.sqlType(i))
                .setName(image.name(i)).setIsKey(image.isKey(i)).setUpdated(image.updated(i))
                .setIsNull(image.isNull(i)).addAllProps(pairs(image.props(i))).setValue(image.value(i))
                .setLength(image.length(i)).setMysqlType(image.mysqlType(i)).build();
    }

    private static List<CanalEntry.Pair> pairs(List<CanalEntry.Pair> pairs) {
        return pairs.stream().map(p -> CanalEntry.Pair.newBuilder().setKey(p.getKey()).setValue(p.getValue()).build())
                .toList();
    }
}
