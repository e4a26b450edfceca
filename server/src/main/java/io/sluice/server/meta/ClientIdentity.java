package io.sluice.server.meta;

import java.util.Objects;

/**
 * A consumer of a destination, as canal identifies it: destination name plus a numeric client id (the official
 * client always uses 1001). The subscription filter is not part of the identity. The key of every meta store;
 * net and instance take it from here.
 */
public record ClientIdentity(String destination, short clientId) {

    public ClientIdentity {
        Objects.requireNonNull(destination, "destination");
    }

    /** Parses the client id as canal does ({@code Short.valueOf}); a bad id is the caller's error. */
    public static ClientIdentity of(String destination, String clientId) {
        return new ClientIdentity(destination, Short.parseShort(clientId.trim()));
    }

    /**
     * Client ids below zero are peeks (Sluice's own convention, used by {@code bin/console.sh}): they follow the
     * store and never make it wait (entries are kept for them only while it has room), are not persisted and end
     * with their connection. Applications use ids from 1
     * (canal's client: 1001), so a peek can never take an application's session over.
     */
    public boolean isPeek() {
        return clientId < 0;
    }

    @Override
    public String toString() {
        return destination + "/" + clientId;
    }
}
