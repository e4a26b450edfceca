package io.sluice.server.mq;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.Column;
import io.sluice.protocol.entry.CanalEntry.EventType;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Row entries as Debezium's MySQL connector writes change events with Kafka's JsonConverter: key = the primary key
 * columns, value = the envelope {@code before / after / source / op / ts_ms}; with
 * {@code sluice.mq.debezium.schemas.enable} both wrapped as {@code {"schema": …, "payload": …}}. One event per row.
 *
 * <p>As Debezium does, an UPDATE that changes the primary key becomes a delete of the old key (with its tombstone)
 * and a create of the new one, so that keyed consumers (compacted topics, upserting sinks) drop the old row;
 * snapshot rows are {@code op = "r"}; a TRUNCATE is an {@code op = "t"} event only when asked for.
 */
final class DebeziumConverter {

    /** One Kafka record: {@code value == null} is a tombstone; {@code image} is the row's canal values, for partitioning. */
    record Event(String database, String table, byte[] key, byte[] value, Map<String, String> image,
                 List<String> pkNames, String describedKey) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final FormatSettings settings;
    private final String logicalName;
    /** Transaction metadata in progress; null unless {@code sluice.mq.debezium.provide.transaction.metadata}. */
    private final DebeziumTransactions transactions;

    DebeziumConverter(FormatSettings settings) {
        this(settings, null);
    }

    DebeziumConverter(FormatSettings settings, DebeziumTransactions transactions) {
        this.settings = settings;
        this.transactions = transactions;
        this.logicalName = settings.topicPrefix().isEmpty() ? "sluice" : settings.topicPrefix();
    }

    /**
     * The events of a row entry (or of a TRUNCATE when emitted), each with its {@code transaction} block when
     * transaction metadata is on; empty for anything else.
     */
    List<Event> convert(CanalEntry.Entry entry, CanalEntry.RowChange rc, long now) {
        CanalEntry.Header h = entry.getHeader();
        EventType type = rc.getEventType();
        List<Event> out = new ArrayList<>();
        if (rc.getIsDdl()) {
            if (type == EventType.TRUNCATE && settings.emitTruncate()) {
                ObjectNode value = envelope(h, 0, "t", null, null, now, block(h));
                out.add(new Event(h.getSchemaName(), h.getTableName(), null,
                        bytes(settings.debeziumSchemas() ? wrap(envelopeSchema(h, List.of()), value) : value),
                        Map.of(), List.of(), "TRUNCATE"));
            }
            return out;
        }
        if (type != EventType.INSERT && type != EventType.UPDATE && type != EventType.DELETE) {
            return out;
        }
        boolean snapshot = h.getPropsList().stream().anyMatch(p -> p.getKey().equals("snapshot") && p.getValue().equals("true"));
        int row = 0;
        for (CanalEntry.RowData data : rc.getRowDatasList()) {
            List<Column> before = data.getBeforeColumnsList();
            List<Column> after = data.getAfterColumnsList();
            switch (type) {
                case INSERT -> out.add(event(h, row, snapshot ? "r" : "c", null, after, now));
                case DELETE -> addDelete(out, h, row, before, now);
                default -> {
                    if (keyChanged(before, after)) {
                        addDelete(out, h, row, before, now);
                        out.add(event(h, row, "c", null, after, now));
                    } else {
                        out.add(event(h, row, "u", before, after, now));
                    }
                }
            }
            row++;
        }
        return out;
    }

    /**
     * A statement (DDL) in the shape of Debezium's schema change topic: key {@code databaseName}, value with
     * {@code source}, {@code ts_ms}, {@code databaseName}, {@code ddl} and {@code tableChanges} (left empty: Sluice
     * does not describe the resulting table structure there).
     */
    Event schemaChange(CanalEntry.Entry entry, CanalEntry.RowChange rc, long now) {
        CanalEntry.Header h = entry.getHeader();
        ObjectNode key = MAPPER.createObjectNode().put("databaseName", h.getSchemaName());
        ObjectNode value = envelope(h, 0, "ddl", null, null, now, null);
        value.remove("before");
        value.remove("after");
        value.remove("transaction");
        value.remove("op");
        value.put("databaseName", h.getSchemaName()).putNull("schemaName").put("ddl", rc.getSql());
        value.putArray("tableChanges");
        return new Event(h.getSchemaName(), h.getTableName(), bytes(key), bytes(value), Map.of(), List.of(), "DDL statement");
    }

    /**
     * A BEGIN or END value of {@link DebeziumTransactions} as a record of the transaction topic: key
     * {@code {"id": …}}, Debezium's {@code TransactionMetadataKey} / {@code TransactionMetadataValue} schemas.
     */
    Event transactionRecord(ObjectNode value) {
        ObjectNode key = MAPPER.createObjectNode().put("id", value.get("id").asText());
        if (!settings.debeziumSchemas()) {
            return new Event("", "", bytes(key), bytes(value), Map.of(), List.of(), "transaction " + value.get("id").asText());
        }
        ObjectNode keySchema = MAPPER.createObjectNode().put("type", "struct");
        field(keySchema.putArray("fields"), "id", "string", false);
        keySchema.put("optional", false).put("name", "io.debezium.connector.common.TransactionMetadataKey");
        ObjectNode valueSchema = MAPPER.createObjectNode().put("type", "struct");
        ArrayNode vf = valueSchema.putArray("fields");
        field(vf, "status", "string", false);
        field(vf, "id", "string", false);
        field(vf, "event_count", "int64", true);
        ObjectNode collection = MAPPER.createObjectNode().put("type", "struct");
        ArrayNode cf = collection.putArray("fields");
        field(cf, "data_collection", "string", false);
        field(cf, "event_count", "int64", false);
        collection.put("optional", false);
        vf.addObject().put("type", "array").<ObjectNode>set("items", collection).put("optional", true)
                .put("field", "data_collections");
        field(vf, "ts_ms", "int64", false);
        valueSchema.put("optional", false).put("name", "io.debezium.connector.common.TransactionMetadataValue")
                .put("version", 1);
        return new Event("", "", bytes(wrap(keySchema, key)), bytes(wrap(valueSchema, value)), Map.of(), List.of(),
                "transaction " + value.get("id").asText());
    }

    /** A heartbeat record as Debezium's: key {@code {"serverName": <name>}}, value {@code {"ts_ms": now}}. */
    Event heartbeat(long now) {
        ObjectNode key = MAPPER.createObjectNode().put("serverName", logicalName);
        ObjectNode value = MAPPER.createObjectNode().put("ts_ms", now);
        if (!settings.debeziumSchemas()) {
            return new Event("", "", bytes(key), bytes(value), Map.of(), List.of(), "heartbeat");
        }
        ObjectNode keySchema = MAPPER.createObjectNode().put("type", "struct");
        field(keySchema.putArray("fields"), "serverName", "string", false);
        keySchema.put("optional", false).put("name", "io.debezium.connector.common.ServerNameKey");
        ObjectNode valueSchema = MAPPER.createObjectNode().put("type", "struct");
        field(valueSchema.putArray("fields"), "ts_ms", "int64", false);
        valueSchema.put("optional", false).put("name", "io.debezium.connector.common.Heartbeat");
        return new Event("", "", bytes(wrap(keySchema, key)), bytes(wrap(valueSchema, value)), Map.of(), List.of(),
                "heartbeat");
    }

    private void addDelete(List<Event> out, CanalEntry.Header h, int row, List<Column> before, long now) {
        Event delete = event(h, row, "d", before, null, now);
        out.add(delete);
        if (settings.tombstones() && delete.key() != null) {
            out.add(new Event(delete.database(), delete.table(), delete.key(), null, delete.image(), delete.pkNames(),
                    delete.describedKey()));
        }
    }

    private static boolean keyChanged(List<Column> before, List<Column> after) {
        Map<String, String> b = keyValues(before);
        return !b.isEmpty() && !b.equals(keyValues(after));
    }

    private static Map<String, String> keyValues(List<Column> columns) {
        Map<String, String> key = new LinkedHashMap<>();
        for (Column c : columns) {
            if (c.getIsKey()) {
                key.put(c.getName(), c.getIsNull() ? null : c.getValue());
            }
        }
        return key;
    }

    private Event event(CanalEntry.Header h, int row, String op, List<Column> before, List<Column> after, long now) {
        List<Column> image = after != null ? after : before;
        ObjectNode value = envelope(h, row, op, before == null ? null : struct(before), after == null ? null : struct(after), now,
                block(h));
        List<Column> keyColumns = image.stream().filter(Column::getIsKey).toList();
        byte[] key = null;
        if (!keyColumns.isEmpty()) {
            ObjectNode keyPayload = struct(keyColumns);
            key = bytes(settings.debeziumSchemas() ? wrap(structSchema(h, "Key", keyColumns, false), keyPayload) : keyPayload);
        }
        Map<String, String> canalValues = new LinkedHashMap<>();
        image.forEach(c -> canalValues.put(c.getName(), c.getIsNull() ? null : c.getValue()));
        StringBuilder described = new StringBuilder();
        keyColumns.forEach(c -> described.append(described.isEmpty() ? "" : ", ").append(c.getName()).append('=')
                .append(c.getIsNull() ? "NULL" : c.getValue()));
        return new Event(h.getSchemaName(), h.getTableName(), key,
                bytes(settings.debeziumSchemas() ? wrap(envelopeSchema(h, image), value) : value), canalValues,
                keyColumns.stream().map(Column::getName).toList(),
                described.isEmpty() ? "table without primary key" : described.toString());
    }

    private ObjectNode struct(List<Column> columns) {
        ObjectNode s = MAPPER.createObjectNode();
        for (Column c : columns) {
            s.set(c.getName(), c.getIsNull() ? s.nullNode() : type(c).value(c.getValue()));
        }
        return s;
    }

    private DebeziumColumnType type(Column c) {
        return DebeziumColumnType.of(c.getMysqlType(), settings.decimalHandling(), settings.bigintUnsigned(),
                settings.timeZone());
    }

    /** The {@code transaction} block of the next data event of the header's table (null: none). */
    private ObjectNode block(CanalEntry.Header h) {
        return transactions == null ? null : transactions.nextEvent(h.getSchemaName() + "." + h.getTableName());
    }

    private ObjectNode envelope(CanalEntry.Header h, int row, String op, ObjectNode before, ObjectNode after, long now,
                                ObjectNode transaction) {
        ObjectNode v = MAPPER.createObjectNode();
        v.set("before", before);
        v.set("after", after);
        ObjectNode source = v.putObject("source");
        source.put("version", "sluice").put("connector", "mysql").put("name", logicalName)
                .put("ts_ms", h.getExecuteTime())
                .put("snapshot", "r".equals(op) ? "true" : "false")
                .put("db", h.getSchemaName()).putNull("sequence").put("table", h.getTableName())
                .put("server_id", h.getServerId());
        if (h.getGtid().isEmpty()) {
            source.putNull("gtid");
        } else {
            source.put("gtid", h.getGtid());
        }
        source.put("file", h.getLogfileName()).put("pos", h.getLogfileOffset()).put("row", row)
                .putNull("thread").putNull("query");
        if (settings.transactionMetadata()) {
            v.set("transaction", transaction == null ? v.nullNode() : transaction);
        }
        v.put("op", op);
        v.put("ts_ms", now);
        return v;
    }

    private ObjectNode envelopeSchema(CanalEntry.Header h, List<Column> columns) {
        ObjectNode s = MAPPER.createObjectNode();
        s.put("type", "struct");
        ArrayNode fields = s.putArray("fields");
        fields.add(structSchema(h, "Value", columns, true).put("field", "before"));
        fields.add(structSchema(h, "Value", columns, true).put("field", "after"));
        ObjectNode source = fields.addObject().put("type", "struct");
        ArrayNode sf = source.putArray("fields");
        field(sf, "version", "string", false);
        field(sf, "connector", "string", false);
        field(sf, "name", "string", false);
        field(sf, "ts_ms", "int64", false);
        sf.addObject().put("type", "string").put("optional", true).put("name", "io.debezium.data.Enum")
                .put("version", 1).put("default", "false").put("field", "snapshot")
                .putObject("parameters").put("allowed", "true,last,false,incremental");
        field(sf, "db", "string", false);
        field(sf, "sequence", "string", true);
        field(sf, "table", "string", true);
        field(sf, "server_id", "int64", false);
        field(sf, "gtid", "string", true);
        field(sf, "file", "string", false);
        field(sf, "pos", "int64", false);
        field(sf, "row", "int32", false);
        field(sf, "thread", "int64", true);
        field(sf, "query", "string", true);
        source.put("optional", false).put("name", "io.debezium.connector.mysql.Source").put("field", "source");
        if (settings.transactionMetadata()) {
            ObjectNode block = fields.addObject().put("type", "struct");
            ArrayNode bf = block.putArray("fields");
            field(bf, "id", "string", false);
            field(bf, "total_order", "int64", false);
            field(bf, "data_collection_order", "int64", false);
            block.put("optional", true).put("name", "event.block").put("version", 1).put("field", "transaction");
        }
        field(fields, "op", "string", false);
        field(fields, "ts_ms", "int64", true);
        s.put("optional", false);
        s.put("name", logicalName + "." + h.getSchemaName() + "." + h.getTableName() + ".Envelope");
        s.put("version", 1);
        return s;
    }

    private ObjectNode structSchema(CanalEntry.Header h, String suffix, List<Column> columns, boolean optional) {
        ObjectNode s = MAPPER.createObjectNode();
        s.put("type", "struct");
        ArrayNode fields = s.putArray("fields");
        for (Column c : columns) {
            // canal's columns carry no NOT NULL flag: key columns are required, the others optional
            fields.add(type(c).schema(c.getName(), !c.getIsKey()));
        }
        s.put("optional", optional);
        s.put("name", logicalName + "." + h.getSchemaName() + "." + h.getTableName() + "." + suffix);
        return s;
    }

    private static void field(ArrayNode fields, String name, String type, boolean optional) {
        fields.addObject().put("type", type).put("optional", optional).put("field", name);
    }

    private static ObjectNode wrap(ObjectNode schema, ObjectNode payload) {
        ObjectNode w = MAPPER.createObjectNode();
        w.set("schema", schema);
        w.set("payload", payload);
        return w;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
