package io.sluice.server.clients;

import io.sluice.server.config.ClientLifecycleConfig;
import io.sluice.server.instance.ClientStatus;
import io.sluice.server.instance.DestinationInstance;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the client ids of the running destinations once a second. A subscribed id that is gone (its consumer
 * decommissioned, a test run's id) keeps its entries in the store forever; once the store is full the parser stops.
 * When the store has been full for {@code sluice.client.stall.warn.seconds} without anything freed, one line names
 * the id the store waits for and how to drop it, repeated at most every {@link #REPEAT}. With
 * {@code sluice.client.idle.expire.seconds} an id that made no request for that long is dropped.
 */
public final class ClientStallWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClientStallWatch.class);

    /** The same stall is reported again after this long, not at every check. */
    static final Duration REPEAT = Duration.ofMinutes(5);

    private final Supplier<Collection<DestinationInstance>> instances;
    private final ClientLifecycleConfig config;
    private final Map<String, Long> lastWarned = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "client-watch");
        t.setDaemon(true);
        return t;
    });

    public ClientStallWatch(Supplier<Collection<DestinationInstance>> instances, ClientLifecycleConfig config) {
        this.instances = instances;
        this.config = config;
    }

    public void start() {
        if (config.stallWarnSeconds() > 0 || config.idleExpireSeconds() > 0) {
            timer.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
        }
    }

    void tick() {
        long now = System.currentTimeMillis();
        for (DestinationInstance instance : instances.get()) {
            try {
                check(instance, now);
            } catch (RuntimeException e) {
                // a destination stopping under the check: the next tick sees it as it is then
                log.debug("client check of {} skipped: {}", instance.name(), e.toString());
            }
        }
    }

    private void check(DestinationInstance instance, long now) {
        if (!instance.isRunning()) {
            return;
        }
        if (config.idleExpireSeconds() > 0) {
            for (ClientStatus c : instance.clients()) {
                if (!c.isPeek() && c.idleSeconds() >= config.idleExpireSeconds()) {
                    instance.drop((short) c.clientId(), "no request for " + c.idleSeconds()
                            + " s, sluice.client.idle.expire.seconds = " + config.idleExpireSeconds());
                }
            }
        }
        long fullFor = instance.storeFullForMillis(now);
        if (config.stallWarnSeconds() <= 0 || fullFor < config.stallWarnSeconds() * 1000) {
            return;
        }
        List<ClientStatus> clients = instance.clients();
        if (clients.stream().noneMatch(c -> !c.isPeek())) {
            if (due(instance.name() + "/-", now)) {
                log.warn("destination {}: the store has been full for {} s and no client id is subscribed{}: entries"
                                + " wait for a first subscriber (peeks never free them)", instance.name(), fullFor / 1000,
                        clients.isEmpty() ? "" : " (only peeks)");
            }
            return;
        }
        for (ClientStatus c : clients) {
            if (!c.holdsStore() || !due(instance.name() + "/" + c.clientId(), now)) {
                continue;
            }
            log.warn("destination {}: the store has been full for {} s and waits for client id {} to ack (acked up to"
                            + " {}, last request {} s ago, {} entries / {} bytes behind); if that consumer is gone for"
                            + " good: bin/clients.sh {} drop {}", instance.name(), fullFor / 1000, c.clientId(),
                    c.ackedPosition().isEmpty() ? "nothing yet" : c.ackedPosition(), c.idleSeconds(), c.lagEntries(),
                    c.lagBytes(), instance.name(), c.clientId());
        }
    }

    /** True at most once per {@link #REPEAT} for the same subject. */
    private boolean due(String key, long now) {
        Long last = lastWarned.get(key);
        if (last != null && now - last < REPEAT.toMillis()) {
            return false;
        }
        lastWarned.put(key, now);
        return true;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
