package io.sluice.server.mq;

/**
 * A single row (or a DDL statement) whose message alone is larger than the broker accepts, so it cannot be
 * split further. Names the table and the primary key so that an operator can find the row.
 */
public class OversizeRowException extends RuntimeException {

    private final String table;
    private final String key;

    public OversizeRowException(String table, String key, int size, int limit) {
        super("a row of " + table + " (" + key + ") needs a " + size + "-byte message, above the " + limit
                + "-byte limit (sluice.mq.max.message.bytes); set sluice.mq.oversize.policy=skip to publish without it");
        this.table = table;
        this.key = key;
    }

    /** {@code schema.table} */
    public String table() {
        return table;
    }

    /** The row's primary key as {@code col=value[, col=value]}, or a description when there is none. */
    public String key() {
        return key;
    }
}
