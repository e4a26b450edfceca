package io.sluice.server.parser.event;

import com.github.shyiko.mysql.binlog.event.AnnotateRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.FormatDescriptionEventData;
import com.github.shyiko.mysql.binlog.event.RowsQueryEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.BinlogCheckpointEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.ChecksumType;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.FormatDescriptionEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.GtidEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.MariadbGtidEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.MariadbGtidListEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.RotateEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.XAPrepareEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.XidEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Frames binlog events and decodes each type with one small deserializer: the connector's own where it is
 * right (rotate, XID, GTID, MariaDB GTID lists, checkpoints, format description), Sluice's where it is not
 * (TABLE_MAP, all rows events, queries, MariaDB compressed events, MySQL transaction payloads, tagged GTIDs).
 *
 * <p>It replaces {@link EventDeserializer#nextEvent} as a whole because the connector's dispatch cannot see
 * the type codes it does not know and silently skips events whose data fails to decode. Each event is read
 * into one array and its CRC32 verified when the stream has checksums. The same instance serves a
 * {@code BinaryLogClient} (live) and a {@code BinaryLogFileReader} (files).
 */
public final class BinlogEventDeserializer extends EventDeserializer {

    private static final int MAX_EVENT_LENGTH = 1 << 30;

    private final Charset textCharset;
    private final EventDataDeserializer<?> formatDescription = new FormatDescriptionEventDataDeserializer();
    private final EventDataDeserializer<?> rotate = new RotateEventDataDeserializer();
    private final EventDataDeserializer<?> xid = new XidEventDataDeserializer();
    private final EventDataDeserializer<?> gtid = new GtidEventDataDeserializer();
    private final EventDataDeserializer<?> mariadbGtid = new MariadbGtidEventDataDeserializer();
    private final EventDataDeserializer<?> mariadbGtidList = new MariadbGtidListEventDataDeserializer();
    private final EventDataDeserializer<?> checkpoint = new BinlogCheckpointEventDataDeserializer();
    private final EventDataDeserializer<?> xaPrepare = new XAPrepareEventDataDeserializer();
    private static final int RETAINED_BODY = 1 << 20;
    private final CRC32 crc = new CRC32();
    private int checksumLength;
    private byte[] body = new byte[64 * 1024];

    /** @param textCharset charset of statement texts and identifiers (canal's {@code connectionCharset}) */
    public BinlogEventDeserializer(Charset textCharset) {
        this.textCharset = textCharset;
    }

    /** The connector calls this after asking the master for checksums; the FDE that follows says it again. */
    @Override
    @SuppressWarnings("deprecation")
    public void setChecksumType(ChecksumType checksumType) {
        checksumLength = checksumType.getLength();
    }

    @Override
    public Event nextEvent(ByteArrayInputStream in) throws IOException {
        if (in.peek() == -1) {
            return null;
        }
        byte[] head = in.read(BinlogEventHeader.LENGTH);
        BinlogEventHeader header = new BinlogEventHeader(head);
        long length = header.getEventLength();
        if (length < BinlogEventHeader.LENGTH || length > MAX_EVENT_LENGTH) {
            throw new BinlogFormatException("event at " + header.startOffset() + " has length " + length);
        }
        int n = (int) length - BinlogEventHeader.LENGTH;
        byte[] body = bodyBuffer(n);
        in.fill(body, 0, n);
        return new Event(header, decode(header, head, body, n));
    }

    /**
     * The array an event's body is read into: one array reused for every event up to {@link #RETAINED_BODY} bytes
     * (a rows event is ~8 KiB), so reading the binlog makes no garbage per event. Safe because an event is consumed
     * before the next one is read (the connector calls its listeners on the reading thread) and only a rows event's
     * data refers to the array; everything else is copied out by its deserializer.
     */
    private byte[] bodyBuffer(int n) {
        if (n <= body.length) {
            return body;
        }
        if (n > RETAINED_BODY) {
            return new byte[n];
        }
        body = new byte[Math.min(RETAINED_BODY, Math.max(n, body.length * 2))];
        return body;
    }

    private EventData decode(BinlogEventHeader header, byte[] head, byte[] body, int length) throws IOException {
        if (header.typeCode() == BinlogEventTypes.FORMAT_DESCRIPTION) {
            FormatDescriptionEventData fde = (FormatDescriptionEventData) formatDescription.deserialize(
                    new ByteArrayInputStream(Arrays.copyOf(body, length)));
            checksumLength = fde.getChecksumType().getLength();
            if (checksumLength > 0) {
                byte[] cleared = head.clone();
                cleared[17] &= (byte) ~BinlogEventHeader.FLAG_BINLOG_IN_USE;
                verify(header, cleared, body, length - checksumLength);
            }
            return fde;
        }
        int bodyLength = length - checksumLength;
        if (bodyLength < 0) {
            throw new BinlogFormatException("event at " + header.startOffset() + " is shorter than its checksum");
        }
        if (checksumLength > 0) {
            verify(header, head, body, bodyLength);
        }
        return decodeBody(header, body, 0, bodyLength);
    }

    private void verify(BinlogEventHeader header, byte[] head, byte[] body, int bodyLength) {
        crc.reset();
        crc.update(head, 0, head.length);
        crc.update(body, 0, bodyLength);
        long expected = (body[bodyLength] & 0xFFL) | (body[bodyLength + 1] & 0xFFL) << 8
                | (body[bodyLength + 2] & 0xFFL) << 16 | (body[bodyLength + 3] & 0xFFL) << 24;
        if (crc.getValue() != expected) {
            throw new BinlogFormatException("CRC32 mismatch in event type " + header.typeCode() + " at offset "
                    + header.startOffset() + " (length " + header.getEventLength() + ")");
        }
    }

    /** An event unpacked from a TRANSACTION_PAYLOAD: no checksum of its own. */
    EventData decodeEmbedded(BinlogEventHeader header, byte[] buf, int from, int to) {
        try {
            return decodeBody(header, buf, from, to);
        } catch (IOException e) {
            throw new BinlogFormatException("embedded event type " + header.typeCode() + " at " + header.startOffset(), e);
        }
    }

    private EventData decodeBody(BinlogEventHeader header, byte[] buf, int from, int to) throws IOException {
        ByteReader r = new ByteReader(buf, from, to);
        int type = header.typeCode();
        switch (type) {
            case BinlogEventTypes.QUERY:
                return QueryDeserializer.deserialize(r, false, textCharset);
            case BinlogEventTypes.QUERY_COMPRESSED:
                return QueryDeserializer.deserialize(r, true, textCharset);
            case BinlogEventTypes.TABLE_MAP:
                return TableMapDeserializer.deserialize(r);
            case BinlogEventTypes.WRITE_ROWS_V1, BinlogEventTypes.UPDATE_ROWS_V1, BinlogEventTypes.DELETE_ROWS_V1,
                 BinlogEventTypes.WRITE_ROWS, BinlogEventTypes.UPDATE_ROWS, BinlogEventTypes.DELETE_ROWS,
                 BinlogEventTypes.PARTIAL_UPDATE_ROWS, BinlogEventTypes.WRITE_ROWS_COMPRESSED_V1,
                 BinlogEventTypes.UPDATE_ROWS_COMPRESSED_V1, BinlogEventTypes.DELETE_ROWS_COMPRESSED_V1,
                 BinlogEventTypes.WRITE_ROWS_COMPRESSED, BinlogEventTypes.UPDATE_ROWS_COMPRESSED,
                 BinlogEventTypes.DELETE_ROWS_COMPRESSED:
                return RowsEventDeserializer.deserialize(type, r);
            case BinlogEventTypes.ROWS_QUERY: {
                r.skip(1); // a length byte that overflows for statements over 255 bytes; the rest is the text
                RowsQueryEventData data = new RowsQueryEventData();
                data.setQuery(r.string(r.remaining(), textCharset));
                return data;
            }
            case BinlogEventTypes.ANNOTATE_ROWS: {
                AnnotateRowsEventData data = new AnnotateRowsEventData();
                data.setRowsQuery(r.string(r.remaining(), textCharset));
                return data;
            }
            case BinlogEventTypes.TRANSACTION_PAYLOAD:
                return TransactionPayloadDeserializer.deserialize(r, header, this);
            case BinlogEventTypes.GTID_TAGGED:
                return GtidDeserializers.tagged(r);
            case BinlogEventTypes.PREVIOUS_GTIDS:
                return GtidDeserializers.previous(r);
            case BinlogEventTypes.ROTATE:
                return library(rotate, buf, from, to);
            case BinlogEventTypes.XID:
                return library(xid, buf, from, to);
            case BinlogEventTypes.GTID, BinlogEventTypes.ANONYMOUS_GTID:
                return library(gtid, buf, from, to);
            case BinlogEventTypes.MARIADB_GTID:
                return library(mariadbGtid, buf, from, to);
            case BinlogEventTypes.MARIADB_GTID_LIST:
                return library(mariadbGtidList, buf, from, to);
            case BinlogEventTypes.BINLOG_CHECKPOINT:
                return library(checkpoint, buf, from, to);
            case BinlogEventTypes.XA_PREPARE:
                return library(xaPrepare, buf, from, to);
            case BinlogEventTypes.STOP, BinlogEventTypes.INTVAR, BinlogEventTypes.RAND, BinlogEventTypes.USER_VAR,
                 BinlogEventTypes.HEARTBEAT, BinlogEventTypes.HEARTBEAT_V2, BinlogEventTypes.IGNORABLE,
                 BinlogEventTypes.INCIDENT, BinlogEventTypes.TRANSACTION_CONTEXT, BinlogEventTypes.VIEW_CHANGE,
                 BinlogEventTypes.START_ENCRYPTION:
                return null;
            default:
                if (header.ignorable() || type == BinlogEventTypes.AURORA_PADDING) {
                    return null;
                }
                throw new BinlogFormatException("unknown binlog event type " + type + " at offset "
                        + header.startOffset() + " without the ignorable flag; this master writes events Sluice cannot read");
        }
    }

    private static EventData library(EventDataDeserializer<?> deserializer, byte[] buf, int from, int to) throws IOException {
        byte[] slice = Arrays.copyOfRange(buf, from, to); // the body array is reused for the next event
        return deserializer.deserialize(new ByteArrayInputStream(slice));
    }
}
