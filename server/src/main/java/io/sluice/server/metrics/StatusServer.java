package io.sluice.server.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.sluice.server.admin.HttpReplies;
import io.sluice.server.net.FailedLogins;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of operations on {@code canal.metrics.pull.port}: {@code /metrics} (Prometheus text, open like
 * canal's metrics port so that Prometheus can scrape it), {@code /console/} (the web console's static files, open:
 * they hold no data) and the admin endpoints: {@code /status} (JSON: server,
 * destinations, positions, lag) and whatever operator commands are added. Every path but {@code /metrics} — the
 * ones added later included — passes the {@link AdminGate}: credentials, and same-origin JSON POSTs for changes.
 */
public final class StatusServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StatusServer.class);

    private final HttpServer http;
    private final AdminGate gate;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * @param bindIp      address to listen on, "" = all interfaces
     * @param admin       credentials every path but /metrics requires
     * @param failures    failed-login limit per source address
     */
    public StatusServer(String bindIp, int port, AdminCredentials admin, FailedLogins failures, SluiceMetrics metrics,
                        Supplier<Map<String, Object>> serverInfo, Supplier<List<DestinationStats>> destinations)
            throws IOException {
        InetSocketAddress address = bindIp == null || bindIp.isBlank() ? new InetSocketAddress(port)
                : new InetSocketAddress(bindIp, port);
        this.http = HttpServer.create(address, 16);
        http.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "status-http");
            t.setDaemon(true);
            return t;
        }));
        this.gate = new AdminGate(admin, failures);
        http.createContext("/metrics", ex -> HttpReplies.respond(ex, 200, metrics.contentType(), metrics.scrape()));
        addHandler("/status", ex -> {
            Map<String, Object> body = new LinkedHashMap<>(serverInfo.get());
            body.put("destinations", destinations.get());
            HttpReplies.respond(ex, 200, "application/json", json.writeValueAsBytes(body));
        });
        // any other path: behind the gate too, so that an unauthenticated caller learns nothing about what exists
        addHandler("/", ex -> HttpReplies.respondText(ex, 404, "no such endpoint\n"));
    }

    /**
     * Adds an admin endpoint, e.g. an operator command, behind the {@link AdminGate}; the handler answers the
     * exchange itself and changes state only on POST.
     */
    public void addHandler(String path, HttpHandler handler) {
        http.createContext(path, handler).getFilters().add(gate);
    }

    /** A path served without credentials: only for what holds no data (the console's page and script). */
    public void addOpenHandler(String path, HttpHandler handler) {
        http.createContext(path, handler);
    }

    public void start() {
        http.start();
        log.info("metrics on http://{}:{}/metrics (open), admin endpoints (/status, /snapshot, ...) with credentials",
                http.getAddress().getHostString(), port());
    }

    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
        ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
    }
}
