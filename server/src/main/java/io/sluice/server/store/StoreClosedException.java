package io.sluice.server.store;

/** The store was closed (its destination is stopping) while a put or get was waiting on it. */
public class StoreClosedException extends IllegalStateException {

    public StoreClosedException(String message) {
        super(message);
    }
}
