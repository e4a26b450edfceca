package io.sluice.server.meta;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Meta kept in memory only (canal's memory-instance.xml): lost at restart. Also the in-memory state the
 * file and ZooKeeper stores persist.
 */
public final class MemoryMetaStore implements MetaStore {

    private final String destination;
    private final Map<Short, Subscription> subscriptions = new LinkedHashMap<>();
    private final Map<Short, ClientCursor> cursors = new LinkedHashMap<>();
    private long changes;

    public MemoryMetaStore(String destination) {
        this.destination = destination;
    }

    @Override
    public String destination() {
        return destination;
    }

    @Override
    public void start() {
    }

    @Override
    public void stop() {
    }

    @Override
    public synchronized List<Subscription> subscriptions() {
        return List.copyOf(subscriptions.values());
    }

    @Override
    public synchronized void subscribe(ClientIdentity client, String filter) {
        Subscription s = new Subscription(client, filter);
        if (!s.equals(subscriptions.put(client.clientId(), s))) {
            changes++;
        }
    }

    @Override
    public synchronized void unsubscribe(ClientIdentity client) {
        boolean removed = subscriptions.remove(client.clientId()) != null;
        if (cursors.remove(client.clientId()) != null || removed) {
            changes++;
        }
    }

    @Override
    public synchronized Optional<ClientCursor> cursor(ClientIdentity client) {
        return Optional.ofNullable(cursors.get(client.clientId()));
    }

    @Override
    public synchronized void updateCursor(ClientIdentity client, ClientCursor cursor) {
        if (!cursor.equals(cursors.put(client.clientId(), cursor))) {
            changes++;
        }
    }

    /** A counter that moves on every change; persisting stores compare it with what they wrote. */
    synchronized long changes() {
        return changes;
    }

    /** Subscriptions with their cursors (null when none), in subscription order, and the change counter. */
    synchronized Snapshot snapshot() {
        List<ClientData> out = new ArrayList<>();
        for (Subscription s : subscriptions.values()) {
            out.add(new ClientData(s, cursors.get(s.client().clientId())));
        }
        return new Snapshot(out, changes);
    }

    /** Replaces the state with loaded data. */
    synchronized void load(List<ClientData> data) {
        subscriptions.clear();
        cursors.clear();
        for (ClientData d : data) {
            subscriptions.put(d.subscription().client().clientId(), d.subscription());
            if (d.cursor() != null) {
                cursors.put(d.subscription().client().clientId(), d.cursor());
            }
        }
    }

    record ClientData(Subscription subscription, ClientCursor cursor) {
    }

    record Snapshot(List<ClientData> clients, long changes) {
    }
}
