package io.sluice.server.parser;

import io.sluice.server.parser.event.ColumnTypes;
import io.sluice.server.parser.event.TableMapData;
import io.sluice.server.parser.schema.ColumnDef;
import io.sluice.server.parser.schema.SchemaHistory;
import io.sluice.server.parser.schema.TableProof;
import io.sluice.server.parser.schema.TableStructure;
import io.sluice.server.parser.value.ColumnSpec;
import io.sluice.server.position.BinlogPosition;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says, for each rows event, whether the column names (and types) it is delivered with are proven to be its
 * table's at its position. A rows event without {@code binlog_row_metadata=FULL} carries only binlog types, so a
 * structure of the same column count and types but another column order (a {@code DROP COLUMN} and a reorder)
 * would decode it into the wrong names silently; such rows get the entry header property
 * {@value #PROPERTY}{@code =}{@value #UNVERIFIED}, and {@value #MISSING} when no structure fits at all (names
 * empty, binlog types only). With FULL metadata the table map's names prove or refute the structure, so nothing is
 * flagged.
 *
 * <p>Owned by the parser thread, like the converter.
 */
final class StructureCheck {

    private static final Logger log = LoggerFactory.getLogger(StructureCheck.class);

    static final String PROPERTY = "sluice.structure";
    static final String UNVERIFIED = "unverified";
    static final String MISSING = "missing";

    private final SchemaHistory history;
    /** Per table id whose decoder uses a structure not proven when it was chosen: its proof, or MISSING. */
    private final Map<Long, String> unproven = new HashMap<>();
    /** Tables (schema.table) whose unproven structure was logged; removed once proven, to log a new episode. */
    private final Set<String> logged = new HashSet<>();
    /** Per table, the master's position at its last re-read: a structure proven nowhere is re-read past it. */
    private final Map<String, BinlogPosition> lastRead = new HashMap<>();

    StructureCheck(SchemaHistory history) {
        this.history = history;
    }

    /**
     * Whether a structure describes a table map's rows: {@link RowImageDecoder#fits} (column count, types, and
     * names when the map has them), and the signedness of integer columns when the map carries it.
     */
    static boolean matches(TableMapData map, TableStructure structure) {
        if (!ColumnSpec.fits(map, structure)) {
            return false;
        }
        boolean[] unsigned = map.signedness();
        if (unsigned == null) {
            return true;
        }
        for (int i = 0; i < map.columnCount(); i++) {
            if (isInteger(map.realTypes()[i]) && unsigned[i] != structure.column(i).unsigned()) {
                return false;
            }
        }
        return true;
    }

    private static boolean isInteger(int type) {
        return type == ColumnTypes.TINY || type == ColumnTypes.SHORT || type == ColumnTypes.INT24
                || type == ColumnTypes.LONG || type == ColumnTypes.LONGLONG;
    }

    /** Records the structure a table id's decoder was built with (null: binlog types only). */
    void chosen(TableMapData map, TableStructure structure) {
        if (map.hasColumnNames()) {
            unproven.remove(map.tableId()); // the names were checked (or taken) from the event itself
        } else if (structure == null) {
            unproven.put(map.tableId(), MISSING);
        } else {
            String proof = history.proof(map.schema(), map.table());
            if (proof == null) {
                unproven.remove(map.tableId());
            } else {
                unproven.put(map.tableId(), proof);
            }
        }
    }

    /** The header property value for a rows event of this table id at {@code at}; null when proven. */
    String flag(TableMapData map, String file, long offset) {
        if (unproven.isEmpty()) {
            return null; // the common case: every structure in use is proven
        }
        String proof = unproven.get(map.tableId());
        if (proof == null) {
            return null;
        }
        if (MISSING.equals(proof)) {
            return MISSING;
        }
        BinlogPosition at = BinlogPosition.of(file, offset);
        String key = key(map.schema(), map.table());
        if (TableProof.provenAt(proof, at)) {
            unproven.remove(map.tableId());
            if (logged.remove(key)) {
                log.info("structure of {}.{} is proven again from {}:{} on", map.schema(), map.table(), file, offset);
            }
            return null;
        }
        if (logged.add(key)) {
            BinlogPosition from = TableProof.from(proof);
            log.warn("structure of {}.{} cannot be proven at {}:{} ({}); its row entries carry {}={} until it is. "
                            + "Keep the schema history (ZooKeeper meta under HA) and set binlog_row_metadata=FULL "
                            + "on the master: see docs/values.md", map.schema(), map.table(), file, offset,
                    from != null ? "read from the master at " + from.file() + ":" + from.offset()
                            + ", ahead of the stream, and no history covers this position"
                            : "derived by a DDL from a structure that was not proven there",
                    PROPERTY, UNVERIFIED);
        }
        return UNVERIFIED;
    }

    /**
     * Whether a table whose structure is proven nowhere should be read from the master again: once per catch-up
     * to where the master was at the last read, so that a lagging stream does not ask at every rows event.
     */
    boolean rereadDue(TableMapData map, String file, long offset) {
        if (unproven.isEmpty() || !TableProof.NEVER.equals(unproven.get(map.tableId()))) {
            return false;
        }
        String key = key(map.schema(), map.table());
        if (!lastRead.containsKey(key)) {
            return true;
        }
        BinlogPosition last = lastRead.get(key);
        return last != null && BinlogPosition.of(file, offset).compareTo(last) >= 0;
    }

    /**
     * A table was read from the master, which was then at {@code masterAt}. When that position is unknown (no
     * REPLICATION CLIENT grant) a later read could not be proven either, so there is none.
     */
    void reread(String schema, String table, BinlogPosition masterAt) {
        lastRead.put(key(schema, table), masterAt == null ? null : BinlogPosition.of(masterAt.file(), masterAt.offset()));
    }

    /** Decoders were dropped: their structures will be chosen again. */
    void forget() {
        unproven.clear();
    }

    private static String key(String schema, String table) {
        return schema.toLowerCase(Locale.ROOT) + "." + table.toLowerCase(Locale.ROOT);
    }

    /** The names of a structure's columns, for a log line. */
    static String names(TableStructure structure) {
        StringBuilder b = new StringBuilder();
        for (ColumnDef c : structure.columns()) {
            b.append(b.length() == 0 ? "" : ", ").append(c.name());
        }
        return b.toString();
    }
}
