package io.sluice.protocol.frame;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.sluice.protocol.packet.CanalPacket.Packet;
import java.util.List;

/**
 * Parses one frame body as a canal {@link Packet}. A body that is not a Packet closes the channel, as canal's
 * server does: the peer is not speaking the protocol, and the next frame cannot be trusted either.
 */
public final class CanalPacketDecoder extends MessageToMessageDecoder<ByteBuf> {

    public CanalPacketDecoder() {
        super(ByteBuf.class);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf body, List<Object> out) throws Exception {
        int length = body.readableBytes();
        try {
            byte[] array = ByteBufUtil.getBytes(body, body.readerIndex(), length, false);
            out.add(Packet.parseFrom(array));
        } catch (InvalidProtocolBufferException e) {
            ctx.close();
            throw new CorruptedFrameException("frame of " + length + " bytes is not a canal packet: " + e.getMessage());
        }
    }
}
