package io.sluice.server.ha;

import java.time.Duration;
import java.util.Objects;

/**
 * How a server takes part in destination elections.
 *
 * @param address         this server's published {@code ip:port} (canal.register.ip or canal.ip, and canal.port)
 * @param takeoverDelay   how long a standby waits after the running node disappears before it tries to take over;
 *                        the previous owner retries at once, so a session blip does not move the destination
 * @param preferenceDelay extra wait of a server that is not the destination's preferred server while the preferred
 *                        one is alive, so destinations spread over servers instead of all landing on the first
 * @param rebalance       whether an active server hands a destination to its preferred server when that server
 *                        (re)joins, after {@code rebalanceGrace} of stable ownership
 * @param rebalanceGrace  minimum time a destination stays on a server before it is handed over for balance
 */
public record HaSettings(String address, Duration takeoverDelay, Duration preferenceDelay, boolean rebalance,
                         Duration rebalanceGrace) {

    public HaSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(takeoverDelay, "takeoverDelay");
        Objects.requireNonNull(preferenceDelay, "preferenceDelay");
        Objects.requireNonNull(rebalanceGrace, "rebalanceGrace");
    }

    public static HaSettings defaults(String address) {
        return new HaSettings(address, Duration.ofMillis(300), Duration.ofSeconds(1), true, Duration.ofSeconds(3));
    }
}
