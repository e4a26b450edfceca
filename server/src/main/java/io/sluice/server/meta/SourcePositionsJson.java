package io.sluice.server.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.sluice.server.position.SourcePositions;
import java.io.IOException;

/**
 * Resume points as the JSON list meta files carry in {@code sluiceResume}, for other places that store a position
 * (the exactly-once publisher's position records in Kafka): one format, written and read in one place.
 */
public final class SourcePositionsJson {

    private SourcePositionsJson() {
    }

    /** {@code [{"gtid":..,"journalName":..,"position":..,"serverId":..,"skipEntries":..,"source":..,...}]}. */
    public static ArrayNode toJson(SourcePositions positions) {
        return MetaJson.resume(positions);
    }

    /**
     * @throws IOException when {@code list} is not such a list
     */
    public static SourcePositions fromJson(JsonNode list) throws IOException {
        if (list == null || !list.isArray()) {
            throw new IOException("positions " + list + " are not a list");
        }
        return MetaJson.readResume(list);
    }
}
