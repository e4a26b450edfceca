package io.sluice.client.search;

import io.sluice.client.Entries;
import io.sluice.client.sync.SyncStoppedException;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.Column;
import io.sluice.protocol.entry.CanalEntry.EventType;
import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a batch's entries into document changes, in order: INSERT writes the after-image as a new document, UPDATE
 * writes it too (merged into the document, or replacing it, as {@code search.update} says; an UPDATE that changes
 * the primary key first deletes the document of the old key), DELETE deletes the document, TRUNCATE and DROP TABLE
 * delete every document of the index. ALTER TABLE needs nothing: documents take the columns a row has when it
 * changes. The document id is the primary key's values joined by {@code sync.id.separator}.
 */
final class DocumentMapper {

    private static final Logger log = LoggerFactory.getLogger(DocumentMapper.class);
    /** What JSON accepts as a number; anything else a numeric column holds (NaN, zero-filled text) stays a string. */
    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private final SearchSyncSettings settings;
    private final Set<String> warned = new HashSet<>();

    DocumentMapper(SearchSyncSettings settings) {
        this.settings = settings;
    }

    List<DocumentChange> map(List<CanalEntry.Entry> entries) {
        List<DocumentChange> changes = new ArrayList<>();
        for (CanalEntry.Entry entry : entries) {
            if (entry.getEntryType() != CanalEntry.EntryType.ROWDATA) {
                continue;
            }
            CanalEntry.Header h = entry.getHeader();
            SearchIndex mapping = settings.mapping(h.getSchemaName(), h.getTableName());
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
                if (rc.getEventType() == EventType.TRUNCATE || rc.getEventType() == EventType.ERASE) {
                    changes.add(new DocumentChange.Truncate(mapping));
                }
                continue;
            }
            for (CanalEntry.RowData row : rc.getRowDatasList()) {
                switch (rc.getEventType()) {
                    case INSERT -> write(changes, mapping, row.getAfterColumnsList(), false);
                    case UPDATE -> {
                        DocumentChange.Delete old = delete(mapping, row.getBeforeColumnsList());
                        int at = changes.size();
                        DocumentChange.Write now = write(changes, mapping, row.getAfterColumnsList(),
                                settings.partialUpdates());
                        if (old != null && now != null && !old.id().equals(now.id())) {
                            // the key moved: the old document goes first, the new one is written whole
                            changes.set(at, new DocumentChange.Write(mapping, now.id(), now.key(), now.source(), false));
                            changes.add(at, old);
                        }
                    }
                    case DELETE -> {
                        DocumentChange.Delete d = delete(mapping, row.getBeforeColumnsList());
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

    private DocumentChange.Write write(List<DocumentChange> changes, SearchIndex mapping, List<Column> columns,
                                       boolean partial) {
        Map<String, Object> source = new LinkedHashMap<>();
        StringJoiner id = new StringJoiner(settings.idSeparator());
        StringJoiner key = new StringJoiner(",");
        boolean keyed = false;
        for (Column c : columns) {
            String field = mapping.field(c.getName());
            if (c.getIsKey()) {
                if (field == null) {
                    throw new SyncStoppedException("sync.table." + mapping.fullName() + ".columns leaves out key"
                            + " column " + c.getName() + ": rows of " + mapping.fullName() + " cannot be given a"
                            + " document id in index " + mapping.index());
                }
                if (c.getIsNull()) {
                    return unkeyed(mapping);
                }
                keyed = true;
                id.add(c.getValue());
                key.add(c.getName() + "=" + shown(c.getValue()));
            }
            if (field != null) {
                source.put(field, value(c));
            }
        }
        if (!keyed) {
            return unkeyed(mapping);
        }
        DocumentChange.Write w = new DocumentChange.Write(mapping, id.toString(), key.toString(), source, partial);
        changes.add(w);
        return w;
    }

    private DocumentChange.Delete delete(SearchIndex mapping, List<Column> columns) {
        StringJoiner id = new StringJoiner(settings.idSeparator());
        StringJoiner key = new StringJoiner(",");
        boolean keyed = false;
        for (Column c : columns) {
            if (c.getIsKey()) {
                if (c.getIsNull()) {
                    unkeyed(mapping);
                    return null;
                }
                keyed = true;
                id.add(c.getValue());
                key.add(c.getName() + "=" + shown(c.getValue()));
            }
        }
        if (!keyed) {
            unkeyed(mapping);
            return null;
        }
        return new DocumentChange.Delete(mapping, id.toString(), key.toString());
    }

    private DocumentChange.Write unkeyed(SearchIndex mapping) {
        if (warned.add(mapping.fullName())) {
            log.warn("rows of {} have no primary key (or a NULL key column); they are not copied to index {}",
                    mapping.fullName(), mapping.index());
        }
        return null;
    }

    private static String shown(String v) {
        return v.length() > 64 ? v.substring(0, 64) + "…" : v;
    }

    /**
     * A column's JSON value: NULL as null, integer, decimal, floating and BIT columns as numbers with the digits the
     * source sent, binary columns (BINARY, VARBINARY, BLOB, GEOMETRY) as base64 (what a {@code binary} field takes),
     * everything else (strings, dates and times as MySQL writes them, ENUM, SET, JSON) as strings.
     */
    static Object value(Column c) {
        if (c.getIsNull()) {
            return null;
        }
        String v = c.getValue();
        switch (c.getSqlType()) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.DECIMAL, Types.NUMERIC,
                 Types.REAL, Types.FLOAT, Types.DOUBLE, Types.BIT -> {
                return JSON_NUMBER.matcher(v).matches() ? new DocumentChange.JsonNumber(v) : v;
            }
            case Types.BLOB, Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY -> {
                return Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.ISO_8859_1));
            }
            default -> {
                return v;
            }
        }
    }
}
