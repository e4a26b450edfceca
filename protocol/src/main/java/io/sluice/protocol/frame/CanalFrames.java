package io.sluice.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldPrepender;
import io.sluice.protocol.packet.CanalPacket.Packet;

/** Builds the framing part of a canal pipeline, for the server and for Sluice's Netty-based tools alike. */
public final class CanalFrames {

    /** Requests of the official client are well below 1 KiB; 1 MiB leaves room for long filters. */
    public static final int DEFAULT_MAX_REQUEST_FRAME = 1 << 20;

    private CanalFrames() {
    }

    /**
     * Adds frame decoder, {@link Packet} decoder and length prepender. Outbound {@link ByteBuf}s written after
     * this get their 4-byte header from the prepender.
     */
    public static void addCodec(ChannelPipeline pipeline, int maxFrameLength) {
        pipeline.addLast("frameDecoder", new CanalFrameDecoder(maxFrameLength));
        pipeline.addLast("packetDecoder", new CanalPacketDecoder());
        pipeline.addLast("framePrepender", new LengthFieldPrepender(CanalFrameDecoder.HEADER_LENGTH));
    }

    /** One whole frame (header and body) in one buffer. */
    public static ByteBuf frame(ByteBufAllocator alloc, byte[] body) {
        ByteBuf buf = alloc.buffer(CanalFrameDecoder.HEADER_LENGTH + body.length);
        buf.writeInt(body.length);
        buf.writeBytes(body);
        return buf;
    }
}
