package io.sluice.server.metrics;

import java.time.Duration;
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
 * One log line per destination every few seconds while it is moving: position, rows/s since the last line, delay
 * behind the master, store fill. Silent while a destination is idle, so a quiet server has a quiet log.
 */
public final class ProgressLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("io.sluice.progress");

    private final Supplier<List<DestinationStats>> source;
    private final Duration period;
    private final Map<String, long[]> last = new HashMap<>(); // rows, nanos
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "progress-log");
        t.setDaemon(true);
        return t;
    });

    public ProgressLog(Supplier<List<DestinationStats>> source, Duration period) {
        this.source = source;
        this.period = period;
    }

    public void start() {
        timer.scheduleAtFixedRate(this::tick, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    void tick() {
        try {
            long now = System.nanoTime();
            for (DestinationStats s : source.get()) {
                long[] prev = last.put(s.destination(), new long[] {s.rowsParsed(), now});
                if (prev == null || s.rowsParsed() == prev[0]) {
                    continue;
                }
                double seconds = (now - prev[1]) / 1e9;
                log.info("{}: at {}, {} rows/s, {} ms behind the master, store {} entries / {} KiB, acked up to {}",
                        s.destination(), s.position(), Math.round((s.rowsParsed() - prev[0]) / seconds), s.delayMillis(),
                        s.storeEntries(), s.storeBytes() / 1024, s.ackedPosition().isEmpty() ? "-" : s.ackedPosition());
            }
        } catch (RuntimeException e) {
            log.debug("progress line skipped: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
