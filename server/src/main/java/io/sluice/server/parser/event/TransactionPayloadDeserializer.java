package io.sluice.server.parser.event;

import com.github.luben.zstd.Zstd;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.TransactionPayloadEventData;
import java.util.ArrayList;
import java.util.List;

/**
 * MySQL 8 TRANSACTION_PAYLOAD_EVENT (40, {@code binlog_transaction_compression=ON}): a header of (type, length,
 * value) fields, then one transaction's events compressed with zstd. The embedded events have no checksums and
 * are decoded by the same per-type code as top-level events. The connector's own deserializer decodes them with
 * a fresh default deserializer, i.e. with its row decoding.
 */
final class TransactionPayloadDeserializer {

    private static final int END_MARK = 0;
    private static final int PAYLOAD_SIZE = 1;
    private static final int COMPRESSION_TYPE = 2;
    private static final int UNCOMPRESSED_SIZE = 3;
    private static final int ZSTD = 0;
    private static final int NONE = 255;

    private TransactionPayloadDeserializer() {
    }

    static TransactionPayloadEventData deserialize(ByteReader r, BinlogEventHeader outer, BinlogEventDeserializer events) {
        int payloadSize = -1;
        int compression = ZSTD;
        int uncompressedSize = -1;
        while (r.hasRemaining()) {
            int field = r.packedInt();
            if (field == END_MARK) {
                break;
            }
            int length = r.packedInt();
            int end = r.position() + length;
            switch (field) {
                case PAYLOAD_SIZE -> payloadSize = r.packedInt();
                case COMPRESSION_TYPE -> compression = r.packedInt();
                case UNCOMPRESSED_SIZE -> uncompressedSize = r.packedInt();
                default -> { }
            }
            r.skip(end - r.position());
        }
        if (payloadSize < 0) {
            payloadSize = r.remaining();
        }
        byte[] payload = r.bytes(payloadSize);
        byte[] plain;
        if (compression == NONE) {
            plain = payload;
        } else if (compression == ZSTD) {
            long size = uncompressedSize >= 0 ? uncompressedSize : Zstd.decompressedSize(payload);
            plain = new byte[(int) size];
            long got = Zstd.decompressByteArray(plain, 0, plain.length, payload, 0, payload.length);
            if (Zstd.isError(got) || got != plain.length) {
                throw new BinlogFormatException("TRANSACTION_PAYLOAD at " + outer.startOffset() + ": zstd "
                        + (Zstd.isError(got) ? Zstd.getErrorName(got) : "inflated " + got + " of " + plain.length));
            }
        } else {
            throw new BinlogFormatException("TRANSACTION_PAYLOAD at " + outer.startOffset()
                    + ": unknown compression type " + compression);
        }
        List<Event> inner = new ArrayList<>();
        int pos = 0;
        while (pos + BinlogEventHeader.LENGTH <= plain.length) {
            byte[] head = java.util.Arrays.copyOfRange(plain, pos, pos + BinlogEventHeader.LENGTH);
            BinlogEventHeader own = new BinlogEventHeader(head);
            int length = (int) own.getEventLength();
            if (length < BinlogEventHeader.LENGTH || pos + length > plain.length) {
                throw new BinlogFormatException("TRANSACTION_PAYLOAD at " + outer.startOffset()
                        + ": embedded event of length " + length + " at " + pos + " overruns " + plain.length);
            }
            BinlogEventHeader header = new BinlogEventHeader(own, outer);
            inner.add(new Event(header, events.decodeEmbedded(header, plain, pos + BinlogEventHeader.LENGTH, pos + length)));
            pos += length;
        }
        TransactionPayloadEventData data = new TransactionPayloadEventData();
        data.setPayloadSize(payloadSize);
        data.setCompressionType(compression);
        data.setUncompressedSize(plain.length);
        data.setUncompressedEvents(new ArrayList<>(inner));
        return data;
    }
}
