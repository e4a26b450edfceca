package io.sluice.client.redis;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.Column;
import io.sluice.protocol.entry.CanalEntry.EventType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a batch's entries into Redis changes, in order: INSERT/UPDATE put the after-image (a primary-key change
 * first deletes the old key), DELETE deletes the key, TRUNCATE and DROP TABLE delete every key of the table.
 * Entries of tables that are not mirrored are ignored.
 */
final class ChangeMapper {

    private static final Logger log = LoggerFactory.getLogger(ChangeMapper.class);

    private final RedisSyncSettings settings;
    private final Set<String> warned = new HashSet<>();

    ChangeMapper(RedisSyncSettings settings) {
        this.settings = settings;
    }

    List<RedisChange> map(List<CanalEntry.Entry> entries) {
        List<RedisChange> changes = new ArrayList<>();
        for (CanalEntry.Entry entry : entries) {
            if (entry.getEntryType() != CanalEntry.EntryType.ROWDATA) {
                continue;
            }
            CanalEntry.Header h = entry.getHeader();
            TableMapping mapping = settings.mapping(h.getSchemaName(), h.getTableName());
            if (mapping == null) {
                continue;
            }
            CanalEntry.RowChange rc;
            try {
                rc = io.sluice.client.Entries.rowChange(entry);
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException("entry of " + mapping.fullName() + " at " + h.getLogfileName() + ":"
                        + h.getLogfileOffset() + " holds no RowChange", e);
            }
            if (rc.getIsDdl()) {
                if (rc.getEventType() == EventType.TRUNCATE || rc.getEventType() == EventType.ERASE) {
                    changes.add(new RedisChange.DeleteMatching(mapping.key().tablePattern(h.getSchemaName(), h.getTableName())));
                }
                continue;
            }
            for (CanalEntry.RowData row : rc.getRowDatasList()) {
                switch (rc.getEventType()) {
                    case INSERT -> put(changes, mapping, h, row.getAfterColumnsList());
                    case UPDATE -> {
                        String before = key(mapping, h, row.getBeforeColumnsList());
                        String after = key(mapping, h, row.getAfterColumnsList());
                        if (before != null && !before.equals(after)) {
                            changes.add(new RedisChange.Delete(before));
                        }
                        put(changes, mapping, h, row.getAfterColumnsList());
                    }
                    case DELETE -> {
                        String key = key(mapping, h, row.getBeforeColumnsList());
                        if (key != null) {
                            changes.add(new RedisChange.Delete(key));
                        }
                    }
                    default -> {
                    }
                }
            }
        }
        return changes;
    }

    private void put(List<RedisChange> changes, TableMapping mapping, CanalEntry.Header h, List<Column> columns) {
        String key = key(mapping, h, columns);
        if (key == null) {
            return;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (Column c : columns) {
            if (!c.getIsNull() && mapping.keeps(c.getName())) {
                fields.put(c.getName(), c.getValue());
            }
        }
        changes.add(new RedisChange.Put(key, fields));
    }

    private String key(TableMapping mapping, CanalEntry.Header h, List<Column> columns) {
        Map<String, String> row = new LinkedHashMap<>();
        StringJoiner pk = new StringJoiner(settings.keySeparator());
        boolean hasPk = false;
        for (Column c : columns) {
            row.put(c.getName(), c.getIsNull() ? null : c.getValue());
            if (c.getIsKey()) {
                pk.add(c.getIsNull() ? "" : c.getValue());
                hasPk = true;
            }
        }
        String key = mapping.key().render(h.getSchemaName(), h.getTableName(), hasPk ? pk.toString() : null, row);
        if (key == null && warned.add(mapping.fullName())) {
            log.warn("rows of {} cannot be keyed with {} (no primary key, or a NULL key column); they are not mirrored",
                    mapping.fullName(), mapping.key());
        }
        return key;
    }
}
