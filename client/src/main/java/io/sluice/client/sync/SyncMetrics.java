package io.sluice.client.sync;

import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A sync loop's counters and their Prometheus view, labelled with the consumer kind ({@code redis}, {@code table},
 * {@code search}) and the destination: rows applied, batches acked, retries, lag, active. Served on
 * {@code sync.metrics.port} at {@code /metrics} when set; read from the counters at scrape time.
 */
public final class SyncMetrics implements AutoCloseable {

    final AtomicLong appliedRows = new AtomicLong();
    final AtomicLong ackedBatches = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    /** Milliseconds between the execute time of the last acked batch's last entry and its ack; 0 when caught up. */
    final AtomicLong lagMillis = new AtomicLong();
    /** Execute time (ms) of the last entry of the last acked batch; 0 before the first. */
    final AtomicLong lastExecuteTime = new AtomicLong();

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private HttpServer http;
    private ExecutorService executor;

    SyncMetrics(String kind, String destination, LongSupplier active) {
        counter("sluice_sync_rows_applied", "Row changes the target confirmed and that were acked", kind, destination,
                appliedRows::get);
        counter("sluice_sync_batches_acked", "Batches acked after the target confirmed them", kind, destination,
                ackedBatches::get);
        counter("sluice_sync_retries", "Batches the target did not take and that were applied again", kind,
                destination, retries::get);
        gauge("sluice_sync_lag_milliseconds", "Ack time minus the source execute time of the last acked entry;"
                + " 0 when a pull found nothing new", kind, destination, lagMillis::get);
        gauge("sluice_sync_last_execute_time_milliseconds", "Source execute time (epoch ms) of the last acked entry",
                kind, destination, lastExecuteTime::get);
        gauge("sluice_sync_active", "1 while this copy pulls (the active one with ZooKeeper)", kind, destination,
                active);
    }

    private void counter(String name, String help, String kind, String destination, LongSupplier value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("sync", "destination")
                .callback(cb -> cb.call(value.getAsLong(), kind, destination)).register(registry);
    }

    private void gauge(String name, String help, String kind, String destination, LongSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("sync", "destination")
                .callback(cb -> cb.call(value.getAsLong(), kind, destination)).register(registry);
    }

    /** Serves {@code /metrics} on host:port; port 0 picks a free one (see {@link #port()}). */
    synchronized void serve(String host, int port) throws IOException {
        http = HttpServer.create(new InetSocketAddress(host, port), 8);
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sync-metrics");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        http.createContext("/metrics", ex -> {
            byte[] body = scrape();
            ex.getResponseHeaders().set("Content-Type", writer.getContentType());
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
    }

    /** The port /metrics is served on, or 0. */
    public synchronized int port() {
        return http == null ? 0 : http.getAddress().getPort();
    }

    /** The Prometheus text exposition. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public synchronized void close() {
        if (http != null) {
            http.stop(0);
            http = null;
            executor.shutdownNow();
        }
    }
}
