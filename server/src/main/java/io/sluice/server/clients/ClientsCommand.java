package io.sluice.server.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.server.admin.AdminClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * {@code bin/clients.sh <destination> list|drop <id> [host:port]}: lists a destination's client ids with their acked
 * position, lag and last request, or drops one, through the server's {@code /clients} endpoint (status port).
 * Exit status: 0 done, 1 refused or unreachable, 2 usage.
 */
public final class ClientsCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ClientsCommand() {
    }

    /** Arguments: base URL (http://host:port), destination, list | drop, id for drop. */
    public static void main(String[] args) throws Exception {
        if (args.length < 3 || !(args[2].equals("list") || args[2].equals("drop") && args.length >= 4)) {
            System.err.println("usage: bin/clients.sh <destination> list | drop <client id> [host:port]");
            System.exit(2);
            return;
        }
        System.exit(run(args[0], args[1], args[2], args.length > 3 ? args[3] : "", System.getenv(), System.out,
                System.err));
    }

    /**
     * Runs one command against {@code base} (http://host:port) with the admin credentials {@code env} holds (see
     * {@link AdminClient}); returns the exit status.
     */
    public static int run(String base, String destination, String command, String id, Map<String, String> env,
                          PrintStream out, PrintStream err) throws InterruptedException, IOException {
        HttpRequest request;
        if (command.equals("list")) {
            request = request(URI.create(base + "/clients?destination="
                    + URLEncoder.encode(destination, StandardCharsets.UTF_8)), env).GET().build();
        } else {
            int clientId;
            try {
                clientId = Integer.parseInt(id.trim());
            } catch (NumberFormatException e) {
                err.println("not a client id: " + id);
                return 2;
            }
            String body = JSON.createObjectNode().put("destination", destination).put("clientId", clientId).toString();
            request = request(URI.create(base + "/clients/drop"), env).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        }
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("no Sluice status port at " + base + " (" + e.getClass().getSimpleName()
                    + "): is the server running?");
            return 1;
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            err.println("HTTP " + response.statusCode() + " from " + base + ": " + response.body().strip());
            return 1;
        }
        if (response.statusCode() == 401) {
            err.println("the status port at " + base + " refused the credentials: " + AdminClient.howToLogIn());
            return 1;
        }
        if (response.statusCode() != 200) {
            err.println(body.path("message").asText(response.body().strip()));
            return 1;
        }
        if (command.equals("list")) {
            print(body, out);
        } else {
            out.println(body.path("message").asText());
        }
        return 0;
    }

    /** Every request of this command is built here: credentials for the status port go in one place. */
    private static HttpRequest.Builder request(URI uri, Map<String, String> env) throws IOException {
        return AdminClient.withCredentials(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)), env);
    }

    static void print(JsonNode list, PrintStream out) {
        String format = "%-7s %-6s %-34s %11s %12s %7s  %-24s %7s %7s%s%n";
        out.printf(format, "CLIENT", "KIND", "ACKED UP TO", "LAG ENTRIES", "LAG BYTES", "LAG s", "LAST REQUEST",
                "IDLE s", "BATCHES", "");
        for (JsonNode c : list.path("clients")) {
            String acked = c.path("ackedPosition").asText();
            out.printf(format, c.path("clientId").asText(), c.path("kind").asText(), acked.isEmpty() ? "-" : acked,
                    c.path("lagEntries").asText(), c.path("lagBytes").asText(), c.path("lagSeconds").asText(),
                    c.path("lastRequest").asText(), c.path("idleSeconds").asText(),
                    c.path("outstandingBatches").asText(),
                    c.path("holdsStore").asBoolean() ? "  <- the store waits for its ack" : "");
        }
        if (list.path("clients").isEmpty()) {
            out.println("(no client id is subscribed to " + list.path("destination").asText() + ")");
        }
    }
}
