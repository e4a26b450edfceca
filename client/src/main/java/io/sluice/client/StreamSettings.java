package io.sluice.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * How a {@link BatchStream} fetches.
 *
 * @param batchSize    entries per GET (canal ITEMSIZE) or KB (MEMSIZE servers)
 * @param timeout      the GET's server-side wait, canal's meaning (-1 = at once)
 * @param unit         unit of {@code timeout}
 * @param prefetch     fetched batches that may wait for the application (besides the one it holds)
 * @param maxIdlePause longest pause between GETs while the server has nothing (pauses double from 1 ms)
 */
public record StreamSettings(int batchSize, long timeout, TimeUnit unit, int prefetch, Duration maxIdlePause) {

    public StreamSettings {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(maxIdlePause, "maxIdlePause");
        if (batchSize < 1 || prefetch < 1) {
            throw new IllegalArgumentException("batchSize and prefetch must be at least 1");
        }
    }

    /** GETs of {@code batchSize} that return at once, one batch prefetched, idle pauses up to 50 ms. */
    public static StreamSettings of(int batchSize) {
        return new StreamSettings(batchSize, -1, TimeUnit.MILLISECONDS, 1, Duration.ofMillis(50));
    }
}
