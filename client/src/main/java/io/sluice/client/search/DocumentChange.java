package io.sluice.client.search;

import java.util.Map;

/**
 * One idempotent change to an index: a document written whole or merged into ({@code partial}), a document
 * deleted by id, or every document of the index deleted (TRUNCATE / DROP TABLE of the source). Applying a batch's
 * changes twice, in order, leaves the same index. {@code key} is the source key as log lines show it.
 */
sealed interface DocumentChange {

    SearchIndex table();

    /** {@code source}: field name to JSON value (String, a {@link JsonNumber}, or null), in column order. */
    record Write(SearchIndex table, String id, String key, Map<String, Object> source, boolean partial)
            implements DocumentChange {
    }

    record Delete(SearchIndex table, String id, String key) implements DocumentChange {
    }

    record Truncate(SearchIndex table) implements DocumentChange {
    }

    /** A number as the source rendered it, written into the JSON unchanged so that no digit is lost. */
    record JsonNumber(String text) {
    }
}
