package io.sluice.server.meta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.position.SnapshotProgress;
import io.sluice.server.position.SourcePositions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * canal's meta JSON (CANAL-PROTOCOL.md §5, §8): {@code meta.dat} and the ZooKeeper cursor node. Written
 * compact with keys in alphabetical order as canal's fastjson writes them; read leniently (any key order,
 * whitespace, extra keys, a missing {@code @type}). Sluice's resume points travel as the extra key
 * {@code sluiceResume}, which canal ignores; a running table snapshot's progress rides in it as
 * {@code snapshot} (absent in files written before snapshots existed, which load as before).
 */
final class MetaJson {

    static final String LOG_POSITION_TYPE = "com.alibaba.otter.canal.protocol.position.LogPosition";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private MetaJson() {
    }

    /** {@code {"clientDatas":[...],"destination":"..."}}. */
    static byte[] metaDat(String destination, List<MemoryMetaStore.ClientData> clients) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode datas = root.putArray("clientDatas");
        for (MemoryMetaStore.ClientData c : clients) {
            ObjectNode d = datas.addObject();
            ObjectNode id = d.putObject("clientIdentity");
            id.put("clientId", c.subscription().client().clientId());
            id.put("destination", destination);
            id.put("filter", c.subscription().filter());
            if (c.cursor() != null) {
                d.set("cursor", logPosition(c.cursor().ackPoint(), false));
                d.set("sluiceResume", resume(c.cursor().resume()));
            }
        }
        root.put("destination", destination);
        return bytes(root);
    }

    static List<MemoryMetaStore.ClientData> readMetaDat(String destination, byte[] json) throws IOException {
        JsonNode root = MAPPER.readTree(json);
        if (root == null || !root.isObject()) {
            throw new IOException("not a JSON object");
        }
        JsonNode datas = root.get("clientDatas");
        List<MemoryMetaStore.ClientData> out = new ArrayList<>();
        if (datas == null || datas.isNull()) {
            return out;
        }
        if (!datas.isArray()) {
            throw new IOException("clientDatas is not a list");
        }
        for (JsonNode d : datas) {
            JsonNode id = required(d, "clientIdentity");
            short clientId = (short) required(id, "clientId").asInt();
            JsonNode filter = id.get("filter");
            Subscription s = new Subscription(new ClientIdentity(destination, clientId),
                    filter == null || filter.isNull() ? "" : filter.asText());
            JsonNode cursor = d.get("cursor");
            ClientCursor c = null;
            if (cursor != null && !cursor.isNull()) {
                c = cursor(cursor, d.get("sluiceResume"));
            }
            out.add(new MemoryMetaStore.ClientData(s, c));
        }
        return out;
    }

    /** The ZooKeeper cursor node: a LogPosition with {@code @type}, plus {@code sluiceResume}. */
    static byte[] cursorNode(ClientCursor cursor) {
        ObjectNode n = logPosition(cursor.ackPoint(), true);
        n.set("sluiceResume", resume(cursor.resume()));
        return bytes(n);
    }

    static ClientCursor readCursorNode(byte[] json) throws IOException {
        JsonNode n = MAPPER.readTree(json);
        if (n == null || !n.isObject()) {
            throw new IOException("not a JSON object");
        }
        return cursor(n, n.get("sluiceResume"));
    }

    /** An ack journal line: a client's new cursor. */
    static byte[] journalCursor(short clientId, ClientCursor cursor) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("clientId", clientId);
        n.set("cursor", logPosition(cursor.ackPoint(), false));
        n.set("sluiceResume", resume(cursor.resume()));
        return bytes(n);
    }

    /** An ack journal line: a client subscribed (or changed its filter). */
    static byte[] journalSubscribe(short clientId, String filter) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("clientId", clientId);
        n.put("filter", filter == null ? "" : filter);
        return bytes(n);
    }

    /** An ack journal line: a client unsubscribed. */
    static byte[] journalUnsubscribe(short clientId) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("clientId", clientId);
        n.put("unsubscribed", true);
        return bytes(n);
    }

    /** Applies an ack journal line to {@code memory}. */
    static void applyJournal(byte[] line, MemoryMetaStore memory) throws IOException {
        JsonNode n = MAPPER.readTree(line);
        if (n == null || !n.isObject()) {
            throw new IOException("not a JSON object");
        }
        ClientIdentity client = new ClientIdentity(memory.destination(), (short) required(n, "clientId").asInt());
        if (n.has("unsubscribed")) {
            memory.unsubscribe(client);
        } else if (n.has("filter")) {
            memory.subscribe(client, n.get("filter").asText());
        } else {
            memory.updateCursor(client, cursor(required(n, "cursor"), n.get("sluiceResume")));
        }
    }

    private static ObjectNode logPosition(LogPosition p, boolean withType) {
        ObjectNode n = MAPPER.createObjectNode();
        if (withType) {
            n.put("@type", LOG_POSITION_TYPE);
        }
        ObjectNode identity = n.putObject("identity");
        identity.put("slaveId", -1);
        ObjectNode address = identity.putObject("sourceAddress");
        address.put("address", p.sourceHost());
        address.put("port", p.sourcePort());
        ObjectNode pos = n.putObject("postion");
        pos.put("gtid", p.position().gtidSet());
        pos.put("included", false);
        pos.put("journalName", p.position().file());
        pos.put("position", p.position().offset());
        pos.put("serverId", p.position().serverId());
        pos.put("timestamp", p.position().timestampMillis());
        return n;
    }

    static ArrayNode resume(SourcePositions positions) {
        ArrayNode list = MAPPER.createArrayNode();
        for (Map.Entry<String, ResumePoint> e : positions.bySource().entrySet()) {
            BinlogPosition p = e.getValue().position();
            ObjectNode n = list.addObject();
            n.put("gtid", p.gtidSet());
            n.put("journalName", p.file());
            n.put("position", p.offset());
            n.put("serverId", p.serverId());
            n.put("skipEntries", e.getValue().skipEntries());
            n.put("source", e.getKey());
            n.put("timestamp", p.timestampMillis());
            SnapshotProgress snapshot = e.getValue().snapshot();
            if (snapshot != null) {
                n.set("snapshot", snapshot(snapshot));
            }
        }
        return list;
    }

    /** {@code {"epoch":..,"lastKey":[..],"rows":..,"seq":..,"tables":[["schema","table"],..]}}. */
    private static ObjectNode snapshot(SnapshotProgress p) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("epoch", p.epoch());
        ArrayNode key = n.putArray("lastKey");
        p.lastKey().forEach(key::add);
        n.put("rows", p.rowsDone());
        n.put("seq", p.seq());
        ArrayNode tables = n.putArray("tables");
        for (SnapshotProgress.Table t : p.tables()) {
            tables.addArray().add(t.schema()).add(t.table());
        }
        return n;
    }

    private static SnapshotProgress snapshot(JsonNode n) throws IOException {
        if (n == null || n.isNull()) {
            return null;
        }
        List<SnapshotProgress.Table> tables = new ArrayList<>();
        JsonNode t = n.get("tables");
        if (t != null && t.isArray()) {
            for (JsonNode pair : t) {
                if (!pair.isArray() || pair.size() != 2) {
                    throw new IOException("snapshot table " + pair + " is not [schema, table]");
                }
                tables.add(new SnapshotProgress.Table(pair.get(0).asText(), pair.get(1).asText()));
            }
        }
        List<String> lastKey = new ArrayList<>();
        JsonNode k = n.get("lastKey");
        if (k != null && k.isArray()) {
            k.forEach(v -> lastKey.add(v.asText()));
        }
        JsonNode epoch = n.get("epoch");
        JsonNode seq = n.get("seq");
        JsonNode rows = n.get("rows");
        return new SnapshotProgress(epoch == null ? 0 : epoch.asLong(), seq == null ? 0 : seq.asLong(), tables,
                lastKey, rows == null ? 0 : Math.max(0, rows.asLong()));
    }

    private static ClientCursor cursor(JsonNode logPosition, JsonNode resume) throws IOException {
        JsonNode pos = required(logPosition, "postion");
        JsonNode identity = logPosition.get("identity");
        JsonNode address = identity == null ? null : identity.get("sourceAddress");
        String host = address == null || address.get("address") == null ? "" : address.get("address").asText();
        int port = address == null || address.get("port") == null ? 0 : address.get("port").asInt();
        BinlogPosition ackPosition = position(pos);
        LogPosition ackPoint = new LogPosition(host, port, ackPosition);
        if (resume != null && resume.isArray()) {
            return new ClientCursor(ackPoint, readResume(resume));
        }
        // written by canal: its cursor is an ack point (a transaction end, a DDL, or a begin), so
        // restarting there re-reads at most that one event, which the parser treats as a boundary
        return new ClientCursor(ackPoint, SourcePositions.of("", ResumePoint.at(ackPosition)));
    }

    /** The {@code sluiceResume} list as written by {@link #resume}. */
    static SourcePositions readResume(JsonNode resume) throws IOException {
        Map<String, ResumePoint> bySource = new LinkedHashMap<>();
        for (JsonNode r : resume) {
            JsonNode source = r.get("source");
            JsonNode skip = r.get("skipEntries");
            bySource.put(source == null ? "" : source.asText(),
                    new ResumePoint(position(r), skip == null ? 0 : skip.asInt(), snapshot(r.get("snapshot"))));
        }
        return new SourcePositions(bySource);
    }

    private static BinlogPosition position(JsonNode n) throws IOException {
        JsonNode file = required(n, "journalName");
        JsonNode offset = required(n, "position");
        if (!offset.canConvertToLong() || offset.asLong() < 0) {
            throw new IOException("position " + offset + " is not an offset");
        }
        JsonNode gtid = n.get("gtid");
        JsonNode serverId = n.get("serverId");
        JsonNode ts = n.get("timestamp");
        return new BinlogPosition(file.asText(), offset.asLong(), gtid == null || gtid.isNull() ? "" : gtid.asText(),
                serverId == null ? 0 : serverId.asLong(), ts == null ? 0 : ts.asLong());
    }

    private static JsonNode required(JsonNode n, String key) throws IOException {
        JsonNode v = n == null ? null : n.get(key);
        if (v == null || v.isNull()) {
            throw new IOException("missing " + key);
        }
        return v;
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return MAPPER.writeValueAsString(n).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("JSON tree could not be written", e);
        }
    }
}
