package io.sluice.server.instance;

import io.sluice.server.config.InstanceConfig;
import java.util.List;

/**
 * Where a registry finds its destinations and their settings: the conf dir, or ZooKeeper
 * ({@code sluice.config.source}). A server reads all its destinations from one of them, never both.
 */
interface DestinationDefinitions extends AutoCloseable {

    /** The destinations defined now. */
    List<String> names();

    /** A fingerprint of the destination's current definition (its content), or null when it has none. */
    Long fingerprint(String name);

    /** The destination's settings, validated; a {@link io.sluice.server.config.ConfigException} names the bad key. */
    InstanceConfig load(String name);

    /** Calls {@code onChange} soon after a definition is added, changed or removed (file sources are polled). */
    void watch(Runnable onChange);

    /** The text of the last configuration of {@code name} that loaded without error (what runs), when known. */
    default java.util.Optional<String> lastLoaded(String name) {
        return java.util.Optional.empty();
    }

    /** For log lines: where definitions come from. */
    String describe();

    @Override
    void close();
}
