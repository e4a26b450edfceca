package io.sluice.server.entry;

import com.google.protobuf.MessageLite;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import java.util.Objects;

/**
 * An entry as the parser produces it, before the sink filters, transforms and serializes it. The payload is
 * kept as a message (a {@code RowChange}, {@code TransactionBegin} or {@code TransactionEnd}) rather than as
 * {@code storeValue} bytes so that column filters and transforms work on it without parsing it back, and so
 * that it is serialized exactly once, straight into the entry's bytes ({@link EntryEncoder}).
 *
 * @param header    the canal header (file, offset, schema, table, event type, timestamps, GTID props)
 * @param entryType TRANSACTIONBEGIN, ROWDATA or TRANSACTIONEND
 * @param payload   the message that becomes {@code storeValue}
 * @param position  the entry's own position
 * @param resume    where to restart so that this entry and everything before it are not delivered again
 * @param kind      classification used by store and meta
 */
public record ParsedEntry(CanalEntry.Header header, CanalEntry.EntryType entryType, MessageLite payload,
                          BinlogPosition position, ResumePoint resume, StoredEntry.Kind kind) {

    public ParsedEntry {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(entryType, "entryType");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(resume, "resume");
        Objects.requireNonNull(kind, "kind");
    }

    public String schema() {
        return header.getSchemaName();
    }

    public String table() {
        return header.getTableName();
    }

    public ParsedEntry withPayload(MessageLite newPayload) {
        return new ParsedEntry(header, entryType, newPayload, position, resume, kind);
    }

    public ParsedEntry withResume(ResumePoint newResume) {
        return new ParsedEntry(header, entryType, payload, position, newResume, kind);
    }

    public ParsedEntry withHeader(CanalEntry.Header newHeader) {
        return new ParsedEntry(newHeader, entryType, payload, position, resume, kind);
    }

    /** The payload as a RowChange; only for ROWDATA entries. */
    public CanalEntry.RowChange rowChange() {
        return (CanalEntry.RowChange) payload;
    }
}
