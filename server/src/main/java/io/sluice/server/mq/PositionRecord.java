package io.sluice.server.mq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.server.meta.SourcePositionsJson;
import io.sluice.server.position.SourcePositions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The record the exactly-once publisher commits with each batch: key = destination name, value =
 * {@code {"destination":..,"positions":[..]}} with the positions in the list form meta files use for
 * {@code sluiceResume} (per source: binlog file, offset, GTID set, entries to skip, snapshot progress).
 */
public final class PositionRecord {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PositionRecord() {
    }

    public static byte[] key(String destination) {
        return destination.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] value(String destination, SourcePositions positions) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("destination", destination);
        n.set("positions", SourcePositionsJson.toJson(positions));
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException("position record could not be written", e);
        }
    }

    /**
     * @throws IOException when {@code value} is not a position record
     */
    public static SourcePositions positions(byte[] value) throws IOException {
        JsonNode n = MAPPER.readTree(value);
        if (n == null || !n.isObject()) {
            throw new IOException("not a position record");
        }
        return SourcePositionsJson.fromJson(n.get("positions"));
    }
}
