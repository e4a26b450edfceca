package io.sluice.server.net;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts failed logins per source address in fixed windows: a source that failed {@code maxFailures} times within
 * a window is refused, even with the right credentials, until its window ends. That turns an online password guess
 * from thousands per second into a handful per window. One WARN line per source and window says so; the
 * individual failures are logged by the caller. A success clears the source's count.
 *
 * <p>Shared by the client port and the admin port, each with its own instance (so a blocked script does not lock
 * out canal clients from the same host).
 */
public final class FailedLogins {

    private static final Logger log = LoggerFactory.getLogger(FailedLogins.class);

    /** Forget idle sources beyond this many, so a scan from many addresses cannot grow the map without end. */
    private static final int MAX_TRACKED = 10_000;

    private final String port;
    private final int maxFailures;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final Map<InetAddress, Window> windows = new HashMap<>();

    private static final class Window {
        long start;
        int failures;
    }

    /**
     * @param port        what the log line calls the endpoint, e.g. "client port 11111"
     * @param maxFailures failures allowed per window; 0 = no limit
     */
    public FailedLogins(String port, int maxFailures, Duration window) {
        this(port, maxFailures, window, System::nanoTime);
    }

    FailedLogins(String port, int maxFailures, Duration window, LongSupplier nanoTime) {
        this.port = port;
        this.maxFailures = maxFailures;
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Seconds until {@code source} may try again, or 0 when it may try now. */
    public synchronized long blockedSeconds(InetAddress source) {
        if (maxFailures <= 0 || source == null) {
            return 0;
        }
        Window w = current(source, nanoTime.getAsLong());
        if (w == null || w.failures < maxFailures) {
            return 0;
        }
        long left = w.start + windowNanos - nanoTime.getAsLong();
        return Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
    }

    public synchronized void failed(InetAddress source) {
        if (maxFailures <= 0 || source == null) {
            return;
        }
        long now = nanoTime.getAsLong();
        Window w = current(source, now);
        if (w == null) {
            if (windows.size() >= MAX_TRACKED) {
                windows.values().removeIf(x -> now - x.start >= windowNanos);
            }
            w = new Window();
            w.start = now;
            windows.put(source, w);
        }
        w.failures++;
        if (w.failures == maxFailures) {
            log.warn("{} failed logins from {} on the {} within {} s: refusing it until the window ends", maxFailures,
                    source.getHostAddress(), port, windowNanos / 1_000_000_000L);
        }
    }

    public synchronized void succeeded(InetAddress source) {
        if (source != null) {
            windows.remove(source);
        }
    }

    private Window current(InetAddress source, long now) {
        Window w = windows.get(source);
        if (w != null && now - w.start >= windowNanos) {
            windows.remove(source);
            return null;
        }
        return w;
    }
}
