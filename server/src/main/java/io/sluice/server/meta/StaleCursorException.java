package io.sluice.server.meta;

/**
 * A cursor write refused because another writer changed the cursor since this one read it: this server is
 * no longer the destination's active server and must not overwrite the new active's positions.
 */
public class StaleCursorException extends MetaStoreException {

    public StaleCursorException(String message) {
        super(message);
    }
}
