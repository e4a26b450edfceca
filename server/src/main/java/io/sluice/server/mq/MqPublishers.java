package io.sluice.server.mq;

import io.sluice.server.instance.Destination;
import io.sluice.server.instance.DestinationInstance;
import io.sluice.server.instance.DestinationRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQ mode ({@code canal.serverMode = kafka / rabbitMQ}): one {@link DestinationPublisher} for every destination
 * that runs on this server, kept in step with the registry (destinations added or removed by auto-scan, won or
 * lost in an HA election). A publisher is closed before its destination stops being served here.
 */
public final class MqPublishers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MqPublishers.class);

    private final DestinationRegistry registry;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final Map<String, String> refused = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mq-publishers");
        t.setDaemon(true);
        return t;
    });

    public MqPublishers(DestinationRegistry registry) {
        this.registry = registry;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::reconcile, 0, 1, TimeUnit.SECONDS);
    }

    synchronized void reconcile() {
        try {
            for (DestinationInstance instance : registry.instances()) {
                String name = instance.name();
                Optional<Destination> served = registry.find(name);
                Running current = running.get(name);
                if (current != null && current.instance() != instance) {
                    // the destination was restarted with a changed instance.properties: publish with its new keys
                    running.remove(name).publisher().close();
                    log.info("{}: publisher stopped (destination restarted)", name);
                    current = null;
                }
                if (served.isPresent() && current == null) {
                    start(name, served.get(), instance);
                } else if (served.isEmpty() && current != null) {
                    running.remove(name).publisher().close();
                    log.info("{}: publisher stopped (destination not served here)", name);
                }
            }
            for (String name : running.keySet()) {
                if (registry.instance(name).isEmpty()) {
                    running.remove(name).publisher().close();
                    log.info("{}: publisher stopped (destination removed)", name);
                }
            }
        } catch (RuntimeException e) {
            log.error("MQ publisher supervision failed: {}", e.toString(), e);
        }
    }

    private void start(String name, Destination destination, DestinationInstance instance) {
        MqPublishSettings settings;
        MqProducer producer;
        try {
            settings = MqPublishSettings.fromProperties(instance.config().asProperties());
            ExactlyOnceSettings exactlyOnce = ExactlyOnceSettings.fromProperties(instance.config().asProperties(), name);
            producer = exactlyOnce.enabled()
                    ? new TransactionalKafkaProducer(name, settings.kafka(), exactlyOnce)
                    : MqProducer.create(settings);
        } catch (MqSettingsException e) {
            // one line per refusal, not one per reconcile tick; a restarted (fixed) instance is tried again
            if (!e.getMessage().equals(refused.put(name, e.getMessage()))) {
                log.error("{}: not published: {}", name, e.getMessage());
            }
            return;
        }
        refused.remove(name);
        running.put(name, new Running(new DestinationPublisher(destination, settings, producer).start(), instance));
        log.info("{}: publishing with {}{}", name, settings, producer instanceof TransactionalProducer
                ? " exactly once (one Kafka transaction per batch)" : "");
    }

    /** The publisher of a destination, stopped (settings refused, oversize row) or not, and what it publishes. */
    private record Running(DestinationPublisher publisher, DestinationInstance instance) {
    }

    /** The publisher of {@code destination} while it is here, for status pages and tests. */
    public Optional<DestinationPublisher> publisher(String destination) {
        return Optional.ofNullable(running.get(destination)).map(Running::publisher);
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        running.values().forEach(r -> r.publisher().close());
        running.clear();
    }
}
