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
 * target table. An ALTER TABLE of a synced table stops the sync ({@link AlterRefusedException}) unless its mapping
 * says to go on ({@code alter=ignore}) or to follow it ({@code alter=follow}: ADD, DROP and RENAME COLUMN become
 * target changes applied in the batch's transaction; a type change passes only if the target type stays the same).
 * Entries of other tables are ignored.
 */
final class TableChangeMapper {

    private static final Logger log = LoggerFactory.getLogger(TableChangeMapper.class);

    private final TableSyncSettings settings;
    private final SqlDialect dialect;
    private final Set<String> warned = new HashSet<>();
    /** The position of the entry being mapped. */
    private SourcePosition at;

    TableChangeMapper(TableSyncSettings settings) {
        this.settings = settings;
        this.dialect = SqlDialect.of(settings.targetUrl());
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
            at = h.getLogfileName().isEmpty() ? null : new SourcePosition(h.getLogfileName(), h.getLogfileOffset());
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
            changes.add(new RowChange.Truncate(mapping, at));
        } else if (type == EventType.ALTER || type == EventType.RENAME) {
            String where = mapping.fullName() + " changed at " + h.getLogfileName() + ":" + h.getLogfileOffset()
                    + " (" + oneLine(rc.getSql()) + ")";
            switch (mapping.alter()) {
                case IGNORE -> log.info("source table {}; going on as sync.table.{}.alter=ignore says", where,
                        mapping.fullName());
                case FOLLOW -> follow(changes, mapping, where, type == EventType.RENAME ? null : rc.getSql(),
                        h.getLogfileName() + ":" + h.getLogfileOffset());
                default -> throw new AlterRefusedException("source table " + where + "; table sync does not alter "
                        + mapping.target() + " itself: apply the change to the target (or adjust sync.table."
                        + mapping.fullName() + ".columns), set sync.table." + mapping.fullName() + ".alter=ignore and"
                        + " restart, or let it follow column changes with sync.table." + mapping.fullName()
                        + ".alter=follow; the batch holding it was not acked");
            }
        }
    }

    /** ADD/DROP/RENAME COLUMN, MODIFY/CHANGE as target changes; anything else stops the sync before any of it. */
    private void follow(List<RowChange> changes, TargetTable mapping, String where, String sql, String position) {
        List<AlterStatement.Clause> clauses = sql == null ? List.of(new AlterStatement.Other("RENAME TABLE"))
                : AlterStatement.parse(sql);
        String statement = (sql == null ? "RENAME TABLE" : oneLine(sql)) + " at " + position;
        List<RowChange> out = new ArrayList<>();
        List<String> notAdded = new ArrayList<>();
        for (AlterStatement.Clause clause : clauses) {
            if (clause instanceof AlterStatement.Other o) {
                throw refused(mapping, where, "'" + oneLine(o.text()) + "' is not a column change it follows"
                        + " (it follows ADD, DROP and RENAME COLUMN, and a MODIFY/CHANGE that keeps the target type)");
            } else if (clause instanceof AlterStatement.Add a) {
                String target = mapping.targetColumn(a.column());
                if (target == null) {
                    notAdded.add(a.column()); // a column list that does not name it: not copied
                    continue;
                }
                String targetType = TargetTypes.of(dialect, a.type());
                if (targetType == null) {
                    throw refused(mapping, where, "added column " + a.column() + " has type " + a.type()
                            + ", which has no " + dialect.name() + " mapping");
                }
                String defaultValue = a.defaultValue();
                if (dialect == SqlDialect.POSTGRESQL && defaultValue != null && defaultValue.startsWith("'")
                        && defaultValue.contains("\\")) {
                    defaultValue = "E" + defaultValue; // MySQL's backslash escapes, as PostgreSQL reads them in E''
                }
                out.add(new RowChange.AddColumn(mapping, target, targetType, defaultValue, statement, at));
            } else if (clause instanceof AlterStatement.Drop d) {
                String target = mapping.targetColumn(d.column());
                if (target != null) {
                    out.add(new RowChange.DropColumn(mapping, target, statement, at));
                }
            } else if (clause instanceof AlterStatement.Rename r) {
                rename(out, mapping, where, statement, r.from(), r.to());
            } else if (clause instanceof AlterStatement.Retype t) {
                String from = mapping.targetColumn(t.from());
                String to = mapping.targetColumn(t.to());
                if (from == null && to == null) {
                    continue; // a column the mapping does not copy
                }
                String targetType = TargetTypes.of(dialect, t.type());
                if (targetType == null) {
                    throw refused(mapping, where, "column " + t.to() + " becomes " + t.type() + ", which has no "
                            + dialect.name() + " mapping");
                }
                out.add(new RowChange.CheckType(mapping, from == null ? to : from, to == null ? from : to, targetType,
                        t.type(), statement, at));
                if (!t.from().equalsIgnoreCase(t.to())) {
                    rename(out, mapping, where, statement, t.from(), t.to());
                }
            }
        }
        if (!notAdded.isEmpty()) {
            log.info("source table {}: column(s) {} not added to {}: sync.table.{}.columns selects the columns copied",
                    where, String.join(",", notAdded), mapping.target(), mapping.fullName());
        }
        if (!out.isEmpty()) {
            log.info("source table {}: following it on {} ({} column change(s))", where, mapping.target(), out.size());
        }
        changes.addAll(out);
    }

    /**
     * Without a column list the target column is renamed. With one, the list says what the target column of the
     * new name is: it already names the new column (the list was updated): nothing to do; it names the old one:
     * stop, since the rows after the rename would no longer be copied.
     */
    private void rename(List<RowChange> out, TargetTable mapping, String where, String statement, String from,
                        String to) {
        if (!mapping.selectsColumns()) {
            out.add(new RowChange.RenameColumn(mapping, from, to, statement, at));
        } else if (mapping.listsColumn(from) && !mapping.listsColumn(to)) {
            throw refused(mapping, where, "column " + from + " is renamed " + to + " and sync.table." + mapping.fullName()
                    + ".columns lists " + from + ": list " + to + ":" + mapping.targetColumn(from) + " instead (or rename"
                    + " the target column too and list " + to + ") and restart");
        }
    }

    private static AlterRefusedException refused(TargetTable mapping, String where, String why) {
        return new AlterRefusedException("source table " + where + ": " + why + "; alter " + mapping.target()
                + " yourself, set sync.table." + mapping.fullName() + ".alter=ignore and restart (set it back to"
                + " follow once past it); the batch holding it was not acked");
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
        List<String> types = settings.createTables() ? new ArrayList<>() : List.of();
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
                if (settings.createTables()) {
                    types.add(c.getMysqlType());
                }
            }
        }
        if (!keyed(mapping, keys, keyValues)) {
            return null;
        }
        RowChange.Upsert u = new RowChange.Upsert(mapping, names, values, keys, keyValues, types, at);
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
        return keyed(mapping, keys, keyValues) ? new RowChange.Delete(mapping, keys, keyValues, at) : null;
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
