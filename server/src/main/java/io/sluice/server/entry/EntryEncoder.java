package io.sluice.server.entry;

import com.google.protobuf.CodedOutputStream;
import io.sluice.protocol.entry.CanalEntry;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Serializes a {@link ParsedEntry} into canal {@code Entry} bytes in one pass (an entry the parser already encoded
 * is returned as it is): the header and the payload are
 * written straight into one array, with no intermediate {@code storeValue} copy and no Entry builder; a
 * {@code RowChange} payload is written by {@link RowChangeWriter} with its memoized sizes.
 * The result is byte-identical to building {@code Entry{header, entryType, storeValue=payload.toByteString()}}.
 */
public final class EntryEncoder {

    private static final int HEADER_FIELD = CanalEntry.Entry.HEADER_FIELD_NUMBER;
    private static final int ENTRY_TYPE_FIELD = CanalEntry.Entry.ENTRYTYPE_FIELD_NUMBER;
    private static final int STORE_VALUE_FIELD = CanalEntry.Entry.STOREVALUE_FIELD_NUMBER;

    private EntryEncoder() {
    }

    public static StoredEntry encode(ParsedEntry entry) {
        return new StoredEntry(toBytes(entry), entry.position(), entry.resume(), entry.kind(),
                entry.schema(), entry.table());
    }

    /** The entry's bytes: those the parser encoded when nothing replaced them, else written here. */
    public static byte[] toBytes(ParsedEntry entry) {
        byte[] encoded = entry.encodedEntry();
        if (encoded != null) {
            return encoded;
        }
        int headerSize = entry.header().getSerializedSize();
        int payloadSize = entry.payload().getSerializedSize();
        CanalEntry.RowChange rows = entry.payload() instanceof CanalEntry.RowChange rc && RowChangeWriter.handles(rc)
                ? rc : null;
        int size = CodedOutputStream.computeTagSize(HEADER_FIELD) + CodedOutputStream.computeUInt32SizeNoTag(headerSize)
                + headerSize
                + CodedOutputStream.computeEnumSize(ENTRY_TYPE_FIELD, entry.entryType().getNumber())
                + CodedOutputStream.computeTagSize(STORE_VALUE_FIELD) + CodedOutputStream.computeUInt32SizeNoTag(payloadSize)
                + payloadSize;
        byte[] out = new byte[size];
        CodedOutputStream cos = CodedOutputStream.newInstance(out);
        try {
            cos.writeMessage(HEADER_FIELD, entry.header());
            cos.writeEnum(ENTRY_TYPE_FIELD, entry.entryType().getNumber());
            cos.writeTag(STORE_VALUE_FIELD, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
            cos.writeUInt32NoTag(payloadSize);
            if (rows != null) {
                RowChangeWriter.write(rows, cos);
            } else {
                entry.payload().writeTo(cos);
            }
            cos.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("entry serialization into a sized array failed", e);
        }
        return out;
    }

    /**
     * Like {@link #toBytes(CanalEntry.Header, CanalEntry.EntryType, byte[], int)} for a payload written at
     * {@code buf[payloadStart, payloadEnd)} after room left for the entry's prefix (header, entryType, storeValue's
     * tag and length): the prefix is written into that room and the entry is copied out in one
     * {@code Arrays.copyOfRange}, which the JIT does without first zeroing the new array. Falls back to writing a
     * new array when the prefix does not fit the room.
     *
     * @return the entry bytes; the payload sits in their last {@code payloadEnd - payloadStart} bytes
     */
    public static byte[] toBytesInPlace(CanalEntry.Header header, CanalEntry.EntryType entryType, byte[] buf,
                                        int payloadStart, int payloadEnd) {
        int payloadLength = payloadEnd - payloadStart;
        int headerSize = header.getSerializedSize();
        int prefix = CodedOutputStream.computeTagSize(HEADER_FIELD) + CodedOutputStream.computeUInt32SizeNoTag(headerSize)
                + headerSize
                + CodedOutputStream.computeEnumSize(ENTRY_TYPE_FIELD, entryType.getNumber())
                + CodedOutputStream.computeTagSize(STORE_VALUE_FIELD) + CodedOutputStream.computeUInt32SizeNoTag(payloadLength);
        if (prefix > payloadStart) {
            byte[] payload = java.util.Arrays.copyOfRange(buf, payloadStart, payloadEnd);
            return toBytes(header, entryType, payload, payloadLength);
        }
        int start = payloadStart - prefix;
        CodedOutputStream cos = CodedOutputStream.newInstance(buf, start, prefix);
        try {
            cos.writeMessage(HEADER_FIELD, header);
            cos.writeEnum(ENTRY_TYPE_FIELD, entryType.getNumber());
            cos.writeTag(STORE_VALUE_FIELD, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
            cos.writeUInt32NoTag(payloadLength);
            cos.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("entry prefix serialization into its room failed", e);
        }
        return java.util.Arrays.copyOfRange(buf, start, payloadEnd);
    }

    /**
     * Writes {@code Entry{header, entryType, storeValue = payload[0, payloadLength)}} for a payload the parser
     * wrote straight into wire form; {@link ParsedEntry#encoded} takes the result.
     *
     * @return the entry bytes; the payload sits in their last {@code payloadLength} bytes
     */
    public static byte[] toBytes(CanalEntry.Header header, CanalEntry.EntryType entryType, byte[] payload,
                                 int payloadLength) {
        int headerSize = header.getSerializedSize();
        int size = CodedOutputStream.computeTagSize(HEADER_FIELD) + CodedOutputStream.computeUInt32SizeNoTag(headerSize)
                + headerSize
                + CodedOutputStream.computeEnumSize(ENTRY_TYPE_FIELD, entryType.getNumber())
                + CodedOutputStream.computeTagSize(STORE_VALUE_FIELD) + CodedOutputStream.computeUInt32SizeNoTag(payloadLength)
                + payloadLength;
        byte[] out = new byte[size];
        CodedOutputStream cos = CodedOutputStream.newInstance(out);
        try {
            cos.writeMessage(HEADER_FIELD, header);
            cos.writeEnum(ENTRY_TYPE_FIELD, entryType.getNumber());
            cos.writeTag(STORE_VALUE_FIELD, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
            cos.writeUInt32NoTag(payloadLength);
            cos.writeRawBytes(payload, 0, payloadLength);
            cos.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("entry serialization into a sized array failed", e);
        }
        return out;
    }
}
