package io.sluice.client.redis;

import java.util.Map;

/** One idempotent change to Redis; applying a batch's changes twice leaves the same state. */
sealed interface RedisChange {

    /** The row's after-image replaces whatever the key held (NULL columns are absent fields). */
    record Put(String key, Map<String, String> fields) implements RedisChange {
    }

    record Delete(String key) implements RedisChange {
    }

    /** Every key of a table (TRUNCATE, DROP TABLE), found with SCAN, never KEYS. */
    record DeleteMatching(String pattern) implements RedisChange {
    }
}
