package io.sluice.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import io.sluice.protocol.packet.CanalPacket.Ack;
import io.sluice.protocol.packet.CanalPacket.Compression;
import io.sluice.protocol.packet.CanalPacket.Handshake;
import io.sluice.protocol.packet.CanalPacket.Packet;
import io.sluice.protocol.packet.CanalPacket.PacketType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One frame from the server, decoded only as far as needed: the {@code Packet} envelope is read by hand so that
 * the body stays where it is in the received array, and a MESSAGES body is split into entry slices that alias that
 * array (no copy of a batch that may be many megabytes).
 */
final class ServerPacket {

    private static final int VERSION = Packet.VERSION_FIELD_NUMBER;
    private static final int TYPE = Packet.TYPE_FIELD_NUMBER;
    private static final int COMPRESSION = Packet.COMPRESSION_FIELD_NUMBER;
    private static final int BODY = Packet.BODY_FIELD_NUMBER;

    private final PacketType type;
    private final int version;
    private final byte[] frame;
    private final int bodyOffset;
    private final int bodyLength;

    private ServerPacket(PacketType type, int version, byte[] frame, int bodyOffset, int bodyLength) {
        this.type = type;
        this.version = version;
        this.frame = frame;
        this.bodyOffset = bodyOffset;
        this.bodyLength = bodyLength;
    }

    static ServerPacket decode(byte[] frame) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(frame);
        PacketType type = PacketType.PACKAGETYPECOMPATIBLEPROTO2;
        int version = 0;
        int compression = 0;
        int bodyOffset = 0;
        int bodyLength = 0;
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case VERSION -> version = in.readInt32();
                case TYPE -> type = PacketType.forNumber(in.readEnum());
                case COMPRESSION -> compression = in.readEnum();
                case BODY -> {
                    bodyLength = in.readRawVarint32();
                    bodyOffset = in.getTotalBytesRead();
                    in.skipRawBytes(bodyLength);
                }
                default -> in.skipField(tag);
            }
        }
        if (type == null) {
            throw new InvalidProtocolBufferException("unknown packet type from the server");
        }
        if (compression != 0 && compression != Compression.NONE_VALUE) {
            throw new InvalidProtocolBufferException("compressed packets are not supported (compression "
                    + compression + ")");
        }
        return new ServerPacket(type, version, frame, bodyOffset, bodyLength);
    }

    PacketType type() {
        return type;
    }

    int version() {
        return version;
    }

    Ack ack() throws IOException {
        return Ack.parseFrom(CodedInputStream.newInstance(frame, bodyOffset, bodyLength));
    }

    Handshake handshake() throws IOException {
        return Handshake.parseFrom(CodedInputStream.newInstance(frame, bodyOffset, bodyLength));
    }

    /** batch id and entry slices of a MESSAGES body. */
    record Batch(long id, List<ByteString> entries) {
    }

    Batch messages() throws IOException {
        // aliasing needs a stream over bytes protobuf may treat as immutable: over a plain array it copies every
        // entry (the whole batch again). The frame is this packet's own and never written after it was read.
        CodedInputStream in = UnsafeByteOperations.unsafeWrap(frame, bodyOffset, bodyLength).newCodedInput();
        in.enableAliasing(true);
        long id = 0;
        // entries are rarely under 100 bytes; sizing up front spares regrowing a list of thousands, but row entries
        // of ~20 KB would make that guess a list 100 times too long (half a MB per 16 MB batch): capped at the
        // bench's batch of 1000 entries, beyond which the list grows as it must
        List<ByteString> entries = new ArrayList<>(Math.min(1024, Math.max(16, bodyLength >>> 7)));
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> id = in.readInt64();
                case 2 -> entries.add(in.readBytes());
                default -> in.skipField(tag);
            }
        }
        return new Batch(id, entries);
    }
}
