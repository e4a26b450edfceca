package io.sluice.server.admin;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The credentials {@code bin/status.sh} and {@code bin/snapshot.sh} send, taken from the environment so that they
 * never appear on a command line ({@code ps} shows those to every user of the host), first found wins:
 * <ol>
 *   <li>{@code SLUICE_ADMIN_TOKEN}, or the first line of the file {@code SLUICE_ADMIN_TOKEN_FILE} (the scripts
 *       point it at {@code $SLUICE_LOGS/sluice.admin.token} when the target is this host);</li>
 *   <li>{@code SLUICE_ADMIN_PASSWORD}, or the first line of {@code SLUICE_ADMIN_PASSWORD_FILE}, with the user
 *       {@code SLUICE_ADMIN_USER} (the scripts default it to canal.user).</li>
 * </ol>
 */
public final class AdminClient {

    private AdminClient() {
    }

    /** The Authorization header's value, empty when the environment holds no credentials. */
    public static Optional<String> authorization(Map<String, String> env) throws IOException {
        Optional<String> token = value(env, "SLUICE_ADMIN_TOKEN");
        if (token.isPresent()) {
            return Optional.of("Bearer " + token.get());
        }
        Optional<String> password = value(env, "SLUICE_ADMIN_PASSWORD");
        if (password.isPresent()) {
            String pair = env.getOrDefault("SLUICE_ADMIN_USER", "") + ":" + password.get();
            return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        return Optional.empty();
    }

    /** A request builder with the credentials of {@code env}, if any. */
    public static HttpRequest.Builder withCredentials(HttpRequest.Builder request, Map<String, String> env)
            throws IOException {
        authorization(env).ifPresent(a -> request.header("Authorization", a));
        return request;
    }

    /** What to tell an operator whose request came back 401. */
    public static String howToLogIn() {
        return "set SLUICE_ADMIN_TOKEN (sluice.admin.token, or the token in logs/sluice.admin.token on the server's "
                + "host) or SLUICE_ADMIN_PASSWORD (canal.user's password; SLUICE_ADMIN_USER for another user), "
                + "or *_FILE variants naming a file that holds it";
    }

    private static Optional<String> value(Map<String, String> env, String name) throws IOException {
        String direct = env.get(name);
        if (direct != null && !direct.isEmpty()) {
            return Optional.of(direct);
        }
        String file = env.get(name + "_FILE");
        if (file != null && !file.isEmpty() && Files.isReadable(Path.of(file))) {
            String first = Files.readString(Path.of(file), StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
            return first.isEmpty() ? Optional.empty() : Optional.of(first);
        }
        return Optional.empty();
    }
}
