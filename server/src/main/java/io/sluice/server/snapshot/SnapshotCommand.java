package io.sluice.server.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.server.admin.AdminClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@code bin/snapshot.sh <destination> <schema.table> [host:port]}: asks a running server for an incremental
 * snapshot of a table ({@code POST /snapshot} on its status port) and prints the answer; exits 0 when queued.
 * Credentials come from the environment ({@link AdminClient}).
 */
public final class SnapshotCommand {

    private SnapshotCommand() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: snapshot.sh <destination> <schema.table> [host:port]");
            System.exit(2);
            return;
        }
        String url = "http://" + args[2] + "/snapshot";
        ObjectNode request = new ObjectMapper().createObjectNode().put("destination", args[0]).put("table", args[1]);
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(AdminClient.withCredentials(HttpRequest.newBuilder(URI.create(url)), System.getenv())
                            .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(request.toString())).build(),
                            HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            System.err.println("no Sluice status port at " + args[2] + " (" + e.getClass().getSimpleName()
                    + "): is the server running with canal.metrics.pull.port set?");
            System.exit(1);
            return;
        }
        String message = response.body();
        try {
            JsonNode n = new ObjectMapper().readTree(response.body());
            message = n.path("message").asText(response.body());
        } catch (java.io.IOException e) {
            // not JSON: print the body as it is
        }
        if (response.statusCode() == 202) {
            System.out.println(message);
        } else {
            System.err.println(message.strip());
            if (response.statusCode() == 401) {
                System.err.println(AdminClient.howToLogIn());
            }
            System.exit(1);
        }
    }
}
