package io.sluice.server.mq;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.Column;
import io.sluice.protocol.entry.CanalEntry.EventType;
import io.sluice.protocol.flat.FlatMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A row or query entry as canal's FlatMessage (CANAL-PROTOCOL.md §4.1), field for field as canal's
 * {@code MQMessageUtils.messageConverter} fills it, quirks included:
 * <ul>
 *   <li>{@code pkNames} come from the first row only;</li>
 *   <li>{@code old} holds, per row, the before values of the columns flagged {@code updated} in that row. canal
 *       accumulates the flagged names over the rows of the entry, so that a later row's {@code old} names
 *       columns that changed only in earlier rows; a consumer reading {@code old} to learn what changed in
 *       <em>this</em> row is misled, so Sluice does that only under {@code sluice.values.canal-compatible};</li>
 *   <li>empty maps and lists are null, and DDL/QUERY entries have null row fields.</li>
 * </ul>
 */
final class FlatMessageConverter {

    private FlatMessageConverter() {
    }

    /** @return null for entries that are not published as FlatMessages (BEGIN/END and other non-row types) */
    static FlatMessage convert(CanalEntry.Entry entry, CanalEntry.RowChange rowChange, long batchId, long now,
                               boolean accumulateOld) {
        if (entry.getEntryType() != CanalEntry.EntryType.ROWDATA) {
            return null;
        }
        CanalEntry.Header header = entry.getHeader();
        EventType eventType = rowChange.getEventType();
        List<Map<String, String>> data = null;
        List<Map<String, String>> old = null;
        List<String> pkNames = null;
        Map<String, Integer> sqlType = null;
        Map<String, String> mysqlType = null;
        if (!rowChange.getIsDdl()) {
            boolean rows = eventType == EventType.INSERT || eventType == EventType.UPDATE
                    || eventType == EventType.DELETE;
            List<Map<String, String>> dataRows = new ArrayList<>();
            List<Map<String, String>> oldRows = new ArrayList<>();
            Map<String, Integer> sqlTypes = new LinkedHashMap<>();
            Map<String, String> mysqlTypes = new LinkedHashMap<>();
            Set<String> updated = new HashSet<>();
            boolean first = true;
            for (CanalEntry.RowData rowData : rows ? rowChange.getRowDatasList() : List.<CanalEntry.RowData>of()) {
                List<Column> columns = eventType == EventType.DELETE ? rowData.getBeforeColumnsList()
                        : rowData.getAfterColumnsList();
                Map<String, String> row = new LinkedHashMap<>();
                if (!accumulateOld) {
                    updated.clear();
                }
                for (Column column : columns) {
                    if (first && column.getIsKey()) {
                        if (pkNames == null) {
                            pkNames = new ArrayList<>();
                        }
                        pkNames.add(column.getName());
                    }
                    sqlTypes.put(column.getName(), column.getSqlType());
                    mysqlTypes.put(column.getName(), column.getMysqlType());
                    row.put(column.getName(), column.getIsNull() ? null : column.getValue());
                    if (column.getUpdated()) {
                        updated.add(column.getName());
                    }
                }
                first = false;
                if (!row.isEmpty()) {
                    dataRows.add(row);
                }
                if (eventType == EventType.UPDATE) {
                    Map<String, String> before = new LinkedHashMap<>();
                    for (Column column : rowData.getBeforeColumnsList()) {
                        if (updated.contains(column.getName())) {
                            before.put(column.getName(), column.getIsNull() ? null : column.getValue());
                        }
                    }
                    oldRows.add(before);
                }
            }
            data = dataRows.isEmpty() ? null : dataRows;
            old = oldRows.isEmpty() ? null : oldRows;
            sqlType = sqlTypes.isEmpty() ? null : sqlTypes;
            mysqlType = mysqlTypes.isEmpty() ? null : mysqlTypes;
        }
        return new FlatMessage(data, header.getSchemaName(), header.getExecuteTime(), header.getGtid(), batchId,
                rowChange.getIsDdl(), mysqlType, old, pkNames, rowChange.getSql(), sqlType, header.getTableName(),
                now, eventType.name());
    }
}
