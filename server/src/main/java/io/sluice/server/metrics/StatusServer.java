package io.sluice.server.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of operations on {@code canal.metrics.pull.port}: {@code /metrics} (Prometheus text) and
 * {@code /status} (JSON: server, destinations, positions, lag). Handlers can be added for operator commands.
 */
public final class StatusServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StatusServer.class);

    private final HttpServer http;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public StatusServer(String bindIp, int port, SluiceMetrics metrics, Supplier<Map<String, Object>> serverInfo,
                        Supplier<List<DestinationStats>> destinations) throws IOException {
        InetSocketAddress address = bindIp == null || bindIp.isBlank() ? new InetSocketAddress(port)
                : new InetSocketAddress(bindIp, port);
        this.http = HttpServer.create(address, 16);
        http.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "status-http");
            t.setDaemon(true);
            return t;
        }));
        http.createContext("/metrics", ex -> respond(ex, 200, metrics.contentType(), metrics.scrape()));
        http.createContext("/status", ex -> {
            Map<String, Object> body = new LinkedHashMap<>(serverInfo.get());
            body.put("destinations", destinations.get());
            respond(ex, 200, "application/json", json.writeValueAsBytes(body));
        });
    }

    /** Adds an endpoint, e.g. an operator command; the handler answers the exchange itself. */
    public void addHandler(String path, com.sun.net.httpserver.HttpHandler handler) {
        http.createContext(path, handler);
    }

    public void start() {
        http.start();
        log.info("metrics and status on http://{}:{}/metrics and /status", http.getAddress().getHostString(), port());
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public static void respond(HttpExchange ex, int code, String contentType, byte[] body) throws IOException {
        try (ex) {
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(code, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    public static void respondText(HttpExchange ex, int code, String text) throws IOException {
        respond(ex, code, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        http.stop(0);
        ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
    }
}
