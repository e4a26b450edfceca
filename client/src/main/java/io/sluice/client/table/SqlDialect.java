package io.sluice.client.table;

import java.util.List;
import java.util.StringJoiner;

/** The SQL of the target database: upsert by primary key, delete by key, emptying a table in a transaction. */
enum SqlDialect {

    POSTGRESQL('"') {
        @Override
        String upsert(String table, List<String> columns, List<String> keys) {
            StringJoiner set = new StringJoiner(", ");
            for (String c : columns) {
                if (!keys.contains(c)) {
                    set.add(quote(c) + " = EXCLUDED." + quote(c));
                }
            }
            return insert(table, columns) + " ON CONFLICT (" + list(keys) + ") DO "
                    + (set.length() == 0 ? "NOTHING" : "UPDATE SET " + set);
        }

        @Override
        String truncate(String table) {
            return "TRUNCATE TABLE " + quoteTable(table); // transactional in PostgreSQL
        }

        @Override
        String prepareUrl(String url) {
            // stringtype=unspecified: canal's text values are typed by the server from the target column (int,
            // numeric, timestamp, jsonb...); reWriteBatchedInserts: one multi-row INSERT per batch
            String u = url;
            if (!u.contains("stringtype=")) {
                u += (u.contains("?") ? "&" : "?") + "stringtype=unspecified";
            }
            if (!u.contains("reWriteBatchedInserts=")) {
                u += "&reWriteBatchedInserts=true";
            }
            return u;
        }
    },

    MYSQL('`') {
        @Override
        String upsert(String table, List<String> columns, List<String> keys) {
            StringJoiner set = new StringJoiner(", ");
            for (String c : columns) {
                if (!keys.contains(c)) {
                    set.add(quote(c) + " = VALUES(" + quote(c) + ")");
                }
            }
            String k = quote(keys.get(0));
            return insert(table, columns) + " ON DUPLICATE KEY UPDATE " + (set.length() == 0 ? k + " = " + k : set);
        }

        @Override
        String truncate(String table) {
            return "DELETE FROM " + quoteTable(table); // TRUNCATE would commit the transaction implicitly
        }

        @Override
        String prepareUrl(String url) {
            String u = url;
            if (u.startsWith("jdbc:mysql:") && !u.contains("permitMysqlScheme")) {
                u += (u.contains("?") ? "&" : "?") + "permitMysqlScheme";
            }
            return u;
        }
    };

    private final char quote;

    SqlDialect(char quote) {
        this.quote = quote;
    }

    static SqlDialect of(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")) {
            return MYSQL;
        }
        throw new TableSyncSettingsException("target.url", url.replaceAll("\\?.*", ""),
                "is not a jdbc:postgresql:, jdbc:mariadb: or jdbc:mysql: URL");
    }

    abstract String upsert(String table, List<String> columns, List<String> keys);

    abstract String truncate(String table);

    /** The URL with the driver options the sync relies on, unless the user set them. */
    abstract String prepareUrl(String url);

    String delete(String table, List<String> keys) {
        StringJoiner where = new StringJoiner(" AND ");
        keys.forEach(k -> where.add(quote(k) + " = ?"));
        return "DELETE FROM " + quoteTable(table) + " WHERE " + where;
    }

    String quote(String identifier) {
        String q = String.valueOf(quote);
        return q + identifier.replace(q, q + q) + q;
    }

    /** {@code schema.table} or {@code table}, each part quoted. */
    String quoteTable(String table) {
        int dot = table.indexOf('.');
        return dot < 0 ? quote(table) : quote(table.substring(0, dot)) + "." + quote(table.substring(dot + 1));
    }

    String insert(String table, List<String> columns) {
        StringJoiner marks = new StringJoiner(", ");
        columns.forEach(c -> marks.add("?"));
        return "INSERT INTO " + quoteTable(table) + " (" + list(columns) + ") VALUES (" + marks + ")";
    }

    String list(List<String> columns) {
        StringJoiner j = new StringJoiner(", ");
        columns.forEach(c -> j.add(quote(c)));
        return j.toString();
    }
}
