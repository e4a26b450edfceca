package io.sluice.server.meta;

import io.sluice.server.position.SourcePositions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One destination's persisted client state (canal's MetaManager): the subscribed clients with their
 * filters, and each client's cursor. Batches in flight are not persisted (canal's stock configurations keep
 * them in memory too): after a restart batch ids start at 1 again and unacked entries are re-delivered.
 *
 * <p>Implementations keep the state in memory and persist it in their own rhythm; {@link #stop()} persists
 * whatever is pending.
 */
public interface MetaStore {

    String destination();

    /** Loads what was persisted. */
    void start();

    /** Persists what is pending and releases resources. */
    void stop();

    /** Persists what is pending now (a graceful handover: the next server reads it at once). */
    default void flush() {
    }

    List<Subscription> subscriptions();

    /** Adds the client, or updates its filter. */
    void subscribe(ClientIdentity client, String filter);

    /** Removes the client with its cursor. */
    void unsubscribe(ClientIdentity client);

    Optional<ClientCursor> cursor(ClientIdentity client);

    void updateCursor(ClientIdentity client, ClientCursor cursor);

    /**
     * {@link #updateCursor} for callers that must not wait (a Netty event loop): the cursor is in memory when this
     * returns, and the future completes once it is persisted as far as the store promises before an ack is
     * answered (or fails with a {@link MetaStoreException}). Stores whose persisting step does not wait on the
     * network do it in the call.
     */
    default CompletableFuture<Void> updateCursorAsync(ClientIdentity client, ClientCursor cursor) {
        try {
            updateCursor(client, cursor);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Where the destination's sources restart: per source, the earliest cursor of the subscribed clients
     * (canal's rule); clients without a cursor do not count. Empty when no client acked anything.
     */
    default SourcePositions restartPositions() {
        SourcePositions min = null;
        for (Subscription s : subscriptions()) {
            Optional<ClientCursor> c = cursor(s.client());
            if (c.isPresent()) {
                min = min == null ? c.get().resume() : min.min(c.get().resume());
            }
        }
        return min == null ? SourcePositions.NONE : min;
    }

    /**
     * Under HA: makes the following position writes conditional on this server still being the destination's
     * active server. Only a store that servers share (ZooKeeper) can be overwritten by another server; the others
     * have nothing to fence. Call before {@link #start()}.
     */
    default void useFence(Fence fence) {
    }
}
