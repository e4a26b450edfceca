package io.sluice.server.sink;

/**
 * Decides which tables' row events are decoded at all. The parser asks it at each TABLE_MAP so that rows of
 * filtered tables are skipped before any value is decoded; the sink applies the full filters afterwards.
 */
@FunctionalInterface
public interface TableFilter {

    TableFilter ALL = (schema, table) -> true;

    boolean accepts(String schema, String table);
}
