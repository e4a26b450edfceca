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
     * stored entries' bytes, straight into direct buffers: the entries are not re-encoded, and they are copied once,
     * into the memory the socket writes from (a heap array must be copied there anyway; handing the transport heap
     * buffers makes it merge them into a heap copy first, one more copy and as much garbage as the batch).
     * A batch is written into pooled pieces of 64 KiB, sent with one gathering write.
     */
    static ByteBuf messages(ByteBufAllocator alloc, Batch batch) {
        List<StoredEntry> entries = batch.entries();
        long bodySize = batch.id() == 0 ? 0 : CodedOutputStream.computeInt64Size(BATCH_ID_FIELD, batch.id());
        int entryTagSize = CodedOutputStream.computeTagSize(MESSAGES_FIELD);
        for (StoredEntry entry : entries) {
            int length = entry.bytes().length;
            bodySize += entryTagSize + CodedOutputStream.computeUInt32SizeNoTag(length) + length;
        }
        if (bodySize > Integer.MAX_VALUE - 64) {
            // the frame header is a signed 32-bit length; the store cuts batches by bytes well below this
            throw new IllegalStateException("batch " + batch.id() + " of " + entries.size() + " entries is " + bodySize
                    + " bytes, more than one canal frame can carry");
        }
        byte[] framing = new byte[32];
        int n = varintField(framing, 0, VERSION_FIELD, VERSION);
        n = varintField(framing, n, TYPE_FIELD, PacketType.MESSAGES_VALUE);
        n = varint(framing, n, (long) BODY_FIELD << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED);
        n = varint(framing, n, bodySize);
        DirectPieces out = new DirectPieces(alloc, n + bodySize); // the body starts with the batch id
        if (batch.id() != 0) {
            n = varintField(framing, n, BATCH_ID_FIELD, batch.id());
        }
        try {
            out.write(framing, 0, n);
            for (StoredEntry entry : entries) {
                byte[] bytes = entry.bytes();
                n = varint(framing, 0, (long) MESSAGES_FIELD << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED);
                n = varint(framing, n, bytes.length);
                out.write(framing, 0, n);
                out.write(bytes, 0, bytes.length);
            }
            return out.finish();
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /** Exactly {@code total} bytes in direct buffers of at most {@link #PIECE} bytes (or total / 512). */
    private static final class DirectPieces {
        private static final int PIECE = 64 << 10;
        private static final int MAX_PIECES = 512; // well under IOV_MAX, so the transport never merges them

        private final ByteBufAllocator alloc;
        private final int pieceSize;
        private final List<ByteBuf> pieces = new java.util.ArrayList<>(1);
        private long unallocated;
        private ByteBuf current;

        DirectPieces(ByteBufAllocator alloc, long total) {
            this.alloc = alloc;
            this.pieceSize = (int) Math.max(PIECE, (total + MAX_PIECES - 1) / MAX_PIECES);
            this.unallocated = total;
        }

        void write(byte[] src, int off, int len) {
            while (len > 0) {
                if (current == null || !current.isWritable()) {
                    if (unallocated <= 0) {
                        throw new IllegalStateException("GET reply larger than computed");
                    }
                    int size = (int) Math.min(pieceSize, unallocated);
                    current = alloc.directBuffer(size, size);
                    pieces.add(current);
                    unallocated -= size;
                }
                int chunk = Math.min(len, current.writableBytes());
                current.writeBytes(src, off, chunk);
                off += chunk;
                len -= chunk;
            }
        }

        ByteBuf finish() {
            if (unallocated != 0 || current.isWritable()) {
                throw new IllegalStateException("GET reply smaller than computed");
            }
            if (pieces.size() == 1) {
                return pieces.get(0);
            }
            CompositeByteBuf out = alloc.compositeDirectBuffer(pieces.size());
            out.addComponents(true, pieces);
            return out;
        }

        void release() {
            for (ByteBuf b : pieces) {
                b.release();
            }
        }
    }

    private static ByteBuf wrap(Packet packet) {
        return Unpooled.wrappedBuffer(packet.toByteArray());
    }

    private static int varintField(byte[] out, int at, int field, long value) {
        return varint(out, varint(out, at, (long) field << 3 | WireFormat.WIRETYPE_VARINT), value);
    }

    /** Protobuf base-128 varint at {@code at}; negative int64 values take ten bytes, as protobuf writes them. */
    private static int varint(byte[] out, int at, long value) {
        while ((value & ~0x7FL) != 0) {
            out[at++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out[at++] = (byte) value;
        return at;
    }
}
