package io.sluice.server.net.testing;

import io.sluice.server.entry.StoredEntry;
import io.sluice.server.instance.Batch;
import io.sluice.server.instance.ClientRequestException;
import io.sluice.server.instance.Destination;
import io.sluice.server.meta.ClientIdentity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Destination} over a list of ready entries, with canal's batch rules (ids from 1 per client, ack and
 * rollback only of the oldest outstanding batch, rollback(0) = all, ITEMSIZE fetch sizes, canal's GET timeouts).
 * Each client has its own cursors. A test double of Sluice's instance for protocol tests; not the product's store.
 */
public final class ListDestination implements Destination {

    private final String name;
    private final List<StoredEntry> entries = new ArrayList<>();
    private final Map<ClientIdentity, Client> clients = new HashMap<>();

    private static final class Client {
        String filter;
        long nextBatchId = 1;
        int getCursor;
        int ackCursor;
        final LinkedHashMap<Long, int[]> outstanding = new LinkedHashMap<>();
    }

    public ListDestination(String name, List<StoredEntry> initial) {
        this.name = name;
        this.entries.addAll(initial);
    }

    @Override
    public String name() {
        return name;
    }

    public synchronized void append(List<StoredEntry> more) {
        entries.addAll(more);
        notifyAll();
    }

    @Override
    public synchronized void subscribe(ClientIdentity client, String filter) {
        clients.computeIfAbsent(client, c -> new Client()).filter = filter;
    }

    @Override
    public synchronized void unsubscribe(ClientIdentity client) {
        clients.remove(client);
    }

    @Override
    public synchronized boolean isSubscribed(ClientIdentity client) {
        return clients.containsKey(client);
    }

    public synchronized String filter(ClientIdentity client) {
        return require(client).filter;
    }

    /** Ids of the batches handed out and neither acked nor rolled back, oldest first. */
    public synchronized List<Long> outstanding(ClientIdentity client) {
        Client state = clients.get(client);
        return state == null ? List.of() : List.copyOf(state.outstanding.keySet());
    }

    /** How many entries the client has acknowledged. */
    public synchronized int acked(ClientIdentity client) {
        return require(client).ackCursor;
    }

    @Override
    public synchronized Batch getWithoutAck(ClientIdentity client, int fetchSize, long timeout, TimeUnit unit)
            throws InterruptedException {
        Client state = require(client);
        if (timeout == 0) {
            while (entries.size() - state.getCursor < fetchSize) {
                wait();
                state = require(client);
            }
        } else if (timeout > 0) {
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            long left;
            while (entries.size() - state.getCursor < fetchSize && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
                state = require(client);
            }
        }
        int from = state.getCursor;
        int to = Math.min(entries.size(), from + fetchSize);
        if (to == from) {
            return Batch.EMPTY;
        }
        long id = state.nextBatchId++;
        state.outstanding.put(id, new int[] {from, to});
        state.getCursor = to;
        return new Batch(id, entries.subList(from, to));
    }

    @Override
    public synchronized void ack(ClientIdentity client, long batchId) {
        Client state = require(client);
        int[] range = oldest(state, client, batchId, "ack error , clientId:");
        state.outstanding.remove(batchId);
        state.ackCursor = range[1];
        notifyAll();
    }

    private volatile java.util.function.Supplier<java.util.concurrent.CompletableFuture<Void>> persistAck =
            () -> java.util.concurrent.CompletableFuture.completedFuture(null);

    /** Makes each ack's persisting step the future this gives (a ZooKeeper write that completes later, say). */
    public void persistAcksWith(java.util.function.Supplier<java.util.concurrent.CompletableFuture<Void>> persist) {
        this.persistAck = persist;
    }

    @Override
    public java.util.concurrent.CompletableFuture<Void> ackAsync(ClientIdentity client, long batchId) {
        ack(client, batchId);
        return persistAck.get();
    }

    @Override
    public synchronized void rollback(ClientIdentity client, long batchId) {
        Client state = require(client);
        if (batchId == 0) {
            state.outstanding.clear();
        } else {
            oldest(state, client, batchId, "rollback error, clientId:");
            state.outstanding.remove(batchId);
        }
        state.getCursor = state.ackCursor;
        notifyAll();
    }

    private static int[] oldest(Client state, ClientIdentity client, long batchId, String notExist) {
        int[] range = state.outstanding.get(batchId);
        if (range == null) {
            throw new ClientRequestException(notExist + client.clientId() + " batchId:" + batchId
                    + " is not exist , please check");
        }
        long first = state.outstanding.keySet().iterator().next();
        if (first != batchId) {
            throw new ClientRequestException("batchId:" + batchId + " is not the firstly:" + first);
        }
        return range;
    }

    private Client require(ClientIdentity client) {
        Client state = clients.get(client);
        if (state == null) {
            throw new ClientRequestException("ClientIdentity:" + client + " should subscribe first");
        }
        return state;
    }
}
