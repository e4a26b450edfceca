package io.sluice.server.parser.schema;

/**
 * Where a destination's schema history is kept between runs. Implementations: memory (tests, embedded
 * experiments), a file per destination (file meta), ZooKeeper (ZooKeeper meta: shared by every server of an HA
 * group). Writes replace the whole state atomically: DDL is rare and a history is small (bounded by
 * {@link SchemaHistory#forgetBefore}).
 */
public interface SchemaHistoryStore {

    /** The stored state, or {@link SchemaHistoryState#EMPTY}. */
    SchemaHistoryState load();

    void save(SchemaHistoryState state);
}
