package io.sluice.server.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.sluice.server.admin.HttpReplies;
import io.sluice.server.position.SnapshotProgress;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Operator requests for incremental snapshots, behind {@code POST /snapshot} with the JSON body
 * {@code {"destination": "D", "table": "schema.table"}} on the admin (status) port ({@code bin/snapshot.sh});
 * {@code GET /snapshot?destination=D} shows where a destination's snapshot stands. Credentials and the
 * same-origin check are the status server's gate; a change is never made by a GET or by query parameters alone.
 *
 * <p>Answers: 202 queued (or already queued), 400 a request that names no or a malformed table, or a table the
 * destination does not stream or that does not exist, or a body that is not that JSON, 404 an unknown or stopped
 * destination, 405 another method.
 */
public final class SnapshotService {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 64 * 1024;

    private final Function<String, List<SnapshotSource>> sources;

    /** @param sources the snapshot sources of a destination (empty when it is unknown here) */
    public SnapshotService(Function<String, List<SnapshotSource>> sources) {
        this.sources = sources;
    }

    /** What a request led to. */
    public record Answer(int httpStatus, String message) {
    }

    /** Queues {@code table} ({@code schema.table}) for an incremental snapshot of {@code destination}. */
    public Answer request(String destination, String table) {
        if (destination == null || destination.isBlank()) {
            return new Answer(400, "name the destination: {\"destination\": \"<name>\", \"table\": \"<schema.table>\"}");
        }
        if (table == null || table.isBlank()) {
            return new Answer(400, "name the table: {\"destination\": \"" + destination + "\", \"table\": \"<schema.table>\"}");
        }
        int dot = table.indexOf('.');
        if (dot <= 0 || dot == table.length() - 1) {
            return new Answer(400, "table '" + table + "' is not schema.table");
        }
        String schema = table.substring(0, dot);
        String name = table.substring(dot + 1);
        List<SnapshotSource> found = sources.apply(destination).stream().filter(SnapshotSource::isRunning).toList();
        if (found.isEmpty()) {
            return new Answer(404, "destination " + destination + " is not running on this server");
        }
        List<String> problems = new ArrayList<>();
        boolean queued = false;
        boolean accepted = false;
        for (SnapshotSource s : found) {
            try {
                queued |= s.request(schema, name);
                accepted = true;
            } catch (SnapshotException e) {
                problems.add(e.getMessage());
            }
        }
        if (!accepted) {
            return new Answer(400, String.join("; ", problems));
        }
        return new Answer(202, "incremental snapshot of " + schema + "." + name + " for " + destination
                + (queued ? " queued" : " was already queued"));
    }

    /** Where each source of a destination stands. */
    public List<SnapshotSource.Status> status(String destination) {
        return sources.apply(destination).stream().map(SnapshotSource::status).toList();
    }

    public HttpHandler httpHandler() {
        return this::handle;
    }

    private void handle(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        String method = ex.getRequestMethod();
        if (method.equals("POST")) {
            Answer a;
            try {
                JsonNode request = JSON.readTree(ex.getRequestBody().readNBytes(MAX_BODY));
                a = request == null || !request.isObject() ? null
                        : request(text(request, "destination"), text(request, "table"));
            } catch (IOException e) {
                a = null;
            }
            if (a == null) {
                a = new Answer(400, "send a JSON body: {\"destination\": \"<name>\", \"table\": \"<schema.table>\"}");
            }
            ObjectNode body = JSON.createObjectNode();
            body.put("status", a.httpStatus());
            body.put("message", a.message());
            HttpReplies.respond(ex, a.httpStatus(), "application/json", JSON.writeValueAsBytes(body));
        } else if (method.equals("GET")) {
            String destination = q.get("destination");
            if (destination == null || sources.apply(destination).isEmpty()) {
                HttpReplies.respondText(ex, 404, "no destination " + destination + " on this server\n");
                return;
            }
            ArrayNode list = JSON.createArrayNode();
            for (SnapshotSource.Status s : status(destination)) {
                ObjectNode n = list.addObject();
                n.put("state", s.state());
                n.put("rowsEmitted", s.rowsEmitted());
                SnapshotProgress p = s.progress();
                if (p != null) {
                    ArrayNode tables = n.putArray("pending");
                    p.tables().forEach(t -> tables.add(t.toString()));
                    n.put("rowsOfCurrent", p.rowsDone());
                    ArrayNode key = n.putArray("after");
                    p.lastKey().forEach(key::add);
                }
                if (s.lastError() != null) {
                    n.put("lastError", s.lastError());
                }
            }
            HttpReplies.respond(ex, 200, "application/json", JSON.writeValueAsBytes(list));
        } else {
            ex.getResponseHeaders().set("Allow", "GET, POST");
            HttpReplies.respondText(ex, 405, "use POST /snapshot with {\"destination\": \"<name>\", \"table\": \"<schema.table>\"}\n");
        }
    }

    private static String text(JsonNode request, String field) {
        JsonNode n = request.get(field);
        return n == null || !n.isTextual() ? null : n.asText();
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }
}
