package io.sluice.server.instance;

import java.util.Optional;

/**
 * The destinations this server currently runs. A destination that is configured but not running here (not
 * started yet, or active on another server in HA) is absent, which clients see as canal's
 * {@code destination:<d> should start first}.
 */
@FunctionalInterface
public interface Destinations {

    Optional<Destination> find(String name);
}
