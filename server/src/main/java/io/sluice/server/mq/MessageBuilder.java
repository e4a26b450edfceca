package io.sluice.server.mq;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.Column;
import io.sluice.protocol.entry.CanalEntry.EntryType;
import io.sluice.protocol.entry.CanalEntry.EventType;
import io.sluice.protocol.flat.FlatMessage;
import io.sluice.protocol.flat.FlatMessageCodec;
import io.sluice.protocol.packet.CanalPacket;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.instance.Batch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one batch into broker messages: topic routing (§4.3), partitioning (§4.2), FlatMessage JSON or
 * canal's protobuf {@code Packet{MESSAGES}} (§4.1), and splitting so that no message exceeds
 * {@code maxMessageBytes}. Within a (topic, partition) messages keep the entries' order, which is commit
 * order, so the rows of one key reach their partition in commit order.
 *
 * <p>A message too large is split between rows; a single row (or DDL) still too large is an
 * {@link OversizeRowException} under {@link OversizePolicy#STOP}, or is logged and left out under
 * {@link OversizePolicy#SKIP}.
 */
final class MessageBuilder {

    private static final Logger log = LoggerFactory.getLogger(MessageBuilder.class);

    /** Packet{version, type, body tag+len} + Messages{batch_id}: at most 2+2+6+11 bytes; rounded up. */
    private static final int PACKET_OVERHEAD = 32;

    private record Target(String topic, int partition) {
    }

    private record Parsed(StoredEntry stored, CanalEntry.Entry entry, CanalEntry.RowChange rowChange) {

        String table() {
            return entry.getHeader().getSchemaName() + "." + entry.getHeader().getTableName();
        }
    }

    private final MqPublishSettings settings;
    private final FormatSettings format;
    private final TopicRouter topics;
    private final PartitionRules partitionRules;
    private final TopicPartitionCounts partitionCounts;
    private final FlatMessageCodec codec = new FlatMessageCodec();
    private final DebeziumConverter debezium;
    private final LongSupplier clock;
    /** Debezium transaction metadata, null unless {@code sluice.mq.debezium.provide.transaction.metadata}. */
    private final DebeziumTransactions transactions;
    private long lastHeartbeat;
    private boolean heartbeatSent;
    private long skippedRows;
    /** Entries the direct FlatMessage path gave to the object path (see {@link FlatJsonWriter}). */
    private long objectPathEntries;
    /** Null when FlatMessages are built through the object model only. */
    private final FlatJsonWriter flatWriter;

    MessageBuilder(MqPublishSettings settings, LongSupplier clock) {
        this(settings, clock, true);
    }

    /**
     * @param directFlat FlatMessage JSON written straight from the stored entry bytes ({@link FlatJsonWriter});
     *                   false builds every message through canal's object model (the reference the direct path
     *                   is checked against, and the fallback for what it does not cover)
     */
    MessageBuilder(MqPublishSettings settings, LongSupplier clock, boolean directFlat) {
        this.settings = settings;
        this.format = settings.format();
        this.transactions = format.transactionMetadata() ? new DebeziumTransactions() : null;
        this.debezium = new DebeziumConverter(format, transactions);
        this.topics = TopicRouter.parse(settings.topic(), settings.dynamicTopic());
        this.partitionRules = PartitionRules.parse(settings.partitionHash());
        this.partitionCounts = TopicPartitionCounts.parse(settings.dynamicTopicPartitionNum(),
                settings.partitionsNum());
        this.clock = clock;
        this.flatWriter = directFlat ? new FlatJsonWriter(settings, topics, partitionRules, partitionCounts) : null;
    }

    /** Rows left out under {@link OversizePolicy#SKIP} so far. */
    long skippedRows() {
        return skippedRows;
    }

    /** Entries built through the object path although the direct FlatMessage path is on. */
    long objectPathEntries() {
        return objectPathEntries;
    }

    List<MqMessage> build(Batch batch) {
        if (format.format() != MqFormat.DEBEZIUM && settings.flatMessage() && flatWriter != null) {
            return flatDirect(batch);
        }
        if (format.format() != MqFormat.DEBEZIUM && !settings.flatMessage() && flatWriter != null && !topics.isDynamic()
                && partitionRules.isEmpty() && !settings.filterTransactionEntry()) {
            return protobufOneTarget(batch);
        }
        List<Parsed> entries = parse(batch.entries(), batch.id());
        if (format.format() == MqFormat.DEBEZIUM) {
            return debezium(entries);
        }
        if (settings.flatMessage()) {
            List<MqMessage> out = new ArrayList<>();
            flat(entries, batch.id(), clock.getAsLong(), out);
            return out;
        }
        return protobuf(entries, batch.id());
    }

    /** FlatMessages straight from the stored bytes; an entry the direct path does not cover goes the object way. */
    private List<MqMessage> flatDirect(Batch batch) {
        List<MqMessage> out = new ArrayList<>();
        List<FlatPart> parts = new ArrayList<>();
        FlatMessageMerger merger = merger();
        long now = clock.getAsLong();
        flatWriter.startBatch();
        for (StoredEntry stored : batch.entries()) {
            parts.clear();
            if (!flatWriter.write(stored.bytes(), batch.id(), now, parts)) {
                objectPathEntries++;
                parts.clear();
                for (Parsed p : parse(List.of(stored), batch.id())) {
                    flatEntry(p, batch.id(), now, parts);
                }
            }
            publish(parts, merger, out);
        }
        if (merger != null) {
            merger.flush(out);
        }
        return out;
    }

    /** Null when every entry's messages go out as they are. */
    private FlatMessageMerger merger() {
        return merging() ? new FlatMessageMerger(settings.maxMessageBytes()) : null;
    }

    private boolean merging() {
        // without BEGIN/END entries (canal.instance.filter.transaction.entry) transactions cannot be told apart
        return settings.mergeFlatRows() && !settings.filterTransactionEntry();
    }

    /** One entry's messages: merged with those of the entries before it, or as they are. */
    private static void publish(List<FlatPart> parts, FlatMessageMerger merger, List<MqMessage> out) {
        if (merger != null) {
            merger.entry(parts, out);
            return;
        }
        for (FlatPart p : parts) {
            out.add(p.message());
        }
    }

    private static List<Parsed> parse(List<StoredEntry> entries, long batchId) {
        List<Parsed> parsed = new ArrayList<>(entries.size());
        for (StoredEntry stored : entries) {
            try {
                CanalEntry.Entry entry = CanalEntry.Entry.parseFrom(aliasing(CodedInputStream.newInstance(stored.bytes())));
                CanalEntry.RowChange rowChange = entry.getEntryType() == EntryType.ROWDATA
                        ? CanalEntry.RowChange.parseFrom(aliasing(entry.getStoreValue().newCodedInput())) : null;
                parsed.add(new Parsed(stored, entry, rowChange));
            } catch (IOException e) {
                // entries are encoded by Sluice itself; unreadable bytes are a bug, not a broker condition
                throw new IllegalStateException("entry at " + stored.position() + " of batch " + batchId
                        + " is not a canal Entry", e);
            }
        }
        return parsed;
    }

    /**
     * Byte fields (the row change, column names and values) as views of the stored bytes instead of copies: the
     * parsed entry lives only while the batch is built, and stored entries are never modified.
     */
    private static CodedInputStream aliasing(CodedInputStream in) {
        in.enableAliasing(true);
        return in;
    }

    private static boolean isTransactionMarker(CanalEntry.Entry entry) {
        return entry.getEntryType() == EntryType.TRANSACTIONBEGIN || entry.getEntryType() == EntryType.TRANSACTIONEND;
    }

    // ---- FlatMessage ----------------------------------------------------------------------------------

    private void flat(List<Parsed> entries, long batchId, long now, List<MqMessage> out) {
        List<FlatPart> parts = new ArrayList<>();
        FlatMessageMerger merger = merger();
        for (Parsed p : entries) {
            parts.clear();
            flatEntry(p, batchId, now, parts);
            publish(parts, merger, out);
        }
        if (merger != null) {
            merger.flush(out);
        }
    }

    /** The messages of one entry, as canal's converter makes them: one per partition, split below the size limit. */
    private void flatEntry(Parsed p, long batchId, long now, List<FlatPart> parts) {
        if (p.rowChange() == null) {
            return;
        }
        FlatMessage message = FlatMessageConverter.convert(p.entry(), p.rowChange(), batchId, now,
                settings.canalCompatibleValues());
        if (message == null) {
            return;
        }
        String topic = topics.topicFor(message.database(), message.table());
        Map<Integer, FlatMessage> partitioned;
        if (isStatement(message) && format.ddl() != DdlRoute.SAME_TOPIC) {
            if (format.ddl() == DdlRoute.NONE) {
                return;
            }
            topic = format.ddlTopic();
            partitioned = Map.of(0, message);
        } else {
            partitioned = partitionFlat(message, topic);
        }
        for (Map.Entry<Integer, FlatMessage> part : partitioned.entrySet()) {
            // partitioned on canal's values above, so a key's partition does not depend on the encoding
            FlatMessage encoded = FlatMessageConverter.encodeBinary(part.getValue(), format.binary());
            for (byte[] piece : fitFlat(encoded)) {
                // where the arrays lie matters only to the merger
                parts.add(merging() ? FlatPart.scan(topic, part.getKey(), piece)
                        : FlatPart.statement(topic, part.getKey(), piece, 0, piece.length));
            }
        }
    }

    /** DDL and other statements: no rows to apply (Flink's canal-json knows only INSERT, UPDATE, DELETE and CREATE). */
    private static boolean isStatement(FlatMessage m) {
        return m.isDdl() || !(m.type().equals("INSERT") || m.type().equals("UPDATE") || m.type().equals("DELETE"));
    }

    /** canal's {@code messagePartition(FlatMessage)}: one message per partition that gets rows of it. */
    private Map<Integer, FlatMessage> partitionFlat(FlatMessage m, String topic) {
        Map<Integer, FlatMessage> single = new LinkedHashMap<>();
        if (partitionRules.isEmpty()) {
            single.put(settings.partition(), m);
            return single;
        }
        PartitionRules.Rule rule = m.isDdl() || m.data() == null ? null : partitionRules.ruleFor(m.database(), m.table());
        if (rule == null) {
            single.put(0, m);
            return single;
        }
        int partitions = partitionCounts.partitionsOf(topic);
        if (rule.mode() == PartitionRules.Mode.TABLE) {
            single.put(PartitionRules.partitionOf(m.table().hashCode(), partitions), m);
            return single;
        }
        List<String> hashColumns = rule.mode() == PartitionRules.Mode.PRIMARY_KEY ? m.pkNames() : rule.columns();
        Map<Integer, List<Integer>> rowsByPartition = new TreeMap<>();
        for (int i = 0; i < m.data().size(); i++) {
            int hash = settings.databaseHash() ? m.database().hashCode() : 0;
            if (hashColumns != null) {
                Map<String, String> row = m.data().get(i);
                for (String column : hashColumns) {
                    String value = row.get(column);
                    hash ^= (value == null ? "" : value).hashCode();
                }
            }
            rowsByPartition.computeIfAbsent(PartitionRules.partitionOf(hash, partitions), k -> new ArrayList<>()).add(i);
        }
        Map<Integer, FlatMessage> parts = new LinkedHashMap<>();
        rowsByPartition.forEach((partition, rows) -> parts.put(partition, rows.size() == m.data().size() ? m
                : withRows(m, rows)));
        return parts;
    }

    private static FlatMessage withRows(FlatMessage m, List<Integer> rows) {
        List<Map<String, String>> data = new ArrayList<>(rows.size());
        List<Map<String, String>> old = m.old() == null ? null : new ArrayList<>(rows.size());
        for (int i : rows) {
            data.add(m.data().get(i));
            if (old != null) {
                old.add(m.old().get(i));
            }
        }
        return new FlatMessage(data, m.database(), m.es(), m.gtid(), m.id(), m.isDdl(), m.mysqlType(), old,
                m.pkNames(), m.sql(), m.sqlType(), m.table(), m.ts(), m.type());
    }

    /**
     * The message's JSON when it fits, else halves of its rows, recursively; a lone row that does not fit is oversize.
     * The size is that of the very bytes sent, so each message is encoded once.
     */
    private List<byte[]> fitFlat(FlatMessage m) {
        byte[] json = codec.encode(m);
        int size = json.length;
        if (size <= settings.maxMessageBytes()) {
            return List.of(json);
        }
        int rows = m.data() == null ? 0 : m.data().size();
        if (rows <= 1) {
            String key = rows == 0 ? (m.isDdl() ? "DDL statement" : m.type() + " statement")
                    : describeKey(m.pkNames(), m.data().get(0));
            oversize(new OversizeRowException(m.database() + "." + m.table(), key, size, settings.maxMessageBytes()));
            return List.of();
        }
        List<Integer> first = new ArrayList<>();
        List<Integer> second = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            (i < rows / 2 ? first : second).add(i);
        }
        List<byte[]> out = new ArrayList<>(fitFlat(withRows(m, first)));
        out.addAll(fitFlat(withRows(m, second)));
        return out;
    }

    private static String describeKey(List<String> pkNames, Map<String, String> row) {
        if (pkNames == null || pkNames.isEmpty()) {
            return "table without primary key";
        }
        StringJoiner key = new StringJoiner(", ");
        for (String name : pkNames) {
            key.add(name + "=" + row.get(name));
        }
        return key.toString();
    }

    private void oversize(OversizeRowException e) {
        if (settings.oversizePolicy() == OversizePolicy.STOP) {
            throw e;
        }
        skippedRows++;
        log.error("skipped (sluice.mq.oversize.policy=skip): {}", e.getMessage());
    }

    // ---- Debezium ------------------------------------------------------------------------------------------

    private List<MqMessage> debezium(List<Parsed> entries) {
        List<MqMessage> out = new ArrayList<>();
        long now = clock.getAsLong();
        if (transactions != null && !entries.isEmpty()) {
            transactions.startBatch(entries.get(0).stored().position());
        }
        for (Parsed p : entries) {
            CanalEntry.RowChange rc = p.rowChange();
            CanalEntry.Header h = p.entry().getHeader();
            if (transactions != null && p.entry().getEntryType() == EntryType.TRANSACTIONBEGIN) {
                add(out, format.transactionTopic(), 0, debezium.transactionRecord(transactions.begin(h)));
                continue;
            }
            if (transactions != null && p.entry().getEntryType() == EntryType.TRANSACTIONEND) {
                ObjectNode end = transactions.end(h);
                if (end != null) {
                    add(out, format.transactionTopic(), 0, debezium.transactionRecord(end));
                }
                continue;
            }
            if (rc == null) {
                continue;
            }
            EventType type = rc.getEventType();
            boolean rows = !rc.getIsDdl() && (type == EventType.INSERT || type == EventType.UPDATE || type == EventType.DELETE);
            if (!rows && format.ddl() == DdlRoute.DDL_TOPIC) {
                // Debezium's data topics never carry DDL: only the schema change topic does
                add(out, format.ddlTopic(), 0, debezium.schemaChange(p.entry(), rc, now));
            }
            for (DebeziumConverter.Event e : debezium.convert(p.entry(), rc, now)) {
                String topic = format.topicPrefix().isEmpty() ? topics.topicFor(h.getSchemaName(), h.getTableName())
                        : format.topicPrefix() + "." + h.getSchemaName() + "." + h.getTableName();
                add(out, topic, partitionOfRow(e.database(), e.table(), topic, e.image(), e.pkNames(), e.value() == null
                        && e.image().isEmpty()), e);
            }
        }
        // as Debezium's: driven by the stream (a batch), at most one per interval; an idle stream sends none
        if (format.heartbeatIntervalMs() > 0 && (!heartbeatSent || now - lastHeartbeat >= format.heartbeatIntervalMs())) {
            add(out, format.heartbeatTopic(), 0, debezium.heartbeat(now));
            lastHeartbeat = now;
            heartbeatSent = true;
        }
        return out;
    }

    private void add(List<MqMessage> out, String topic, int partition, DebeziumConverter.Event e) {
        int size = (e.key() == null ? 0 : e.key().length) + (e.value() == null ? 0 : e.value().length);
        if (size > settings.maxMessageBytes()) {
            oversize(new OversizeRowException(e.database() + "." + e.table(), e.describedKey(), size,
                    settings.maxMessageBytes()));
            return;
        }
        out.add(new MqMessage(topic, partition, e.key(), e.value()));
    }

    /** canal's partition of one row (as {@link #partitionFlat} computes it), so both formats spread keys alike. */
    private int partitionOfRow(String database, String table, String topic, Map<String, String> row,
                               List<String> pkNames, boolean statement) {
        if (partitionRules.isEmpty()) {
            return settings.partition();
        }
        PartitionRules.Rule rule = statement || row.isEmpty() ? null : partitionRules.ruleFor(database, table);
        if (rule == null) {
            return 0;
        }
        int partitions = partitionCounts.partitionsOf(topic);
        if (rule.mode() == PartitionRules.Mode.TABLE) {
            return PartitionRules.partitionOf(table.hashCode(), partitions);
        }
        List<String> hashColumns = rule.mode() == PartitionRules.Mode.PRIMARY_KEY ? pkNames : rule.columns();
        int hash = settings.databaseHash() ? database.hashCode() : 0;
        if (hashColumns != null) {
            for (String column : hashColumns) {
                String value = row.get(column);
                hash ^= (value == null ? "" : value).hashCode();
            }
        }
        return PartitionRules.partitionOf(hash, partitions);
    }

    // ---- protobuf Packet{MESSAGES} ----------------------------------------------------------------------

    /**
     * Every entry to the one topic and partition: nothing of an entry needs reading, its stored bytes go into the
     * packet as they are (read only when one is too large and must be split between rows).
     */
    private List<MqMessage> protobufOneTarget(Batch batch) {
        List<ByteString> entries = new ArrayList<>(batch.entries().size());
        for (StoredEntry stored : batch.entries()) {
            entries.add(UnsafeByteOperations.unsafeWrap(stored.bytes()));
        }
        List<MqMessage> out = new ArrayList<>();
        pack(new Target(topics.topicFor("", ""), settings.partition()), entries, batch.id(), out);
        return out;
    }

    private List<MqMessage> protobuf(List<Parsed> entries, long batchId) {
        Map<Target, List<ByteString>> byTarget = new LinkedHashMap<>();
        boolean dropMarkers = topics.isDynamic() || !partitionRules.isEmpty() || settings.filterTransactionEntry();
        for (Parsed p : entries) {
            if (dropMarkers && isTransactionMarker(p.entry())) {
                continue;
            }
            String topic = topics.topicFor(p.entry().getHeader().getSchemaName(), p.entry().getHeader().getTableName());
            partitionProtobuf(p, topic, byTarget);
        }
        List<MqMessage> out = new ArrayList<>();
        byTarget.forEach((target, list) -> pack(target, list, batchId, out));
        return out;
    }

    /** canal's {@code messagePartition(EntryRowData[])}: hashed rows travel as one single-row entry each. */
    private void partitionProtobuf(Parsed p, String topic, Map<Target, List<ByteString>> byTarget) {
        CanalEntry.RowChange rc = p.rowChange();
        if (partitionRules.isEmpty()) {
            add(byTarget, topic, settings.partition(), p.stored());
            return;
        }
        if (rc == null || rc.getIsDdl() || rc.getRowDatasCount() == 0) {
            add(byTarget, topic, 0, p.stored());
            return;
        }
        CanalEntry.Header header = p.entry().getHeader();
        PartitionRules.Rule rule = partitionRules.ruleFor(header.getSchemaName(), header.getTableName());
        if (rule == null) {
            add(byTarget, topic, 0, p.stored());
            return;
        }
        int partitions = partitionCounts.partitionsOf(topic);
        if (rule.mode() == PartitionRules.Mode.TABLE) {
            add(byTarget, topic, PartitionRules.partitionOf(header.getTableName().hashCode(), partitions), p.stored());
            return;
        }
        for (CanalEntry.RowData row : rc.getRowDatasList()) {
            int hash = settings.databaseHash() ? header.getSchemaName().hashCode() : 0;
            for (Column c : rowImage(rc.getEventType(), row)) {
                boolean hashed = rule.mode() == PartitionRules.Mode.PRIMARY_KEY ? c.getIsKey() : rule.hashesColumn(c.getName());
                if (hashed) {
                    hash ^= c.getValue().hashCode();
                }
            }
            CanalEntry.Entry single = withRows(p.entry(), rc, List.of(row));
            byTarget.computeIfAbsent(new Target(topic, PartitionRules.partitionOf(hash, partitions)), k -> new ArrayList<>())
                    .add(single.toByteString());
        }
    }

    private static List<Column> rowImage(EventType type, CanalEntry.RowData row) {
        return type == EventType.DELETE ? row.getBeforeColumnsList() : row.getAfterColumnsList();
    }

    private static void add(Map<Target, List<ByteString>> byTarget, String topic, int partition, StoredEntry stored) {
        // the stored bytes are the entry as clients receive it over TCP: no re-encoding
        // never modified once stored, so wrapped rather than copied
        byTarget.computeIfAbsent(new Target(topic, partition), k -> new ArrayList<>())
                .add(UnsafeByteOperations.unsafeWrap(stored.bytes()));
    }

    private static CanalEntry.Entry withRows(CanalEntry.Entry entry, CanalEntry.RowChange rc,
                                             List<CanalEntry.RowData> rows) {
        CanalEntry.RowChange part = rc.toBuilder().clearRowDatas().addAllRowDatas(rows).build();
        return entry.toBuilder().setStoreValue(part.toByteString()).build();
    }

    private static int fieldSize(ByteString bytes) {
        return 1 + CodedOutputStream.computeUInt32SizeNoTag(bytes.size()) + bytes.size();
    }

    /** Packs entries into as few Messages as fit below the limit, in order; splits an entry between rows if needed. */
    private void pack(Target target, List<ByteString> entries, long batchId, List<MqMessage> out) {
        int limit = settings.maxMessageBytes() - PACKET_OVERHEAD;
        List<ByteString> current = new ArrayList<>();
        int currentSize = 0;
        for (ByteString entry : entries) {
            for (ByteString piece : fitEntry(entry, limit)) {
                int size = fieldSize(piece);
                if (!current.isEmpty() && currentSize + size > limit) {
                    out.add(new MqMessage(target.topic(), target.partition(), packet(batchId, current)));
                    current = new ArrayList<>();
                    currentSize = 0;
                }
                current.add(piece);
                currentSize += size;
            }
        }
        if (!current.isEmpty()) {
            out.add(new MqMessage(target.topic(), target.partition(), packet(batchId, current)));
        }
    }

    private List<ByteString> fitEntry(ByteString bytes, int limit) {
        if (fieldSize(bytes) <= limit) {
            return List.of(bytes);
        }
        CanalEntry.Entry entry;
        CanalEntry.RowChange rc;
        try {
            entry = CanalEntry.Entry.parseFrom(bytes);
            rc = entry.getEntryType() == EntryType.ROWDATA ? CanalEntry.RowChange.parseFrom(entry.getStoreValue()) : null;
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("re-reading an entry Sluice encoded failed", e);
        }
        String table = entry.getHeader().getSchemaName() + "." + entry.getHeader().getTableName();
        if (rc == null || rc.getRowDatasCount() <= 1) {
            String key = rc == null || rc.getRowDatasCount() == 0 ? (rc != null && rc.getIsDdl() ? "DDL statement" : "entry")
                    : describeKey(rowImage(rc.getEventType(), rc.getRowDatas(0)));
            oversize(new OversizeRowException(table, key, fieldSize(bytes) + PACKET_OVERHEAD, settings.maxMessageBytes()));
            return List.of();
        }
        int half = rc.getRowDatasCount() / 2;
        List<ByteString> out = new ArrayList<>(
                fitEntry(withRows(entry, rc, rc.getRowDatasList().subList(0, half)).toByteString(), limit));
        out.addAll(fitEntry(withRows(entry, rc, rc.getRowDatasList().subList(half, rc.getRowDatasCount())).toByteString(),
                limit));
        return out;
    }

    private static String describeKey(List<Column> columns) {
        StringJoiner key = new StringJoiner(", ");
        for (Column c : columns) {
            if (c.getIsKey()) {
                key.add(c.getName() + "=" + (c.getIsNull() ? "NULL" : c.getValue()));
            }
        }
        return key.length() == 0 ? "table without primary key" : key.toString();
    }

    /**
     * {@code Packet{version 1, MESSAGES, body = Messages{batchId, entries}}} serialized in one pass into one array,
     * byte for byte protobuf's serialization of those messages (proto3: a zero batch id is not written).
     */
    static byte[] packet(long batchId, List<ByteString> entries) {
        int body = batchId != 0 ? CodedOutputStream.computeInt64Size(1, batchId) : 0;
        for (ByteString e : entries) {
            body += CodedOutputStream.computeBytesSize(2, e);
        }
        int size = CodedOutputStream.computeInt32Size(2, 1)
                + CodedOutputStream.computeEnumSize(3, CanalPacket.PacketType.MESSAGES_VALUE)
                + CodedOutputStream.computeTagSize(5) + CodedOutputStream.computeUInt32SizeNoTag(body) + body;
        byte[] out = new byte[size];
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        try {
            o.writeInt32(2, 1);
            o.writeEnum(3, CanalPacket.PacketType.MESSAGES_VALUE);
            o.writeTag(5, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            o.writeUInt32NoTag(body);
            if (batchId != 0) {
                o.writeInt64(1, batchId);
            }
            for (ByteString e : entries) {
                o.writeBytes(2, e);
            }
            o.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("packet of " + size + " bytes mis-sized", e);
        }
        return out;
    }

    /** The packet as protobuf's message classes build it: the reference {@link #packet} is checked against. */
    static byte[] packetViaObjects(long batchId, List<ByteString> entries) {
        CanalPacket.Messages messages = CanalPacket.Messages.newBuilder().setBatchId(batchId).addAllMessages(entries).build();
        return CanalPacket.Packet.newBuilder().setVersion(1).setType(CanalPacket.PacketType.MESSAGES)
                .setBody(messages.toByteString()).build().toByteArray();
    }
}
