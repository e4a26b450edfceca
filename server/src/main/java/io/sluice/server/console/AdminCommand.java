package io.sluice.server.console;

import io.sluice.server.admin.AdminClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * {@code bin/admin.sh [host:port] GET <path> | POST <path> <json>}: any admin endpoint from a shell, the same calls
 * the console makes (e.g. {@code GET /cluster}, {@code POST /cluster/move}, {@code POST /config/save}). Prints the
 * answer's body. Credentials from the environment ({@link AdminClient}), never from the command line.
 * Exit status: 0 for a 2xx answer, 1 refused or unreachable, 2 usage.
 */
public final class AdminCommand {

    private AdminCommand() {
    }

    /** Arguments: base URL (http://host:port), GET|POST, path, JSON body for POST. */
    public static void main(String[] args) throws Exception {
        if (args.length < 3 || !(args[1].equals("GET") || args[1].equals("POST") && args.length >= 4)
                || !args[2].startsWith("/")) {
            System.err.println("usage: bin/admin.sh [host:port] GET /path | POST /path '<json>'");
            System.exit(2);
            return;
        }
        System.exit(run(args[0], args[1], args[2], args.length > 3 ? args[3] : "", System.getenv(), System.out,
                System.err));
    }

    public static int run(String base, String method, String path, String body, Map<String, String> env,
                          PrintStream out, PrintStream err) throws IOException, InterruptedException {
        HttpRequest.Builder request = AdminClient.withCredentials(HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30)), env);
        if (method.equals("POST")) {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("cannot reach " + base + ": " + e.getMessage());
            return 1;
        }
        if (response.statusCode() == 401) {
            err.println(response.body().trim());
            err.println(AdminClient.howToLogIn());
            return 1;
        }
        (response.statusCode() / 100 == 2 ? out : err).println(response.body().trim());
        return response.statusCode() / 100 == 2 ? 0 : 1;
    }
}
