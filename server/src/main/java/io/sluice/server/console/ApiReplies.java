package io.sluice.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.sluice.server.admin.HttpReplies;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** What the console's JSON endpoints share: {@code {"status":N,"message":"..."}} answers, bodies, query strings. */
final class ApiReplies {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ApiReplies() {
    }

    static void message(HttpExchange ex, int status, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("status", status);
        body.put("message", message);
        json(ex, status, body);
    }

    static void json(HttpExchange ex, int status, Object body) throws IOException {
        HttpReplies.respond(ex, status, "application/json", JSON.writeValueAsBytes(body));
    }

    /** The JSON object of a POST body, or null after answering 400. */
    static JsonNode body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            JsonNode n = JSON.readTree(in.readNBytes(256 * 1024));
            if (n != null && n.isObject()) {
                return n;
            }
        } catch (IOException e) {
            // answered below
        }
        message(ex, 400, "the body is not a JSON object");
        return null;
    }

    static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n == null || !n.isTextual() ? "" : n.asText();
    }

    static String query(HttpExchange ex, String key) {
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null) {
            return "";
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            if (k.equals(key)) {
                return eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    /** Answers 405 unless the request is {@code method} on exactly {@code path}. */
    static boolean is(HttpExchange ex, String method, String path) {
        return ex.getRequestMethod().equals(method) && ex.getRequestURI().getPath().equals(path);
    }
}
