package io.sluice.server.parser.schema;

/** Keeps the history in memory only: it survives parser restarts within one JVM, not a process restart. */
public final class MemorySchemaHistoryStore implements SchemaHistoryStore {

    private volatile SchemaHistoryState state = SchemaHistoryState.EMPTY;

    @Override
    public SchemaHistoryState load() {
        return state;
    }

    @Override
    public void save(SchemaHistoryState newState) {
        state = newState;
    }
}
