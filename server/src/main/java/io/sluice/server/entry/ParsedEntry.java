package io.sluice.server.entry;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An entry as the parser produces it, before the sink filters, transforms and serializes it.
 *
 * <p>Row changes decoded from the binlog arrive already encoded: the parser writes each rows event straight into
 * the entry's bytes ({@link #encoded(CanalEntry.Header, CanalEntry.EventType, int, byte[], int, int, BinlogPosition,
 * ResumePoint, StoredEntry.Kind)}), and when nothing in the sink changes the entry those bytes go to the store as
 * they are. A filter or transform that needs the {@code RowChange} asks {@link #payload()}, which parses it once;
 * an entry made with a new payload or header is serialized again by {@link EntryEncoder}.
 *
 * <p>Other entries (BEGIN, END, DDL, queries, snapshot rows) carry their payload as a message, so that column
 * filters and transforms work on it without parsing, and it is serialized exactly once.
 *
 * <p>Immutable; {@link #payload()} of an encoded entry caches the parsed message.
 */
public final class ParsedEntry {

    private final CanalEntry.Header header;
    private final CanalEntry.EntryType entryType;
    private volatile MessageLite payload;
    private final byte[] encoded;
    private final int payloadOffset;
    private final int payloadLength;
    private final CanalEntry.EventType rowsEventType;
    private final int rowCount;
    private final BinlogPosition position;
    private final ResumePoint resume;
    private final StoredEntry.Kind kind;

    /**
     * @param header    the canal header (file, offset, schema, table, event type, timestamps, GTID props)
     * @param entryType TRANSACTIONBEGIN, ROWDATA or TRANSACTIONEND
     * @param payload   the message that becomes {@code storeValue}
     * @param position  the entry's own position
     * @param resume    where to restart so that this entry and everything before it are not delivered again
     * @param kind      classification used by store and meta
     */
    public ParsedEntry(CanalEntry.Header header, CanalEntry.EntryType entryType, MessageLite payload,
                       BinlogPosition position, ResumePoint resume, StoredEntry.Kind kind) {
        this(header, entryType, Objects.requireNonNull(payload, "payload"), null, 0, 0, null, 0, position, resume, kind);
    }

    private ParsedEntry(CanalEntry.Header header, CanalEntry.EntryType entryType, MessageLite payload, byte[] encoded,
                        int payloadOffset, int payloadLength, CanalEntry.EventType rowsEventType, int rowCount,
                        BinlogPosition position, ResumePoint resume, StoredEntry.Kind kind) {
        this.header = Objects.requireNonNull(header, "header");
        this.entryType = Objects.requireNonNull(entryType, "entryType");
        this.payload = payload;
        this.encoded = encoded;
        this.payloadOffset = payloadOffset;
        this.payloadLength = payloadLength;
        this.rowsEventType = rowsEventType;
        this.rowCount = rowCount;
        this.position = Objects.requireNonNull(position, "position");
        this.resume = Objects.requireNonNull(resume, "resume");
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /**
     * A ROWDATA entry of a DML rows event whose serialized {@code Entry} is {@code entry}, the {@code RowChange}
     * being {@code entry[payloadOffset, payloadOffset + payloadLength)}.
     */
    public static ParsedEntry encoded(CanalEntry.Header header, CanalEntry.EventType eventType, int rowCount,
                                      byte[] entry, int payloadOffset, int payloadLength, BinlogPosition position,
                                      ResumePoint resume, StoredEntry.Kind kind) {
        return new ParsedEntry(header, CanalEntry.EntryType.ROWDATA, null, Objects.requireNonNull(entry, "entry"),
                payloadOffset, payloadLength, Objects.requireNonNull(eventType, "eventType"), rowCount, position, resume,
                kind);
    }

    public CanalEntry.Header header() {
        return header;
    }

    public CanalEntry.EntryType entryType() {
        return entryType;
    }

    /** The message that becomes {@code storeValue}; parsed (once) from the bytes of an encoded entry. */
    public MessageLite payload() {
        MessageLite p = payload;
        if (p == null) {
            try {
                p = CanalEntry.RowChange.parser().parseFrom(encoded, payloadOffset, payloadLength);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("an entry encoded by the parser does not parse back", e);
            }
            payload = p;
        }
        return p;
    }

    public BinlogPosition position() {
        return position;
    }

    public ResumePoint resume() {
        return resume;
    }

    public StoredEntry.Kind kind() {
        return kind;
    }

    /** The whole serialized {@code Entry} when the parser encoded it and nothing replaced its header or payload. */
    public byte[] encodedEntry() {
        return encoded;
    }

    public String schema() {
        return header.getSchemaName();
    }

    public String table() {
        return header.getTableName();
    }

    /** Whether the payload is a {@code RowChange} (without parsing an encoded one). */
    public boolean isRowChange() {
        return encoded != null || payload instanceof CanalEntry.RowChange;
    }

    /** The RowChange's event type; only when {@link #isRowChange()}. */
    public CanalEntry.EventType rowChangeEventType() {
        return encoded != null ? rowsEventType : rowChange().getEventType();
    }

    /** The RowChange's {@code isDdl}; only when {@link #isRowChange()}. */
    public boolean isDdl() {
        return encoded == null && rowChange().getIsDdl();
    }

    /** How many RowData the RowChange has; only when {@link #isRowChange()}. */
    public int rowDataCount() {
        return encoded != null ? rowCount : rowChange().getRowDatasCount();
    }

    public ParsedEntry withPayload(MessageLite newPayload) {
        return new ParsedEntry(header, entryType, newPayload, position, resume, kind);
    }

    public ParsedEntry withResume(ResumePoint newResume) {
        return new ParsedEntry(header, entryType, payload, encoded, payloadOffset, payloadLength, rowsEventType,
                rowCount, position, newResume, kind);
    }

    /** The same entry under another header; an encoded payload is kept and written again after the new header. */
    public ParsedEntry withHeader(CanalEntry.Header newHeader) {
        return new ParsedEntry(newHeader, entryType, payload(), position, resume, kind);
    }

    /**
     * When one entry becomes several, acknowledging the first must not skip the others on resume: every piece
     * but the last resumes before the original entry (it may then come again, never get lost). The last keeps
     * the original's resume point, so a full ack of the pieces is a full ack of the entry.
     */
    public static List<ParsedEntry> resumeSafely(List<ParsedEntry> pieces, ParsedEntry original) {
        if (pieces.size() <= 1) {
            return pieces;
        }
        ResumePoint r = original.resume();
        ResumePoint before = new ResumePoint(r.position(), Math.max(0, r.skipEntries() - 1));
        List<ParsedEntry> out = new ArrayList<>(pieces.size());
        for (int i = 0; i < pieces.size(); i++) {
            ParsedEntry p = pieces.get(i);
            boolean last = i == pieces.size() - 1;
            ResumePoint resume = last ? r : before;
            out.add(p.resume().equals(resume) ? p : p.withResume(resume));
        }
        return out;
    }

    /** The payload as a RowChange; only for ROWDATA entries. */
    public CanalEntry.RowChange rowChange() {
        return (CanalEntry.RowChange) payload();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParsedEntry e && header.equals(e.header) && entryType == e.entryType
                && payload().equals(e.payload()) && position.equals(e.position) && resume.equals(e.resume)
                && kind == e.kind;
    }

    @Override
    public int hashCode() {
        return Objects.hash(header, entryType, payload(), position, resume, kind);
    }

    @Override
    public String toString() {
        return "ParsedEntry[" + entryType + " " + schema() + "." + table() + " at " + position + ", resume " + resume
                + ", " + kind + (encoded != null ? ", encoded " + encoded.length + " bytes" : "") + "]";
    }
}
