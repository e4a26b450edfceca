package io.sluice.server.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.sluice.server.config.InstanceConfig;
import io.sluice.server.config.Secrets;
import io.sluice.server.instance.DestinationInstance;
import io.sluice.server.metrics.DestinationStats;
import io.sluice.server.parser.schema.SchemaHistoryState;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code GET /destination?name=D} on the admin port, the console's destination page ({@code bin/destination.sh}):
 * its state and numbers, its filter, its settings with every secret value as {@code ****}, the tables of its schema
 * history with the DDL that made each version, and its last errors. Clients are {@code GET /clients}, snapshots
 * {@code GET /snapshot}. 404 for a destination this server does not know.
 */
public final class DestinationEndpoint implements HttpHandler {

    private final Function<String, Optional<DestinationInstance>> instances;
    private final Function<String, List<SchemaHistoryState.TableVersion>> schema;
    private final Supplier<List<DestinationStats>> stats;
    private final Function<String, List<Map<String, String>>> errors;

    /** @param errors a destination's last errors, newest first ({@code at}, {@code error}) */
    public DestinationEndpoint(Function<String, Optional<DestinationInstance>> instances,
                               Function<String, List<SchemaHistoryState.TableVersion>> schema,
                               Supplier<List<DestinationStats>> stats,
                               Function<String, List<Map<String, String>>> errors) {
        this.instances = instances;
        this.schema = schema;
        this.stats = stats;
        this.errors = errors;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        if (!ApiReplies.is(ex, "GET", "/destination")) {
            ApiReplies.message(ex, 405, "use GET /destination?name=<destination>");
            return;
        }
        String name = ApiReplies.query(ex, "name");
        Optional<DestinationInstance> found = name.isEmpty() ? Optional.empty() : instances.apply(name);
        if (found.isEmpty()) {
            ApiReplies.message(ex, 404, "no destination '" + name + "' on this server");
            return;
        }
        DestinationInstance instance = found.get();
        InstanceConfig config = instance.config();
        ObjectNode out = ApiReplies.JSON.createObjectNode();
        out.put("destination", name);
        out.put("runningHere", instance.isRunning());
        stats.get().stream().filter(s -> s.destination().equals(name)).findFirst().ifPresent(s ->
                out.set("stats", ApiReplies.JSON.valueToTree(ServerCard.summary(s))));
        out.set("lastErrors", ApiReplies.JSON.valueToTree(errors.apply(name)));
        ObjectNode filter = out.putObject("filter");
        filter.put("include", config.filters().include());
        filter.put("exclude", config.filters().exclude());
        ObjectNode settings = out.putObject("settings");
        Properties p = config.asProperties();
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            settings.put(key, Secrets.mask(key, p.getProperty(key)));
        }
        ArrayNode tables = out.putArray("schemaHistory");
        for (SchemaHistoryState.TableVersion v : schema.apply(name)) {
            ObjectNode t = tables.addObject();
            t.put("table", v.schema() + "." + v.table());
            t.put("position", v.file() + ":" + v.offset());
            t.put("ddl", v.ddl());
        }
        ApiReplies.json(ex, 200, out);
    }
}
