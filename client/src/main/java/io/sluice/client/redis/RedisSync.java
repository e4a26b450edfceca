package io.sluice.client.redis;

import io.sluice.client.ClientRunningMonitor;
import io.sluice.client.Message;
import io.sluice.client.SluiceClientException;
import io.sluice.client.SluiceConnector;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors tables into Redis: pulls batches from a destination with {@link SluiceConnector}, applies them
 * ({@link RedisWriter}) and acks a batch only after Redis confirmed all of its changes. Redis unreachable: the
 * same batch is applied again after a doubling backoff, unacked, until Redis is back. The consumer crashing:
 * the server hands out everything after the last ack again, and since every change is idempotent, Redis
 * converges to the tables' state.
 *
 * <p>Run it with {@code bin/redis-sync.sh <properties file>} (see {@link RedisSyncSettings} for the keys).
 */
public final class RedisSync implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisSync.class);

    private final RedisSyncSettings settings;
    private final ChangeMapper mapper;
    private final RedisWriter writer;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong ackedBatches = new AtomicLong();
    private final AtomicLong appliedRows = new AtomicLong();
    private final AtomicLong redisFailures = new AtomicLong();
    private volatile boolean running = true;
    private volatile SluiceConnector connector;
    /** With ZooKeeper: which copy of this consumer is the active one; null without. */
    private volatile ClientRunningMonitor monitor;

    public RedisSync(RedisSyncSettings settings) {
        this.settings = settings;
        this.mapper = new ChangeMapper(settings);
        this.writer = new RedisWriter(settings);
        this.thread = new Thread(this::run, "redis-sync-" + settings.connector().destination());
    }


    /** True while this copy pulls (always, without ZooKeeper). */
    public boolean isActive() {
        ClientRunningMonitor m = monitor;
        return settings.hasZooKeeper() ? m != null && m.isActive() : thread.isAlive();
    }

    public RedisSync start() {
        thread.start();
        return this;
    }

    public long ackedBatches() {
        return ackedBatches.get();
    }

    /** Changes (put/delete/table clear) written and confirmed by Redis. */
    public long appliedChanges() {
        return appliedRows.get();
    }

    public long redisFailures() {
        return redisFailures.get();
    }

    private void run() {
        log.info("mirroring {} into Redis {}:{}/{}", settings.tables().keySet(), settings.redisHost(),
                settings.redisPort(), settings.redisDatabase());
        Duration backoff = settings.retryBackoff();
        if (settings.hasZooKeeper()) {
            monitor = ClientRunningMonitor.start(settings.zkServers(), Duration.ofSeconds(10),
                    settings.connector().destination(), settings.connector().clientId(),
                    ClientRunningMonitor.processAddress());
        }
        try {
            while (running) {
                try {
                    if (monitor != null && !monitor.awaitActive(1, TimeUnit.SECONDS)) {
                        closeConnector(); // standby: another copy pulls
                        continue;
                    }
                    if (connector == null) {
                        SluiceConnector c = settings.server() == null
                                ? SluiceConnector.cluster(settings.zkServers(), settings.connector())
                                : new SluiceConnector(new InetSocketAddress(settings.server().getHostString(),
                                        settings.server().getPort()), settings.connector());
                        connector = c;
                        c.connect();
                        c.subscribe(settings.subscribeFilter());
                    }
                    Message message = connector.getWithoutAck(settings.batchSize(), 1, TimeUnit.SECONDS);
                    if (message.isEmpty()) {
                        continue;
                    }
                    if (monitor != null && !monitor.isActive()) {
                        closeConnector(); // no longer the active copy: the batch goes to the new one
                        continue;
                    }
                    List<RedisChange> changes = mapper.map(message.entries());
                    applyUntilConfirmed(changes);
                    if (!running) {
                        return; // stopped while Redis was away: the batch stays unacked and comes again
                    }
                    if (monitor != null && !monitor.isActive()) {
                        // written (puts and deletes are idempotent) but not acked: the new active copy writes it again
                        closeConnector();
                        continue;
                    }
                    connector.ack(message.id());
                    ackedBatches.incrementAndGet();
                    appliedRows.addAndGet(changes.size());
                    backoff = settings.retryBackoff();
                } catch (SluiceClientException e) {
                    if (!running) {
                        return;
                    }
                    log.warn("Sluice server {}: {}; reconnecting in {} ms", settings.serverName(), e.getMessage(),
                            backoff.toMillis());
                    closeConnector();
                    Thread.sleep(backoff.toMillis());
                    backoff = next(backoff);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeConnector();
            if (monitor != null) {
                monitor.close();
            }
            writer.close();
            stopped.countDown();
        }
    }

    private void applyUntilConfirmed(List<RedisChange> changes) throws InterruptedException {
        Duration backoff = settings.retryBackoff();
        while (running) {
            try {
                writer.apply(changes);
                return;
            } catch (RuntimeException e) {
                redisFailures.incrementAndGet();
                log.warn("Redis {}:{} did not take the batch ({}); retrying in {} ms, nothing acked", settings.redisHost(),
                        settings.redisPort(), e.getMessage(), backoff.toMillis());
                Thread.sleep(backoff.toMillis());
                backoff = next(backoff);
            }
        }
    }

    private Duration next(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(settings.retryBackoffMax()) > 0 ? settings.retryBackoffMax() : doubled;
    }

    private void closeConnector() {
        SluiceConnector c = connector;
        connector = null;
        if (c != null) {
            try {
                c.close();
            } catch (SluiceClientException e) {
                log.warn("closing the connection to {}: {}", settings.serverName(), e.getMessage());
            }
        }
    }

    /** Stops after the batch in hand; an unacked batch is delivered again to the next run. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            if (!stopped.await(30, TimeUnit.SECONDS)) {
                log.warn("redis sync thread did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: redis-sync.sh <properties file>");
            System.exit(2);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(args[0]))) {
            p.load(r);
        }
        RedisSync sync;
        try {
            sync = new RedisSync(RedisSyncSettings.fromProperties(p));
        } catch (RedisSyncSettingsException e) {
            System.err.println(args[0] + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(sync::close, "redis-sync-shutdown"));
        sync.start();
        sync.stopped.await();
    }
}
