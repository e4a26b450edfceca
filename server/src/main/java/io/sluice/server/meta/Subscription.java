package io.sluice.server.meta;

import java.util.Objects;

/** A subscribed client and the filter it subscribed with ("" = none). */
public record Subscription(ClientIdentity client, String filter) {

    public Subscription {
        Objects.requireNonNull(client, "client");
        filter = filter == null ? "" : filter;
    }
}
