package io.sluice.server.mq;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.position.BinlogPosition;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Debezium's transaction metadata ({@code provide.transaction.metadata = true}): which transaction the data event
 * belongs to ({@code transaction.id}, {@code total_order}, {@code data_collection_order}), and the BEGIN / END
 * records of the transaction topic, END with the number of events per table.
 *
 * <p>A transaction may span batches, and a batch that was not confirmed is built again after a rollback: the state
 * at the start of each batch is kept by the position of its first entry, so a batch built again counts from the
 * same state. Events outside a known transaction (a server that resumed in the middle of one) carry no block.
 */
final class DebeziumTransactions {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** More than the publisher's window of unconfirmed batches, which is what a rollback can go back over. */
    private static final int KEPT_BATCH_STATES = 256;

    /** One transaction in progress: its id and the events so far, per table in first-seen order. */
    private record Open(String id, long events, Map<String, Long> perTable) {

        Open next(String table) {
            Map<String, Long> counts = new LinkedHashMap<>(perTable);
            counts.merge(table, 1L, Long::sum);
            return new Open(id, events + 1, counts);
        }
    }

    private final Map<BinlogPosition, Open> stateAtBatch = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<BinlogPosition, Open> eldest) {
            return size() > KEPT_BATCH_STATES;
        }
    };
    private Open open;

    /** Called before the entries of a batch: the state at its first entry, as it was the first time. */
    void startBatch(BinlogPosition first) {
        if (stateAtBatch.containsKey(first)) {
            open = stateAtBatch.get(first);
        } else {
            stateAtBatch.put(first, open);
        }
    }

    /**
     * A transaction begins: its BEGIN value (key {@code {"id": …}}). Id: the GTID, else the BEGIN's file:pos;
     * {@code ts_ms}: the event's time on the master, as Debezium's.
     */
    ObjectNode begin(CanalEntry.Header h) {
        String id = h.getGtid().isEmpty() ? h.getLogfileName() + ":" + h.getLogfileOffset() : h.getGtid();
        open = new Open(id, 0, Map.of());
        ObjectNode v = JSON.objectNode();
        v.put("status", "BEGIN").put("id", id).put("ts_ms", h.getExecuteTime()).putNull("event_count").putNull("data_collections");
        return v;
    }

    /** The {@code transaction} block of the next data event of {@code table}, or null outside a known transaction. */
    ObjectNode nextEvent(String table) {
        if (open == null) {
            return null;
        }
        open = open.next(table);
        ObjectNode block = JSON.objectNode();
        block.put("id", open.id()).put("total_order", open.events()).put("data_collection_order", open.perTable().get(table));
        return block;
    }

    /** The transaction ends: its END value, or null when its BEGIN was not seen (resumed in the middle of it). */
    ObjectNode end(CanalEntry.Header h) {
        if (open == null) {
            return null;
        }
        ObjectNode v = JSON.objectNode();
        v.put("status", "END").put("id", open.id()).put("ts_ms", h.getExecuteTime()).put("event_count", open.events());
        var collections = v.putArray("data_collections");
        open.perTable().forEach((table, n) -> collections.addObject().put("data_collection", table).put("event_count", n));
        open = null;
        return v;
    }
}
