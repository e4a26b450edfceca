package io.sluice.server.snapshot;

import io.sluice.server.config.ConfigException;
import io.sluice.server.config.InstanceConfig;
import io.sluice.server.sink.CanalRegexFilter;
import io.sluice.server.sink.FilterSyntaxException;
import io.sluice.server.sink.TableFilter;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A destination's snapshot settings, from {@code sluice.snapshot.*} keys of its instance.properties (or, for
 * every destination, of canal.properties):
 *
 * <pre>
 * sluice.snapshot.mode       = never | initial | when_needed      default never
 * sluice.snapshot.chunk.size = 1024                                rows per chunk (1 .. 1000000)
 * sluice.snapshot.tables     = shop\\.orders,shop\\.customer_.*    narrows the destination's filter (canal regex)
 * </pre>
 *
 * @param mode      when the initial snapshot runs
 * @param chunkSize rows read per chunk (one transaction of entries)
 * @param tables    which of the destination's tables snapshots read ({@link TableFilter#ALL} when not narrowed)
 */
public record SnapshotSettings(SnapshotMode mode, int chunkSize, TableFilter tables) {

    public static final String MODE = "sluice.snapshot.mode";
    public static final String CHUNK_SIZE = "sluice.snapshot.chunk.size";
    public static final String TABLES = "sluice.snapshot.tables";
    public static final int DEFAULT_CHUNK_SIZE = 1024;
    private static final Set<String> KNOWN = Set.of(MODE, CHUNK_SIZE, TABLES);

    public static final SnapshotSettings DEFAULTS = new SnapshotSettings(SnapshotMode.NEVER, DEFAULT_CHUNK_SIZE,
            TableFilter.ALL);

    public SnapshotSettings {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size < 1: " + chunkSize);
        }
    }

    /** @throws ConfigException naming the file and key of a value that cannot be used */
    public static SnapshotSettings from(InstanceConfig config) {
        Map<String, String> p = config.properties();
        String origin = config.file() == null ? config.destination() + "/instance.properties" : config.file().toString();
        Set<String> unknown = new TreeSet<>();
        for (String key : p.keySet()) {
            if (key.startsWith("sluice.snapshot.") && !KNOWN.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            String key = unknown.iterator().next();
            String hint = key.equals("sluice.snapshot.signal.table")
                    ? "is not used: Sluice places snapshot chunks by the binlog position of their consistent read and"
                    + " needs no signalling table (see docs/snapshots.md)"
                    : "is not a snapshot key (known: " + new TreeSet<>(KNOWN) + ")";
            throw new ConfigException(origin, key, p.get(key), hint);
        }
        SnapshotMode mode;
        String modeText = p.getOrDefault(MODE, "never");
        try {
            mode = SnapshotMode.parse(modeText);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(origin, MODE, modeText, "is not one of never, initial, when_needed");
        }
        String chunkText = p.getOrDefault(CHUNK_SIZE, Integer.toString(DEFAULT_CHUNK_SIZE)).trim();
        int chunk;
        try {
            chunk = Integer.parseInt(chunkText);
        } catch (NumberFormatException e) {
            chunk = -1;
        }
        if (chunk < 1 || chunk > 1_000_000) {
            throw new ConfigException(origin, CHUNK_SIZE, chunkText, "is not a row count from 1 to 1000000");
        }
        String tablesText = p.getOrDefault(TABLES, "").trim();
        TableFilter tables = TableFilter.ALL;
        if (!tablesText.isEmpty()) {
            try {
                tables = CanalRegexFilter.including(tablesText);
            } catch (FilterSyntaxException e) {
                throw new ConfigException(origin, TABLES, tablesText, "is not a canal table filter: " + e.getMessage());
            }
        }
        return new SnapshotSettings(mode, chunk, tables);
    }
}
