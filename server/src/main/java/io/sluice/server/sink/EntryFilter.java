package io.sluice.server.sink;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.ParsedEntry;
import java.util.EnumSet;
import java.util.Set;

/**
 * The table and kind filter, first of a destination's stages: decides whether one entry reaches the later
 * stages and the store, by canal's rules: the table filter for rows and table DDL; {@code filter.query.ddl} for DDL,
 * {@code filter.query.dcl} for other statements (CREATE DATABASE, GRANT: canal types them QUERY with isDdl),
 * {@code filter.query.dml} for DML carried as text (statement binlog, ROWS_QUERY / ANNOTATE_ROWS), and
 * {@code filter.rows} / {@code filter.dml.*} for row changes. Heartbeats and GTID entries never pass;
 * BEGIN/END always do ({@link StoreSink} drops the BEGIN/END of transactions left empty).
 *
 * <p>Row changes it drops go to {@code dropped}: the lookups read the tables they enrich from in the stream
 * (for cache invalidation) even when no client of the destination wants those rows.
 */
final class EntryFilter implements SinkStage {

    private static final Set<CanalEntry.EventType> DDL = EnumSet.of(CanalEntry.EventType.CREATE,
            CanalEntry.EventType.ALTER, CanalEntry.EventType.ERASE, CanalEntry.EventType.RENAME,
            CanalEntry.EventType.TRUNCATE, CanalEntry.EventType.CINDEX, CanalEntry.EventType.DINDEX);

    private final FilterSettings settings;
    private final CanalRegexFilter tables;
    private final Output dropped;

    EntryFilter(FilterSettings settings) {
        this(settings, e -> {
        });
    }

    EntryFilter(FilterSettings settings, Output dropped) {
        this.settings = settings;
        this.tables = new CanalRegexFilter(settings.include(), settings.exclude());
        this.dropped = dropped;
    }

    @Override
    public void apply(ParsedEntry entry, Output out) throws InterruptedException {
        if (accepts(entry)) {
            out.accept(entry);
        } else if (entry.entryType() == CanalEntry.EntryType.ROWDATA) {
            dropped.accept(entry);
        }
    }

    CanalRegexFilter tables() {
        return tables;
    }

    boolean accepts(ParsedEntry e) {
        CanalEntry.EntryType type = e.entryType();
        if (type == CanalEntry.EntryType.HEARTBEAT || type == CanalEntry.EntryType.GTIDLOG) {
            return false;
        }
        if (type != CanalEntry.EntryType.ROWDATA || !e.isRowChange()) {
            return true;
        }
        CanalEntry.EventType event = e.rowChangeEventType();
        if (e.isDdl()) {
            if (DDL.contains(event)) {
                return !settings.dropDdl() && (e.table().isEmpty() || tables.accepts(e.schema(), e.table()));
            }
            return !settings.dropDcl();
        }
        if (e.rowDataCount() == 0) {
            return switch (event) {
                case INSERT, UPDATE, DELETE, QUERY -> !settings.dropDmlQueries();
                default -> true; // XA COMMIT / XA ROLLBACK markers
            };
        }
        if (settings.dropRows()) {
            return false;
        }
        switch (event) {
            case INSERT -> {
                if (settings.dropInserts()) {
                    return false;
                }
            }
            case UPDATE -> {
                if (settings.dropUpdates()) {
                    return false;
                }
            }
            case DELETE -> {
                if (settings.dropDeletes()) {
                    return false;
                }
            }
            default -> {
            }
        }
        return tables.accepts(e.schema(), e.table());
    }
}
