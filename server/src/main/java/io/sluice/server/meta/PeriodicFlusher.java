package io.sluice.server.meta;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a meta store's flush every period on its own daemon thread until closed. Closing waits (up to 10 s) for a
 * flush in progress, so that the store's final flush at stop does not race it.
 */
final class PeriodicFlusher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PeriodicFlusher.class);

    private final String threadName;
    private final ScheduledExecutorService executor;

    PeriodicFlusher(String threadName, long periodMs, Runnable flush) {
        this.threadName = threadName;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(flush, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("{} did not end within 10 s", threadName);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
