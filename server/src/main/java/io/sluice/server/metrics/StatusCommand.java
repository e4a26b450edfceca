package io.sluice.server.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.server.admin.AdminClient;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@code bin/status.sh}: fetches a server's {@code /status} JSON and prints it as a table; credentials come from
 * the environment ({@link AdminClient}).
 */
public final class StatusCommand {

    private StatusCommand() {
    }

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "http://127.0.0.1:11112/status";
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(AdminClient.withCredentials(HttpRequest.newBuilder(URI.create(url)), System.getenv())
                                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            System.err.println("no Sluice status at " + url + " (" + e.getClass().getSimpleName() + "): is the server running?");
            System.exit(1);
            return;
        }
        if (response.statusCode() != 200) {
            System.err.print(response.body());
            if (response.statusCode() == 401) {
                System.err.println(AdminClient.howToLogIn());
            }
            System.exit(1);
            return;
        }
        print(new ObjectMapper().readTree(response.body()), System.out);
    }

    static void print(JsonNode status, PrintStream out) {
        out.printf("server: mode %s, client port %s, %s connection(s), up %s s%s%n", status.path("mode").asText(),
                status.path("clientPort").asText(), status.path("connections").asText(),
                status.path("uptimeSeconds").asText(),
                status.path("zooKeeper").asText().isEmpty() ? "" : ", ZooKeeper " + status.path("zooKeeper").asText()
                        + " as " + status.path("haAddress").asText());
        String format = "%-16s %-8s %-22s %-34s %-34s %9s %10s %9s %8s%n";
        out.printf(format, "DESTINATION", "STATE", "ACTIVE ON", "PARSED UP TO", "ACKED UP TO", "DELAY ms", "ROWS",
                "STORE", "BATCHES");
        for (JsonNode d : status.path("destinations")) {
            out.printf(format, d.path("destination").asText(), d.path("state").asText(), d.path("activeServer").asText(),
                    d.path("position").asText(), d.path("ackedPosition").asText(), d.path("delayMillis").asText(),
                    d.path("rowsParsed").asText(), d.path("storeEntries").asText(), d.path("clientAcks").asText());
            for (JsonNode c : d.path("clients")) {
                out.printf("    %s %s: lag %s entries, %s bytes, %s s; last request %s s ago%s%n", c.path("kind").asText(),
                        c.path("clientId").asText(), c.path("lagEntries").asText(), c.path("lagBytes").asText(),
                        c.path("lagSeconds").asText(), c.path("idleSeconds").asText(),
                        c.path("holdsStore").asBoolean() ? " (the store waits for its ack)" : "");
            }
            if (!d.path("lastError").asText().isEmpty()) {
                out.println("    last error: " + d.path("lastError").asText());
            }
        }
    }
}
