package io.sluice.server.admin;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * How every handler of the admin port (metrics/StatusServer: status and metrics; the clients and snapshot
 * endpoints) answers: one complete reply, and the exchange closed.
 */
public final class HttpReplies {

    private HttpReplies() {
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
}
