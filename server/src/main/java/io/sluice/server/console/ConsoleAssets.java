package io.sluice.server.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.sluice.server.admin.HttpReplies;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The console's static files ({@code /console/}: one HTML page, its script and style sheet, from the jar's
 * {@code console/} resources). They are served without credentials because they hold no data: everything the page
 * shows comes from the admin endpoints, which the page calls with the credentials the operator types in. A fixed
 * list of names (no paths from the request reach the class loader) and a Content-Security-Policy that allows only
 * this server's own script, no inline script and no framing.
 */
public final class ConsoleAssets implements HttpHandler {

    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8");
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    @Override
    public void handle(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("GET")) {
            ex.getRequestBody().close();
            ex.getResponseHeaders().set("Allow", "GET");
            HttpReplies.respondText(ex, 405, "the console's files are read with GET\n");
            return;
        }
        String path = ex.getRequestURI().getPath();
        if (path.equals("/console")) {
            ex.getResponseHeaders().set("Location", "/console/");
            HttpReplies.respondText(ex, 302, "/console/\n");
            return;
        }
        String name = path.equals("/console/") ? "index.html"
                : path.startsWith("/console/") ? path.substring("/console/".length()) : "";
        String type = FILES.get(name);
        if (type == null) {
            HttpReplies.respondText(ex, 404, "no such file\n");
            return;
        }
        byte[] body;
        try (InputStream in = ConsoleAssets.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                HttpReplies.respondText(ex, 404, "no such file\n");
                return;
            }
            body = in.readAllBytes();
        }
        ex.getResponseHeaders().set("Content-Security-Policy", POLICY);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("X-Frame-Options", "DENY");
        ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        HttpReplies.respond(ex, 200, type, body);
    }
}
