package io.sluice.server.sink;

/**
 * An instance's filters, as canal names them ({@code canal.instance.filter.*}). Strings are the regex
 * lists and column lists as loaded (after properties unescaping), "" when unset.
 *
 * @param include          {@code filter.regex}: tables to keep ("" = all)
 * @param exclude          {@code filter.black.regex}: tables to drop, applied after include
 * @param fields           {@code filter.field}: {@code db.t:c1/c2,...} keep only these columns
 * @param blackFields      {@code filter.black.field}: drop these columns
 * @param dropDcl          {@code filter.query.dcl}: drop query entries that are neither DDL nor DML
 * @param dropDmlQueries   {@code filter.query.dml}: drop DML carried as query text (statement binlog,
 *                         ROWS_QUERY / ANNOTATE_ROWS)
 * @param dropDdl          {@code filter.query.ddl}
 * @param dropRows         {@code filter.rows}: drop all row entries
 * @param dropTransactions {@code filter.transaction.entry}: drop BEGIN/END entries
 * @param dropInserts      {@code filter.dml.insert}
 * @param dropUpdates      {@code filter.dml.update}
 * @param dropDeletes      {@code filter.dml.delete}
 */
public record FilterSettings(String include, String exclude, String fields, String blackFields,
                             boolean dropDcl, boolean dropDmlQueries, boolean dropDdl, boolean dropRows,
                             boolean dropTransactions, boolean dropInserts, boolean dropUpdates,
                             boolean dropDeletes) {

    /** Everything passes. */
    public static final FilterSettings NONE =
            new FilterSettings("", "", "", "", false, false, false, false, false, false, false, false);

    public FilterSettings {
        include = include == null ? "" : include;
        exclude = exclude == null ? "" : exclude;
        fields = fields == null ? "" : fields;
        blackFields = blackFields == null ? "" : blackFields;
    }

    public FilterSettings withTables(String newInclude, String newExclude) {
        return new FilterSettings(newInclude, newExclude, fields, blackFields, dropDcl, dropDmlQueries, dropDdl,
                dropRows, dropTransactions, dropInserts, dropUpdates, dropDeletes);
    }
}
