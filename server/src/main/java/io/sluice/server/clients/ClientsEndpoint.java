package io.sluice.server.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.sluice.server.admin.HttpReplies;
import io.sluice.server.instance.DestinationInstance;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code /clients} on the status port, what {@code bin/clients.sh} calls:
 * <ul>
 *   <li>{@code GET /clients?destination=D}: D's client ids with acked position, lag and last request (JSON);
 *   <li>{@code POST /clients/drop} with the JSON body {@code {"destination":"D","clientId":N}}: unsubscribes N as
 *       if it had asked (what only it held is freed, its position is forgotten).
 * </ul>
 * 404 for an unknown destination or id, 409 when the destination does not run on this server (an HA standby).
 */
public final class ClientsEndpoint implements HttpHandler {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Function<String, Optional<DestinationInstance>> instances;

    public ClientsEndpoint(Function<String, Optional<DestinationInstance>> instances) {
        this.instances = instances;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        if (path.equals("/clients") && method.equals("GET")) {
            list(ex, query(ex.getRequestURI().getRawQuery(), "destination"));
        } else if (path.equals("/clients/drop") && method.equals("POST")) {
            drop(ex);
        } else {
            ex.getResponseHeaders().set("Allow", path.equals("/clients/drop") ? "POST" : "GET");
            answer(ex, 405, "use GET /clients?destination=<name> or POST /clients/drop with "
                    + "{\"destination\":\"<name>\",\"clientId\":<id>}");
        }
    }

    private void list(HttpExchange ex, String destination) throws IOException {
        if (destination == null || destination.isEmpty()) {
            answer(ex, 400, "name the destination: GET /clients?destination=<name>");
            return;
        }
        Optional<DestinationInstance> found = running(ex, destination);
        if (found.isEmpty()) {
            return;
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("destination", destination);
        body.set("clients", JSON.valueToTree(found.get().clients()));
        HttpReplies.respond(ex, 200, "application/json", JSON.writeValueAsBytes(body));
    }

    private void drop(HttpExchange ex) throws IOException {
        JsonNode request;
        try (InputStream in = ex.getRequestBody()) {
            request = JSON.readTree(in.readNBytes(64 * 1024));
        } catch (IOException e) {
            answer(ex, 400, "the body is not JSON: " + e.getMessage());
            return;
        }
        String destination = request == null ? "" : request.path("destination").asText("");
        JsonNode id = request == null ? null : request.get("clientId");
        if (destination.isEmpty() || id == null || !id.canConvertToInt()
                || id.asInt() < Short.MIN_VALUE || id.asInt() > Short.MAX_VALUE) {
            answer(ex, 400, "the body must be {\"destination\":\"<name>\",\"clientId\":<id>}");
            return;
        }
        Optional<DestinationInstance> found = running(ex, destination);
        if (found.isEmpty()) {
            return;
        }
        short clientId = (short) id.asInt();
        String who = "by POST /clients/drop from " + ex.getRemoteAddress().getAddress().getHostAddress();
        if (!found.get().drop(clientId, who)) {
            answer(ex, 404, "client id " + clientId + " is not subscribed to " + destination);
            return;
        }
        answer(ex, 200, "client id " + clientId + " of " + destination + " dropped");
    }

    /** The destination if it runs here; otherwise answers 404 or 409 and returns empty. */
    private Optional<DestinationInstance> running(HttpExchange ex, String destination) throws IOException {
        Optional<DestinationInstance> found = instances.apply(destination);
        if (found.isEmpty()) {
            answer(ex, 404, "no destination " + destination + " on this server");
            return Optional.empty();
        }
        if (!found.get().isRunning()) {
            answer(ex, 409, "destination " + destination + " is not running on this server (with HA: ask the active"
                    + " server, see bin/status.sh)");
            return Optional.empty();
        }
        return found;
    }

    private static void answer(HttpExchange ex, int status, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("status", status);
        body.put("message", message);
        HttpReplies.respond(ex, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static String query(String raw, String key) {
        if (raw == null) {
            return null;
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            if (k.equals(key)) {
                return eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
