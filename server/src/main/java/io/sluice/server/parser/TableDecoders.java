package io.sluice.server.parser;

import io.sluice.server.parser.event.BinlogEventHeader;
import io.sluice.server.parser.event.TableMapData;
import io.sluice.server.parser.schema.DdlTarget;
import io.sluice.server.parser.schema.SchemaHistory;
import io.sluice.server.parser.schema.TableStructure;
import io.sluice.server.parser.value.RowImageDecoder;
import io.sluice.server.parser.value.TemporalText;
import io.sluice.server.parser.value.ValueOptions;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.sink.TableFilter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The row decoders of one binlog stream's tables, by table id: the TABLE_MAPs seen, which tables the filter
 * drops, and for the others a {@link RowImageDecoder} built from the structure that fits the rows — the schema
 * history's, or the master's re-read when the history's does not fit, is stale after a DDL it could not apply,
 * or was never proven ({@link StructureCheck}).
 */
final class TableDecoders {

    private static final Logger log = LoggerFactory.getLogger(TableDecoders.class);

    private final ValueOptions options;
    private final TemporalText temporal;
    private final SchemaHistory history;
    private final TableFilter filter;
    private final TableStructureSource master;
    private final StructureCheck check;

    private final Map<Long, TableMapData> tableMaps = new HashMap<>();
    private final Map<Long, RowImageDecoder> decoders = new HashMap<>();
    private final Set<Long> filteredTables = new HashSet<>();
    private final Set<String> warned = new HashSet<>();
    /** Tables (schema.table) touched by a DDL the history could not apply: re-read before decoding their rows. */
    private final Set<String> stale = new HashSet<>();
    /**
     * Counts DDL the history could not apply and whose tables are unknown; a table re-read at a lower count is
     * re-read again (once) before its rows are decoded.
     */
    private int unknownDdl;
    private final Map<String, Integer> rereadAt = new HashMap<>();

    /** @param master where structures are re-read; null when there is none (file reading) */
    TableDecoders(ValueOptions options, SchemaHistory history, TableFilter filter, TableStructureSource master) {
        this.options = options;
        this.temporal = new TemporalText(options.timeZone());
        this.history = history;
        this.check = new StructureCheck(history);
        this.filter = filter;
        this.master = master;
    }

    void tableMap(TableMapData map) {
        TableMapData old = tableMaps.put(map.tableId(), map);
        if (old != null && old.sameLayout(map) && (decoders.containsKey(map.tableId()) || filteredTables.contains(map.tableId()))) {
            return;
        }
        decoders.remove(map.tableId());
        filteredTables.remove(map.tableId());
        if (!filter.accepts(map.schema(), map.table())) {
            filteredTables.add(map.tableId());
        }
    }

    boolean filtered(long tableId) {
        return filteredTables.contains(tableId);
    }

    /** The TABLE_MAP of a table id, null when none was seen. */
    TableMapData tableMap(long tableId) {
        return tableMaps.get(tableId);
    }

    /**
     * The decoder for a rows event of {@code map} at {@code h}, re-read from the master first when the structure
     * it was built from is due to be proven there.
     */
    RowImageDecoder forRows(TableMapData map, BinlogEventHeader h, UnitTracker units) {
        RowImageDecoder decoder = decoder(map, h, units);
        if (master != null && check.rereadDue(map, units.file(), h.startOffset())) {
            // its structure was derived from one never proven: the master's may be proven once the stream gets there
            stale.add(staleKey(map.schema(), map.table()));
            decoders.remove(map.tableId());
            decoder = decoder(map, h, units);
        }
        return decoder;
    }

    /** {@link StructureCheck#PROPERTY} for rows of {@code map} whose structure is not proven; null otherwise. */
    String structureFlag(TableMapData map, String file, long offset) {
        return check.flag(map, file, offset);
    }

    private RowImageDecoder decoder(TableMapData map, BinlogEventHeader h, UnitTracker units) {
        RowImageDecoder d = decoders.get(map.tableId());
        if (d != null) {
            return d;
        }
        String file = units.file();
        TableStructure structure = history.find(map.schema(), map.table());
        String key = staleKey(map.schema(), map.table());
        boolean reread = stale.remove(key) | rereadAt.getOrDefault(key, 0) < unknownDdl;
        if (reread && master != null) {
            rereadAt.put(key, unknownDdl);
            TableStructure fresh = reread(map, h, units);
            structure = fresh != null ? fresh : structure;
        }
        TableStructure disagreed = structure != null && map.hasColumnNames() && !StructureCheck.matches(map, structure)
                ? structure : null;
        if (structure == null || !StructureCheck.matches(map, structure)) {
            TableStructure fresh = reread(map, h, units);
            if (fresh != null) {
                structure = fresh;
            } else {
                if (!map.hasColumnNames()) {
                    warnOnce("structure:" + map.schema() + "." + map.table() + ":" + map.columnCount(),
                            "no known structure of " + map.schema() + "." + map.table() + " fits its rows at " + file + ":"
                                    + h.startOffset() + " (" + map.columnCount() + " columns); decoding with binlog types only");
                }
                structure = null;
            }
        }
        if (disagreed != null) {
            // binlog_row_metadata=FULL: the event names its columns, and the history's structure is not this one
            warnOnce("names:" + staleKey(map.schema(), map.table()), "the schema history's structure of "
                    + map.schema() + "." + map.table() + " (" + StructureCheck.names(disagreed) + ") does not match "
                    + "the columns the binlog names at " + file + ":" + h.startOffset() + " (" + String.join(", ",
                    map.columnNames()) + "); decoding with " + (structure != null
                    ? "the master's current structure, which matches them"
                    : "the binlog's column names and types (no mysqlType)"));
        }
        d = RowImageDecoder.create(map, structure, options, temporal);
        decoders.put(map.tableId(), d);
        check.chosen(map, structure);
        return d;
    }

    private TableStructure reread(TableMapData map, BinlogEventHeader h, UnitTracker units) {
        if (master == null) {
            return null;
        }
        String ddl = master.showCreateTable(map.schema(), map.table());
        if (ddl == null) {
            check.reread(map.schema(), map.table(), null);
            return null;
        }
        // read after the structure: a DDL between the two reaches the stream after this version and replaces it
        BinlogPosition masterAt = master.currentPosition();
        check.reread(map.schema(), map.table(), masterAt);
        String file = units.file();
        TableStructure structure = history.seedTable(new BinlogPosition(file, h.startOffset(), units.boundary().gtidSet(),
                h.getServerId(), h.getTimestamp()), map.schema(), map.table(), ddl, masterAt);
        if (structure != null && StructureCheck.matches(map, structure)) {
            log.info("re-read the structure of {}.{} from the master at {}:{}", map.schema(), map.table(), file,
                    h.startOffset());
            return structure;
        }
        return null;
    }

    /** The structures may have changed (a schema change, another server version): build every decoder again. */
    void invalidate() {
        decoders.clear();
        check.forget();
    }

    /**
     * A DDL the schema history could not apply: the tables it names are re-read from the master before their
     * rows are decoded; when it names none, every table is (once).
     */
    void notUnderstood(String at, String sql, List<DdlTarget> targets) {
        warnOnce("ddl:" + sql.hashCode(), "cannot understand DDL at " + at
                + ", table structures will be re-read from the master when rows need them: " + EventConverter.abbreviate(sql));
        boolean named = false;
        for (DdlTarget t : targets) {
            if (t.table() != null && t.schema() != null) {
                stale.add(staleKey(t.schema(), t.table()));
                named = true;
            }
        }
        if (!named) {
            unknownDdl++;
        }
    }

    /** Forget per-connection state (table maps, decoders) before reading again. */
    void reset() {
        tableMaps.clear();
        decoders.clear();
        check.forget();
        filteredTables.clear();
    }

    private static String staleKey(String schema, String table) {
        return schema.toLowerCase(Locale.ROOT) + "." + table.toLowerCase(Locale.ROOT);
    }

    private void warnOnce(String key, String message) {
        if (warned.add(key)) {
            log.warn(message);
        }
    }
}
