package io.sluice.server.net;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.packet.CanalPacket.Ack;
import io.sluice.protocol.packet.CanalPacket.Handshake;
import io.sluice.protocol.packet.CanalPacket.Messages;
import io.sluice.protocol.packet.CanalPacket.Packet;
import io.sluice.protocol.packet.CanalPacket.PacketType;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.instance.Batch;
import java.util.List;

/**
 * Server-to-client packet bodies (the frame's length header is added by the pipeline's prepender). Every packet
 * carries {@code version=1} as canal's server sets it on HANDSHAKE, ACK and MESSAGES; the official client checks
 * it only on the handshake.
 */
final class Replies {

    static final int VERSION = 1;

    /** {@code Packet{version=1, type=ACK}}: an empty ACK has no body (canal writes none). */
    private static final byte[] ACK_OK = Packet.newBuilder().setVersion(VERSION).setType(PacketType.ACK).build()
            .toByteArray();

    private static final int BATCH_ID_FIELD = Messages.BATCH_ID_FIELD_NUMBER;
    private static final int MESSAGES_FIELD = Messages.MESSAGES_FIELD_NUMBER;
    private static final int VERSION_FIELD = Packet.VERSION_FIELD_NUMBER;
    private static final int TYPE_FIELD = Packet.TYPE_FIELD_NUMBER;
    private static final int BODY_FIELD = Packet.BODY_FIELD_NUMBER;

    private Replies() {
    }

    static ByteBuf handshake(byte[] seed) {
        Handshake body = Handshake.newBuilder().setSeeds(ByteString.copyFrom(seed)).build();
        return wrap(Packet.newBuilder().setVersion(VERSION).setType(PacketType.HANDSHAKE)
                .setBody(body.toByteString()).build());
    }

    static ByteBuf ok() {
        return Unpooled.wrappedBuffer(ACK_OK).asReadOnly();
    }

    static ByteBuf error(int code, String message) {
        Ack ack = Ack.newBuilder().setErrorCode(code).setErrorMessage(message).build();
        return wrap(Packet.newBuilder().setVersion(VERSION).setType(PacketType.ACK).setBody(ack.toByteString())
                .build());
    }

    /**
     * {@code Packet{version=1, type=MESSAGES, body=Messages{batch_id, messages...}}} written by hand around the
     * stored entries' bytes: the protobuf framing (tags and lengths) goes into one small buffer, and each entry
     * array is wrapped as it is, so a batch of any size is neither re-encoded nor copied here.
     */
    static ByteBuf messages(ByteBufAllocator alloc, Batch batch) {
        List<StoredEntry> entries = batch.entries();
        int count = entries.size();
        long bodySize = batch.id() == 0 ? 0 : CodedOutputStream.computeInt64Size(BATCH_ID_FIELD, batch.id());
        int entryTagSize = CodedOutputStream.computeTagSize(MESSAGES_FIELD);
        for (StoredEntry entry : entries) {
            int length = entry.bytes().length;
            bodySize += entryTagSize + CodedOutputStream.computeUInt32SizeNoTag(length) + length;
        }
        if (bodySize > Integer.MAX_VALUE - 64) {
            // the frame header is a signed 32-bit length; the store cuts batches by bytes well below this
            throw new IllegalStateException("batch " + batch.id() + " of " + count + " entries is " + bodySize
                    + " bytes, more than one canal frame can carry");
        }
        int prefixSize = CodedOutputStream.computeInt32Size(VERSION_FIELD, VERSION)
                + CodedOutputStream.computeEnumSize(TYPE_FIELD, PacketType.MESSAGES_VALUE)
                + CodedOutputStream.computeTagSize(BODY_FIELD)
                + CodedOutputStream.computeUInt32SizeNoTag((int) bodySize)
                + (batch.id() == 0 ? 0 : CodedOutputStream.computeInt64Size(BATCH_ID_FIELD, batch.id()));
        int framingSize = prefixSize + count * (entryTagSize + 5);

        ByteBuf framing = alloc.heapBuffer(framingSize);
        CompositeByteBuf out = alloc.compositeBuffer(1 + 2 * count);
        try {
            writeVarintField(framing, VERSION_FIELD, VERSION);
            writeVarintField(framing, TYPE_FIELD, PacketType.MESSAGES_VALUE);
            writeTag(framing, BODY_FIELD, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            writeVarint(framing, bodySize);
            if (batch.id() != 0) {
                writeVarintField(framing, BATCH_ID_FIELD, batch.id());
            }
            int sliceStart = 0;
            for (StoredEntry entry : entries) {
                byte[] bytes = entry.bytes();
                writeTag(framing, MESSAGES_FIELD, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                writeVarint(framing, bytes.length);
                out.addComponent(true, framing.retainedSlice(sliceStart, framing.writerIndex() - sliceStart));
                out.addComponent(true, Unpooled.wrappedBuffer(bytes));
                sliceStart = framing.writerIndex();
            }
            if (framing.writerIndex() > sliceStart) {
                out.addComponent(true, framing.retainedSlice(sliceStart, framing.writerIndex() - sliceStart));
            }
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        } finally {
            framing.release();
        }
    }

    private static ByteBuf wrap(Packet packet) {
        return Unpooled.wrappedBuffer(packet.toByteArray());
    }

    private static void writeVarintField(ByteBuf out, int field, long value) {
        writeTag(out, field, WireFormat.WIRETYPE_VARINT);
        writeVarint(out, value);
    }

    private static void writeTag(ByteBuf out, int field, int wireType) {
        writeVarint(out, (long) field << 3 | wireType);
    }

    /** Protobuf base-128 varint; negative int64 values take ten bytes, as protobuf writes them. */
    private static void writeVarint(ByteBuf out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.writeByte((int) value);
    }
}
