package io.sluice.client.sync;

import io.sluice.client.ClientRunningMonitor;
import io.sluice.client.Message;
import io.sluice.client.SluiceClientException;
import io.sluice.client.SluiceConnector;
import io.sluice.protocol.entry.CanalEntry;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pull–apply–ack loop every sync consumer runs: pulls a batch from a destination with {@link SluiceConnector},
 * has the {@link SyncTarget} map and apply it, and acks it only after the target confirmed every change. The target
 * not taking a batch: one WARN line (naming the table and key where the target knows them), the same batch applied
 * again after a doubling backoff, unacked, never skipped. The consumer crashing: the server hands out everything
 * after the last ack again, and since every change is idempotent, the target converges to the source's state.
 * With {@code sluice.zkServers} several copies run, and only the one ZooKeeper elects pulls (canal's client running
 * node); a copy that loses the election between applying and acking leaves the ack to the new active copy, which
 * applies the batch again. One progress line every {@code sync.progress.seconds}; Prometheus metrics on
 * {@code sync.metrics.port}.
 *
 * @param <C> one change as the target applies it
 */
public final class SyncLoop<C> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SyncLoop.class);

    private final String kind;
    private final SyncSettings settings;
    private final SyncTarget<C> target;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final SyncMetrics metrics;
    private volatile boolean running = true;
    private volatile String failure;
    private volatile SluiceConnector connector;
    /** With ZooKeeper: which copy of this consumer is the active one; null without. */
    private volatile ClientRunningMonitor monitor;
    private long progressAt = System.nanoTime();
    private long progressRows;

    /** {@code kind}: {@code redis}, {@code table}, {@code search}: names the thread and labels the metrics. */
    public SyncLoop(String kind, SyncSettings settings, SyncTarget<C> target) {
        this.kind = kind;
        this.settings = settings;
        this.target = target;
        this.thread = new Thread(this::run, kind + "-sync-" + settings.connector().destination());
        this.metrics = new SyncMetrics(kind, settings.connector().destination(), () -> isActive() ? 1 : 0);
    }

    /** Starts pulling, and serves the metrics when {@code sync.metrics.port} is set. */
    public SyncLoop<C> start() {
        if (settings.metricsPort() > 0) {
            try {
                metrics.serve(settings.metricsHost(), settings.metricsPort());
            } catch (IOException e) {
                throw new UncheckedIOException("sync.metrics.port=" + settings.metricsPort() + ": cannot listen on "
                        + settings.metricsHost() + ": " + e.getMessage(), e);
            }
        }
        thread.start();
        return this;
    }

    /** True while this copy pulls (always, without ZooKeeper). */
    public boolean isActive() {
        ClientRunningMonitor m = monitor;
        return settings.hasZooKeeper() ? m != null && m.isActive() : thread.isAlive();
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    public long ackedBatches() {
        return metrics.ackedBatches.get();
    }

    /** Changes the target confirmed and that were acked. */
    public long appliedRows() {
        return metrics.appliedRows.get();
    }

    /** Times the target did not take a batch. */
    public long retries() {
        return metrics.retries.get();
    }

    /** Why the sync stopped by itself, or null. */
    public String failure() {
        return failure;
    }

    public SyncMetrics metrics() {
        return metrics;
    }

    /** Waits until the loop ended (closed, or stopped by itself). */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    private void run() {
        log.info("{} sync: copying {} from {} into {}", kind, target.tables(), settings.serverName(), target.name());
        Duration backoff = settings.retryBackoff();
        if (settings.hasZooKeeper()) {
            monitor = ClientRunningMonitor.start(settings.zkServers(), Duration.ofSeconds(10),
                    settings.connector().destination(), settings.connector().clientId(),
                    ClientRunningMonitor.processAddress());
        }
        try {
            while (running) {
                try {
                    progress();
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
                        c.subscribe(target.subscribeFilter());
                    }
                    Message message = connector.getWithoutAck(settings.batchSize(), 1, TimeUnit.SECONDS);
                    if (message.isEmpty()) {
                        metrics.lagMillis.set(0); // caught up
                        continue;
                    }
                    if (monitor != null && !monitor.isActive()) {
                        closeConnector(); // no longer the active copy: the batch goes to the new one
                        continue;
                    }
                    List<C> changes = target.map(message.entries());
                    applyUntilConfirmed(changes);
                    if (!running) {
                        return; // stopped while the target was away: the batch stays unacked and comes again
                    }
                    if (monitor != null && !monitor.isActive()) {
                        closeConnector(); // applied but not acked: the new active copy applies it again, idempotently
                        continue;
                    }
                    connector.ack(message.id());
                    metrics.ackedBatches.incrementAndGet();
                    metrics.appliedRows.addAndGet(changes.size());
                    List<CanalEntry.Entry> entries = message.entries();
                    if (!entries.isEmpty()) {
                        long executed = entries.get(entries.size() - 1).getHeader().getExecuteTime();
                        metrics.lastExecuteTime.set(executed);
                        metrics.lagMillis.set(Math.max(0, System.currentTimeMillis() - executed));
                    }
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
        } catch (SyncStoppedException e) {
            failure = e.getMessage();
            log.error("stopping: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!running) {
                return; // closed while the target was answering: its client reports the interrupt its own way
            }
            failure = e.toString();
            log.error("stopping on an unexpected error; nothing unconfirmed was acked", e);
        } finally {
            closeConnector();
            if (monitor != null) {
                monitor.close();
            }
            target.close();
            metrics.close();
            stopped.countDown();
        }
    }

    private void applyUntilConfirmed(List<C> changes) throws InterruptedException {
        Duration backoff = settings.retryBackoff();
        while (running) {
            try {
                target.apply(changes);
                return;
            } catch (RetryableWriteException e) {
                metrics.retries.incrementAndGet();
                log.warn("{} did not take the batch: {}; retrying in {} ms, nothing acked", target.name(),
                        e.getMessage(), backoff.toMillis());
                Thread.sleep(backoff.toMillis());
                backoff = next(backoff);
            }
        }
    }

    /** One line every sync.progress.seconds: rows applied, rate, acked batches, lag behind the source, retries. */
    private void progress() {
        if (settings.progressInterval().isZero()) {
            return;
        }
        long now = System.nanoTime();
        long elapsed = now - progressAt;
        if (elapsed < settings.progressInterval().toNanos()) {
            return;
        }
        long rows = metrics.appliedRows.get();
        log.info("progress: {} rows applied ({} rows/s), {} batches acked, lag {}, {} retries", rows,
                Math.round((rows - progressRows) * 1e9 / elapsed), metrics.ackedBatches.get(),
                metrics.lastExecuteTime.get() == 0 ? "-" : metrics.lagMillis.get() + " ms", metrics.retries.get());
        progressAt = now;
        progressRows = rows;
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
                log.warn("{} sync thread did not stop within 30 s", kind);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        metrics.close();
    }

    /**
     * A sync consumer's main: reads the properties file named by the one argument, builds the loop, runs it until
     * SIGTERM / Ctrl-C (exit 0) or until it stops by itself (exit 1); a wrong setting exits 2 with its message.
     */
    public static void main(String[] args, String usage, Function<Properties, SyncLoop<?>> build)
            throws IOException, InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: " + usage + " <properties file>");
            System.exit(2);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(args[0]))) {
            p.load(r);
        }
        SyncLoop<?> loop;
        try {
            loop = build.apply(p).start();
        } catch (SyncSettingsException | UncheckedIOException e) {
            System.err.println(args[0] + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(loop::close, usage + "-shutdown"));
        loop.awaitStopped();
        if (loop.failure() != null) {
            System.exit(1);
        }
    }
}
