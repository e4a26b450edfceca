package io.sluice.server.parser.event;

import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;

/**
 * A v4 event header that keeps the raw type code: mysql-binlog-connector-java 0.30.1 maps every code it does
 * not know (MariaDB's compressed events 165–171, MySQL's 41 and 42, Aurora's 100) to {@code UNKNOWN}.
 */
public final class BinlogEventHeader extends EventHeaderV4 {

    public static final int LENGTH = 19;
    /** LOG_EVENT_BINLOG_IN_USE_F: set in the FDE of a file that was not closed; the FDE's CRC is computed without it. */
    static final int FLAG_BINLOG_IN_USE = 0x1;
    /** LOG_EVENT_IGNORABLE_F: a replica that does not know the type may skip the event. */
    public static final int FLAG_IGNORABLE = 0x80;

    private final int typeCode;

    BinlogEventHeader(byte[] raw) {
        ByteReader r = new ByteReader(raw, 0, LENGTH);
        setTimestamp(r.u32() * 1000L);
        typeCode = r.u8();
        EventType type = EventType.byEventNumber(typeCode);
        setEventType(type == null ? EventType.UNKNOWN : type);
        setServerId(r.u32());
        setEventLength(r.u32());
        setNextPosition(r.u32());
        setFlags(r.u16());
    }

    /** A header for an event embedded in a TRANSACTION_PAYLOAD, positioned at the enclosing event. */
    BinlogEventHeader(BinlogEventHeader inner, BinlogEventHeader outer) {
        setTimestamp(inner.getTimestamp());
        typeCode = inner.typeCode;
        setEventType(inner.getEventType());
        setServerId(inner.getServerId());
        setEventLength(inner.getEventLength());
        setNextPosition(outer.getNextPosition());
        setFlags(inner.getFlags());
        this.embeddedIn = outer;
    }

    private BinlogEventHeader embeddedIn;

    public int typeCode() {
        return typeCode;
    }

    public boolean ignorable() {
        return (getFlags() & FLAG_IGNORABLE) != 0;
    }

    /** The TRANSACTION_PAYLOAD event this event was unpacked from, or null. */
    public BinlogEventHeader embeddedIn() {
        return embeddedIn;
    }

    /** Start offset of the event in its file ({@code next position - length}); for embedded events, the payload's. */
    public long startOffset() {
        BinlogEventHeader outer = embeddedIn;
        return outer != null ? outer.startOffset() : getNextPosition() - getEventLength();
    }
}
