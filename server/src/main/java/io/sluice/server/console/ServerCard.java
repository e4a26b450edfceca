package io.sluice.server.console;

import io.sluice.server.metrics.DestinationStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the console shows of one server: who it is and a summary of each destination it knows (the numbers of the
 * overview; client details stay on the server that runs the destination). Published in ZooKeeper by
 * {@link io.sluice.server.ha.ServerDirectory} so that any server's console shows the whole cluster.
 */
public final class ServerCard {

    private ServerCard() {
    }

    /**
     * @param address   the server's cluster address ({@code ip:port}), or a local name without ZooKeeper
     * @param adminPort its admin (status) port, where its own console is
     * @param info      its {@code /status} header (version, mode, uptime)
     */
    public static Map<String, Object> of(String address, int adminPort, Map<String, Object> info,
                                         List<DestinationStats> stats) {
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("address", address);
        card.put("adminPort", adminPort);
        card.put("version", info.get("version"));
        card.put("mode", info.get("mode"));
        card.put("uptimeSeconds", info.get("uptimeSeconds"));
        card.put("updatedAtMillis", System.currentTimeMillis());
        List<Map<String, Object>> destinations = new ArrayList<>();
        for (DestinationStats d : stats) {
            destinations.add(summary(d));
        }
        card.put("destinations", destinations);
        return card;
    }

    static Map<String, Object> summary(DestinationStats d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("destination", d.destination());
        m.put("state", d.state());
        m.put("activeServer", d.activeServer());
        m.put("position", d.position());
        m.put("ackedPosition", d.ackedPosition());
        m.put("delayMillis", d.delayMillis());
        m.put("rowsParsed", d.rowsParsed());
        m.put("storeEntries", d.storeEntries());
        m.put("storeCapacityEntries", d.storeCapacityEntries());
        m.put("storeBytes", d.storeBytes());
        m.put("storeCapacityBytes", d.storeCapacityBytes());
        m.put("clients", d.clients().size());
        m.put("lastError", d.lastError());
        return m;
    }
}
