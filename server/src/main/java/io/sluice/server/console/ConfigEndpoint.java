package io.sluice.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.sluice.server.config.ConfigException;
import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.Secrets;
import io.sluice.server.config.ServerConfig;
import io.sluice.server.config.zookeeper.LineDiff;
import io.sluice.server.config.zookeeper.ZkConfigStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /config} on the admin port: destinations' {@code instance.properties}, the console's configuration page
 * ({@code bin/config.sh} works on ZooKeeper directly; this is the same store through the server):
 * <ul>
 *   <li>{@code GET /config}: the destinations and where their configuration lives ({@code zookeeper} or
 *       {@code file}, which is read-only here);</li>
 *   <li>{@code GET /config?destination=D}: its text and version, the text it runs with and the line diff between
 *       them;</li>
 *   <li>{@code GET /config/history?destination=D}: earlier versions, newest first;</li>
 *   <li>{@code POST /config/check} {@code {"destination","text"}}: the server's own checks (what a server does before
 *       it restarts a destination with a new version), without saving;</li>
 *   <li>{@code POST /config/save} {@code {"destination","text","version"}}: checks, then stores it if the stored
 *       version is still {@code version} (409 otherwise); every server restarts the destination with it;</li>
 *   <li>{@code POST /config/rollback} {@code {"destination","version"}}: stores an earlier version again (checked too).</li>
 * </ul>
 * Secret values are always sent as {@code ****}; a line {@code key = ****} in a saved text keeps the stored value.
 * A text the checks refuse is answered 422 with the server's message, and nothing is stored.
 */
public final class ConfigEndpoint implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(ConfigEndpoint.class);

    private final ServerConfig server;
    private final ConfigLoader loader;
    private final ZkConfigStore store;
    private final Function<String, Optional<String>> runningText;

    /** {@code store} is null when the configuration is read from files (read-only here). */
    public ConfigEndpoint(ServerConfig server, ConfigLoader loader, ZkConfigStore store,
                          Function<String, Optional<String>> runningText) {
        this.server = server;
        this.loader = loader;
        this.store = store;
        this.runningText = runningText;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try {
            if (ApiReplies.is(ex, "GET", "/config")) {
                String destination = ApiReplies.query(ex, "destination");
                if (destination.isEmpty()) {
                    list(ex);
                } else {
                    show(ex, destination);
                }
            } else if (ApiReplies.is(ex, "GET", "/config/history")) {
                history(ex, ApiReplies.query(ex, "destination"));
            } else if (ApiReplies.is(ex, "POST", "/config/check")) {
                change(ex, false);
            } else if (ApiReplies.is(ex, "POST", "/config/save")) {
                change(ex, true);
            } else if (ApiReplies.is(ex, "POST", "/config/rollback")) {
                rollback(ex);
            } else {
                ApiReplies.message(ex, 405, "use GET /config[?destination=D], GET /config/history?destination=D, "
                        + "POST /config/check, /config/save or /config/rollback");
            }
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            ApiReplies.message(ex, 503, "configuration store unavailable: " + e.getMessage());
        }
    }

    private String mode() {
        return store == null ? "file" : "zookeeper";
    }

    private void list(HttpExchange ex) throws Exception {
        ObjectNode out = ApiReplies.JSON.createObjectNode();
        out.put("mode", mode());
        out.put("editable", store != null);
        ArrayNode list = out.putArray("destinations");
        if (store != null) {
            for (String d : store.destinations()) {
                ObjectNode n = list.addObject();
                n.put("destination", d);
                store.pull(d).ifPresent(c -> {
                    n.put("version", c.version());
                    n.put("modified", Instant.ofEpochMilli(c.modifiedMillis()).toString());
                });
            }
        } else {
            server.destinations().forEach(d -> list.addObject().put("destination", d));
        }
        ApiReplies.json(ex, 200, out);
    }

    private void show(HttpExchange ex, String destination) throws Exception {
        String text;
        int version = -1;
        String modified = "";
        if (store != null) {
            Optional<ZkConfigStore.StoredConfig> c = store.pull(destination);
            if (c.isEmpty()) {
                ApiReplies.message(ex, 404, "no configuration of '" + destination + "' in ZooKeeper");
                return;
            }
            text = c.get().text();
            version = c.get().version();
            modified = Instant.ofEpochMilli(c.get().modifiedMillis()).toString();
        } else {
            if (!server.destinations().contains(destination)) {
                ApiReplies.message(ex, 404, "no destination '" + destination + "' in canal.destinations");
                return;
            }
            Path file = server.instanceProperties(destination);
            text = Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
        }
        String running = runningText.apply(destination).orElse(store == null ? text : "");
        ObjectNode out = ApiReplies.JSON.createObjectNode();
        out.put("destination", destination);
        out.put("mode", mode());
        out.put("editable", store != null);
        out.put("version", version);
        out.put("modified", modified);
        out.put("text", masked(text));
        out.put("running", masked(running));
        ArrayNode diff = out.putArray("diffToRunning");
        if (!running.isEmpty()) {
            LineDiff.of(masked(running).lines().toList(), masked(text).lines().toList()).forEach(diff::add);
        }
        ApiReplies.json(ex, 200, out);
    }

    private void history(HttpExchange ex, String destination) throws Exception {
        if (store == null) {
            ApiReplies.message(ex, 409, "the configuration is read from files (sluice.config.source = file): no history here");
            return;
        }
        ObjectNode out = ApiReplies.JSON.createObjectNode();
        out.put("destination", destination);
        ArrayNode list = out.putArray("versions");
        List<ZkConfigStore.StoredConfig> versions = new ArrayList<>(store.history(destination));
        java.util.Collections.reverse(versions);
        for (ZkConfigStore.StoredConfig c : versions) {
            ObjectNode n = list.addObject();
            n.put("version", c.version());
            n.put("replaced", Instant.ofEpochMilli(c.modifiedMillis()).toString());
            n.put("text", masked(c.text()));
        }
        ApiReplies.json(ex, 200, out);
    }

    private void change(HttpExchange ex, boolean save) throws Exception {
        if (store == null) {
            ApiReplies.message(ex, 409, "the configuration is read from files (sluice.config.source = file): "
                    + "edit conf/<destination>/instance.properties on each server");
            return;
        }
        JsonNode body = ApiReplies.body(ex);
        if (body == null) {
            return;
        }
        String destination = ApiReplies.text(body, "destination");
        JsonNode text = body.get("text");
        if (destination.isEmpty() || destination.contains("/") || text == null || !text.isTextual()) {
            ApiReplies.message(ex, 400, "the body must be {\"destination\":\"<name>\",\"text\":\"<instance.properties>\""
                    + (save ? ",\"version\":<the version it edits>}" : "}"));
            return;
        }
        Optional<ZkConfigStore.StoredConfig> current = store.pull(destination);
        String full = unmask(text.asText(), current.map(ZkConfigStore.StoredConfig::text).orElse(""));
        String refused = refusal(destination, full);
        if (refused != null) {
            ApiReplies.message(ex, 422, refused);
            return;
        }
        if (!save) {
            ApiReplies.message(ex, 200, "the configuration of " + destination + " passes the server's checks");
            return;
        }
        int expected = body.path("version").asInt(-2);
        if (expected < -1) {
            ApiReplies.message(ex, 400, "name the version you edited: \"version\": <n> (GET /config?destination="
                    + destination + ")");
            return;
        }
        int version;
        try {
            version = store.push(destination, full, expected);
        } catch (KeeperException.BadVersionException e) {
            ApiReplies.message(ex, 409, "the configuration of " + destination + " changed since version " + expected
                    + " was read: reload it and edit again");
            return;
        }
        log.info("destination {}: configuration version {} saved by POST /config/save from {}", destination, version,
                ex.getRemoteAddress().getAddress().getHostAddress());
        ObjectNode out = ApiReplies.JSON.createObjectNode();
        out.put("status", 200);
        out.put("version", version);
        out.put("message", "version " + version + " of " + destination + " saved; the servers restart it with it");
        ApiReplies.json(ex, 200, out);
    }

    private void rollback(HttpExchange ex) throws Exception {
        if (store == null) {
            ApiReplies.message(ex, 409, "the configuration is read from files: no history to roll back to");
            return;
        }
        JsonNode body = ApiReplies.body(ex);
        if (body == null) {
            return;
        }
        String destination = ApiReplies.text(body, "destination");
        int version = body.path("version").asInt(-1);
        Optional<ZkConfigStore.StoredConfig> earlier = destination.isEmpty() ? Optional.empty()
                : store.history(destination).stream().filter(c -> c.version() == version).findFirst();
        if (earlier.isEmpty()) {
            ApiReplies.message(ex, 404, "no version " + version + " in the history of '" + destination + "'");
            return;
        }
        String refused = refusal(destination, earlier.get().text());
        if (refused != null) {
            ApiReplies.message(ex, 422, refused);
            return;
        }
        int saved = store.push(destination, earlier.get().text(), -1);
        log.info("destination {}: configuration rolled back to version {} (now version {}) by POST /config/rollback"
                + " from {}", destination, version, saved, ex.getRemoteAddress().getAddress().getHostAddress());
        ApiReplies.message(ex, 200, destination + " rolled back to version " + version + " (stored as version "
                + saved + ")");
    }

    /** The server's own checks, as it runs them before it starts a destination with a text; null when it passes. */
    private String refusal(String destination, String text) {
        try {
            loader.loadInstance(server, destination, "zookeeper:" + ZkConfigStore.path(destination), text);
            return null;
        } catch (ConfigException e) {
            return e.getMessage();
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    static String masked(String text) {
        StringBuilder out = new StringBuilder();
        text.lines().forEach(l -> out.append(Secrets.maskLine(l)).append('\n'));
        return out.toString();
    }

    /** Lines {@code key = ****} of a secret key take the stored line of that key back. */
    static String unmask(String edited, String stored) {
        Map<String, String> storedLines = new HashMap<>();
        stored.lines().forEach(l -> {
            String key = key(l);
            if (key != null && Secrets.isSecretKey(key)) {
                storedLines.put(key, l);
            }
        });
        StringBuilder out = new StringBuilder();
        edited.lines().forEach(l -> {
            String key = key(l);
            boolean keep = key != null && Secrets.isSecretKey(key) && value(l).equals(Secrets.MASK)
                    && storedLines.containsKey(key);
            out.append(keep ? storedLines.get(key) : l).append('\n');
        });
        return out.toString();
    }

    private static String key(String line) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#") || t.startsWith("!")) {
            return null;
        }
        int end = 0;
        while (end < t.length() && "=: \t".indexOf(t.charAt(end)) < 0) {
            end++;
        }
        return t.substring(0, end);
    }

    private static String value(String line) {
        String t = line.strip();
        int i = key(line).length();
        while (i < t.length() && " \t".indexOf(t.charAt(i)) >= 0) {
            i++;
        }
        if (i < t.length() && "=:".indexOf(t.charAt(i)) >= 0) {
            i++;
        }
        return t.substring(i).strip();
    }
}
