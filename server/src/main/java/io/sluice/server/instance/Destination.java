package io.sluice.server.instance;

import io.sluice.server.meta.ClientIdentity;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A running destination as its consumers see it: canal's embedded-server operations. The network server and
 * the MQ publishers both use it. Errors a client can cause are {@link ClientRequestException}s with canal's
 * message text.
 */
public interface Destination {

    String name();

    /** Registers the client (persisted in meta) with its filter; a non-empty filter narrows what it receives. */
    void subscribe(ClientIdentity client, String filter);

    void unsubscribe(ClientIdentity client);

    boolean isSubscribed(ClientIdentity client);

    /**
     * Next batch after the last one handed out, without acknowledging it.
     *
     * @param fetchSize entries (ITEMSIZE) or units of {@code memunit} bytes (MEMSIZE); at least one entry
     * @param timeout   -1 = return at once; 0 = wait for a full batch; &gt; 0 = wait up to this long for a full
     *                  batch, then return what there is
     */
    Batch getWithoutAck(ClientIdentity client, int fetchSize, long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * {@link #getWithoutAck} with a timeout, when it can be answered without waiting: the batch that GET would return
     * at once (a full one, or what there is when the store can take no more), or null when it would have to wait
     * (or this destination cannot tell): the caller then makes the GET that may wait. Never waits.
     */
    default Batch getIfReady(ClientIdentity client, int fetchSize) throws InterruptedException {
        return null;
    }

    /** Acknowledges the oldest outstanding batch; any other id is canal's "not the firstly" error. */
    void ack(ClientIdentity client, long batchId);

    /**
     * {@link #ack} for callers that must not wait (a Netty event loop). Errors a client caused are thrown; the ack
     * is done in memory when this returns (a later rollback or GET sees it), and the future completes once it is
     * persisted as far as the destination's meta promises before an ack is answered, or fails with the reason.
     */
    default CompletableFuture<Void> ackAsync(ClientIdentity client, long batchId) {
        ack(client, batchId);
        return CompletableFuture.completedFuture(null);
    }

    /** Rolls back one batch (it must be the oldest outstanding) or, with id 0, all of them. */
    void rollback(ClientIdentity client, long batchId);
}
