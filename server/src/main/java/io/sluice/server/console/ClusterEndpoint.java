package io.sluice.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.sluice.server.ha.HaCoordinator;
import io.sluice.server.ha.ServerDirectory;
import io.sluice.server.ha.ZkPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /cluster} on the admin port, the console's overview and HA page ({@code bin/cluster.sh}):
 * <ul>
 *   <li>{@code GET /cluster}: every server (from the cards in ZooKeeper, this one live) and every destination with
 *       the server that runs it, the servers configured for it and its numbers as that server published them;
 *       without ZooKeeper, this server alone;</li>
 *   <li>{@code POST /cluster/move} with {@code {"destination":"D","to":"ip:port"}}: asks D's active server to hand D
 *       to that server (a graceful handover: clients acknowledge what they hold, the target starts from the final
 *       cursors, then the clients are moved). 202 once asked; the move shows in {@code GET /cluster} seconds later.
 *       The destination is then pinned there ({@code pinnedTo}): spreading destinations leaves it on that server
 *       while it is live.</li>
 * </ul>
 */
public final class ClusterEndpoint implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(ClusterEndpoint.class);

    private final Supplier<Map<String, Object>> selfCard;
    private final ServerDirectory directory;
    private final HaCoordinator ha;
    private final CuratorFramework zk;

    /** {@code directory}, {@code ha} and {@code zk} are null without ZooKeeper. */
    public ClusterEndpoint(Supplier<Map<String, Object>> selfCard, ServerDirectory directory, HaCoordinator ha,
                           CuratorFramework zk) {
        this.selfCard = selfCard;
        this.directory = directory;
        this.ha = ha;
        this.zk = zk;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        if (ApiReplies.is(ex, "GET", "/cluster")) {
            ApiReplies.json(ex, 200, view());
        } else if (ApiReplies.is(ex, "POST", "/cluster/move")) {
            move(ex);
        } else {
            ApiReplies.message(ex, 405, "use GET /cluster or POST /cluster/move with "
                    + "{\"destination\":\"<name>\",\"to\":\"<ip:port>\"}");
        }
    }

    ObjectNode view() {
        JsonNode self = ApiReplies.JSON.valueToTree(selfCard.get());
        String selfAddress = self.path("address").asText();
        List<JsonNode> servers = new ArrayList<>();
        servers.add(self);
        if (directory != null) {
            for (JsonNode card : directory.cards()) {
                if (!card.path("address").asText().equals(selfAddress)) {
                    servers.add(card);
                }
            }
        }
        if (zk != null) {
            // a live server without a card (an older version, or one that has just started): listed all the same
            try {
                for (String address : zk.getChildren().forPath(ZkPaths.CLUSTER)) {
                    if (servers.stream().noneMatch(c -> c.path("address").asText().equals(address))) {
                        ObjectNode stub = ApiReplies.JSON.createObjectNode();
                        stub.put("address", address);
                        stub.put("version", "");
                        stub.putArray("destinations");
                        servers.add(stub);
                    }
                }
            } catch (Exception e) {
                log.debug("cannot list {}: {}", ZkPaths.CLUSTER, e.getMessage());
            }
        }
        servers.sort((a, b) -> a.path("address").asText().compareTo(b.path("address").asText()));
        // destination -> the summary published by the server that runs it (else any)
        Map<String, ObjectNode> destinations = new TreeMap<>();
        for (JsonNode card : servers) {
            String address = card.path("address").asText();
            ArrayNode active = ApiReplies.JSON.createArrayNode();
            ArrayNode standby = ApiReplies.JSON.createArrayNode();
            for (JsonNode d : card.path("destinations")) {
                String name = d.path("destination").asText();
                boolean runs = d.path("state").asText().equals("RUNNING") || d.path("state").asText().equals("FAILED");
                (runs ? active : standby).add(name);
                ObjectNode known = destinations.get(name);
                if (known == null || (runs && !known.path("runningHere").asBoolean())) {
                    ObjectNode copy = ((ObjectNode) d).deepCopy();
                    copy.put("runningHere", runs);
                    copy.put("runningOn", runs ? address : d.path("activeServer").asText());
                    destinations.put(name, copy);
                }
            }
            ((ObjectNode) card).set("active", active);
            ((ObjectNode) card).set("standby", standby);
        }
        for (ObjectNode d : destinations.values()) {
            String name = d.path("destination").asText();
            ArrayNode members = d.putArray("members");
            if (ha != null) {
                ha.activeServer(name).ifPresent(a -> d.put("runningOn", a));
                ha.members(name).forEach(members::add);
                d.put("pinnedTo", pinnedTo(name));
            } else {
                members.add(selfAddress);
            }
            d.remove("runningHere");
        }
        ObjectNode out = ApiReplies.JSON.createObjectNode();
        out.put("self", selfAddress);
        out.put("clustered", ha != null);
        out.set("servers", ApiReplies.JSON.valueToTree(servers));
        out.set("destinations", ApiReplies.JSON.valueToTree(destinations.values()));
        return out;
    }

    /** Where an operator's last move put the destination ("" when never moved). */
    private String pinnedTo(String destination) {
        try {
            return new String(zk.getData().forPath(ZkPaths.pinned(destination)), StandardCharsets.UTF_8).trim();
        } catch (Exception e) {
            return "";
        }
    }

    private void move(HttpExchange ex) throws IOException {
        JsonNode body = ApiReplies.body(ex);
        if (body == null) {
            return;
        }
        String destination = ApiReplies.text(body, "destination");
        String to = ApiReplies.text(body, "to");
        if (destination.isEmpty() || to.isEmpty() || destination.contains("/")) {
            ApiReplies.message(ex, 400, "the body must be {\"destination\":\"<name>\",\"to\":\"<ip:port>\"}");
            return;
        }
        if (ha == null || zk == null) {
            ApiReplies.message(ex, 409, "this server runs without HA (canal.zkServers): there is nowhere to move "
                    + destination);
            return;
        }
        List<String> members = ha.members(destination);
        if (!members.contains(to)) {
            ApiReplies.message(ex, 400, to + " is not a live server of " + destination + " (its servers: "
                    + (members.isEmpty() ? "none" : String.join(", ", members)) + ")");
            return;
        }
        String running = ha.activeServer(destination).orElse("");
        if (running.isEmpty()) {
            ApiReplies.message(ex, 409, "no server runs " + destination + " right now; it goes to the first that takes it");
            return;
        }
        if (running.equals(to)) {
            ApiReplies.message(ex, 409, destination + " already runs on " + to);
            return;
        }
        byte[] data = to.getBytes(StandardCharsets.UTF_8);
        try {
            try {
                zk.create().forPath(ZkPaths.move(destination), data);
            } catch (KeeperException.NodeExistsException pending) {
                zk.setData().forPath(ZkPaths.move(destination), data);
            }
        } catch (Exception e) {
            ApiReplies.message(ex, 503, "cannot write the move request to ZooKeeper: " + e.getMessage());
            return;
        }
        log.info("{}: move to {} requested by POST /cluster/move from {}; {} hands it over", destination, to,
                ex.getRemoteAddress().getAddress().getHostAddress(), running);
        ApiReplies.message(ex, 202, "move of " + destination + " from " + running + " to " + to
                + " requested; it takes a few seconds (GET /cluster shows where it runs)");
    }
}
