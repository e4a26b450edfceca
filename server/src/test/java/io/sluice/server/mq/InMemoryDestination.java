package io.sluice.server.mq;

import io.sluice.server.entry.StoredEntry;
import io.sluice.server.instance.Batch;
import io.sluice.server.instance.ClientRequestException;
import io.sluice.server.instance.Destination;
import io.sluice.server.meta.ClientIdentity;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A destination with canal's get/ack/rollback rules over a list of entries (ITEMSIZE batches), standing in for
 * the real instance in MQ tests: batch ids from 1, ack and rollback only of the oldest outstanding batch,
 * rollback(0) re-delivers from the last ack. Entries can be appended while a publisher runs.
 */
final class InMemoryDestination implements Destination {

    private record Outstanding(long id, int from, int to) {
    }

    private final String name;
    private final List<StoredEntry> entries = new ArrayList<>();
    private final Deque<Outstanding> outstanding = new ArrayDeque<>();
    private final Set<ClientIdentity> subscribed = new HashSet<>();
    private int acked;
    private int handedOut;
    private long nextBatchId = 1;
    private int rollbacks;

    InMemoryDestination(String name) {
        this.name = name;
    }

    synchronized void append(List<StoredEntry> more) {
        entries.addAll(more);
        notifyAll();
    }

    synchronized int ackedEntries() {
        return acked;
    }

    synchronized int size() {
        return entries.size();
    }

    synchronized int rollbacks() {
        return rollbacks;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized void subscribe(ClientIdentity client, String filter) {
        subscribed.add(client);
    }

    @Override
    public synchronized void unsubscribe(ClientIdentity client) {
        subscribed.remove(client);
    }

    @Override
    public synchronized boolean isSubscribed(ClientIdentity client) {
        return subscribed.contains(client);
    }

    @Override
    public synchronized Batch getWithoutAck(ClientIdentity client, int fetchSize, long timeout, TimeUnit unit)
            throws InterruptedException {
        requireSubscribed(client);
        long deadline = System.nanoTime() + unit.toNanos(Math.max(timeout, 0));
        while (entries.size() - handedOut < fetchSize && timeout != -1) {
            long left = deadline - System.nanoTime();
            if (timeout > 0 && left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, timeout == 0 ? TimeUnit.SECONDS.toNanos(1) : left);
        }
        int to = Math.min(entries.size(), handedOut + fetchSize);
        if (to == handedOut) {
            return Batch.EMPTY;
        }
        Outstanding batch = new Outstanding(nextBatchId++, handedOut, to);
        outstanding.addLast(batch);
        handedOut = to;
        return new Batch(batch.id(), entries.subList(batch.from(), batch.to()));
    }

    @Override
    public synchronized void ack(ClientIdentity client, long batchId) {
        requireSubscribed(client);
        Outstanding first = outstanding.peekFirst();
        if (first == null || first.id() != batchId) {
            throw new ClientRequestException(first == null
                    ? "ack error , clientId:" + client.clientId() + " batchId:" + batchId + " is not exist , please check"
                    : "batchId:" + batchId + " is not the firstly:" + first.id());
        }
        outstanding.removeFirst();
        acked = first.to();
    }

    @Override
    public synchronized void rollback(ClientIdentity client, long batchId) {
        if (!subscribed.contains(client)) {
            return;
        }
        rollbacks++;
        outstanding.clear();
        handedOut = acked;
    }

    private void requireSubscribed(ClientIdentity client) {
        if (!subscribed.contains(client)) {
            throw new ClientRequestException("ClientIdentity:" + client + " should subscribe first");
        }
    }
}
