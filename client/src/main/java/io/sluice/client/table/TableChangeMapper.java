package io.sluice.client.table;

import io.sluice.client.Entries;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.Column;
import io.sluice.protocol.entry.CanalEntry.EventType;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a batch's entries into target changes, in order: INSERT and UPDATE upsert the after-image (an UPDATE that
 * changes the primary key first deletes the old key), DELETE deletes the key, TRUNCATE and DROP TABLE empty the
 * target table. An ALTER TABLE of a synced table stops the sync unless its mapping says to go on
 * ({@link AlterRefusedException}). Entries of other tables are ignored.
 */
final class TableChangeMapper {

    private static final Logger log = LoggerFactory.getLogger(TableChangeMapper.class);

    private final TableSyncSettings settings;
    private final Set<String> warned = new HashSet<>();

    TableChangeMapper(TableSyncSettings settings) {
        this.settings = settings;
    }

    List<RowChange> map(List<CanalEntry.Entry> entries) {
        List<RowChange> changes = new ArrayList<>();
        for (CanalEntry.Entry entry : entries) {
            if (entry.getEntryType() != CanalEntry.EntryType.ROWDATA) {
                continue;
            }
            CanalEntry.Header h = entry.getHeader();
            TargetTable mapping = settings.mapping(h.getSchemaName(), h.getTableName());
            if (mapping == null) {
                continue;
            }
            CanalEntry.RowChange rc;
            try {
                rc = Entries.rowChange(entry);
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException("entry of " + mapping.fullName() + " at " + h.getLogfileName() + ":"
                        + h.getLogfileOffset() + " holds no RowChange", e);
            }
            if (rc.getIsDdl()) {
                ddl(changes, mapping, h, rc);
                continue;
            }
            for (CanalEntry.RowData row : rc.getRowDatasList()) {
                switch (rc.getEventType()) {
                    case INSERT -> upsert(changes, mapping, row.getAfterColumnsList());
                    case UPDATE -> {
                        RowChange.Delete old = delete(mapping, row.getBeforeColumnsList());
                        RowChange.Upsert now = upsert(changes, mapping, row.getAfterColumnsList());
                        if (old != null && now != null && !old.keyValues().equals(now.keyValues())) {
                            changes.add(changes.size() - 1, old); // the key moved: the old row goes first
                        }
                    }
                    case DELETE -> {
                        RowChange.Delete d = delete(mapping, row.getBeforeColumnsList());
                        if (d != null) {
                            changes.add(d);
                        }
                    }
                    default -> {
                    }
                }
            }
        }
        return changes;
    }

    private void ddl(List<RowChange> changes, TargetTable mapping, CanalEntry.Header h, CanalEntry.RowChange rc) {
        EventType type = rc.getEventType();
        if (type == EventType.TRUNCATE || type == EventType.ERASE) {
            changes.add(new RowChange.Truncate(mapping));
        } else if (type == EventType.ALTER || type == EventType.RENAME) {
            if (!mapping.followAlter()) {
                throw new AlterRefusedException("source table " + mapping.fullName() + " changed at "
                        + h.getLogfileName() + ":" + h.getLogfileOffset() + " (" + oneLine(rc.getSql())
                        + "); table sync does not alter " + mapping.target() + " itself: apply the change to the"
                        + " target (or adjust sync.table." + mapping.fullName() + ".columns), set sync.table."
                        + mapping.fullName() + ".alter=ignore and restart; the batch holding it was not acked");
            }
            log.info("source table {} changed ({}); going on as sync.table.{}.alter=ignore says", mapping.fullName(),
                    oneLine(rc.getSql()), mapping.fullName());
        }
    }

    private static String oneLine(String sql) {
        String s = sql.replaceAll("\\s+", " ").trim();
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    private RowChange.Upsert upsert(List<RowChange> changes, TargetTable mapping, List<Column> columns) {
        List<String> names = new ArrayList<>();
        List<RowChange.Value> values = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<RowChange.Value> keyValues = new ArrayList<>();
        for (Column c : columns) {
            String target = mapping.targetColumn(c.getName());
            if (c.getIsKey()) {
                if (target == null) {
                    throw new AlterRefusedException("sync.table." + mapping.fullName() + ".columns leaves out key column "
                            + c.getName() + ": rows of " + mapping.fullName() + " cannot be keyed in " + mapping.target());
                }
                keys.add(target);
                keyValues.add(value(c));
            }
            if (target != null) {
                names.add(target);
                values.add(value(c));
            }
        }
        if (!keyed(mapping, keys, keyValues)) {
            return null;
        }
        RowChange.Upsert u = new RowChange.Upsert(mapping, names, values, keys, keyValues);
        changes.add(u);
        return u;
    }

    private RowChange.Delete delete(TargetTable mapping, List<Column> columns) {
        List<String> keys = new ArrayList<>();
        List<RowChange.Value> keyValues = new ArrayList<>();
        for (Column c : columns) {
            if (c.getIsKey()) {
                String target = mapping.targetColumn(c.getName());
                keys.add(target == null ? c.getName() : target);
                keyValues.add(value(c));
            }
        }
        return keyed(mapping, keys, keyValues) ? new RowChange.Delete(mapping, keys, keyValues) : null;
    }

    private boolean keyed(TargetTable mapping, List<String> keys, List<RowChange.Value> keyValues) {
        if (!keys.isEmpty() && keyValues.stream().noneMatch(v -> v.text() == null)) {
            return true;
        }
        if (warned.add(mapping.fullName())) {
            log.warn("rows of {} have no primary key (or a NULL key column); they are not copied to {}",
                    mapping.fullName(), mapping.target());
        }
        return false;
    }

    private static RowChange.Value value(Column c) {
        if (c.getIsNull()) {
            return new RowChange.Value(null, false);
        }
        return new RowChange.Value(c.getValue(), isBinary(c.getSqlType()));
    }

    /** canal carries BINARY, VARBINARY, BLOB and GEOMETRY bytes as ISO-8859-1 strings. */
    private static boolean isBinary(int sqlType) {
        return sqlType == Types.BLOB || sqlType == Types.BINARY || sqlType == Types.VARBINARY
                || sqlType == Types.LONGVARBINARY;
    }
}
