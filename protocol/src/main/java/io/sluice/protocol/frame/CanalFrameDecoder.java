package io.sluice.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Splits canal's stream into frames: a 4-byte big-endian body length, then the body (one {@code Packet}).
 *
 * <p>canal itself enforces no maximum (it allocates whatever length arrives); requests are a few hundred bytes,
 * so a cap turns a garbage or hostile length into an error instead of an allocation. Any framing error closes
 * the channel: after a bad length there is no way to find the next frame boundary again.
 */
public final class CanalFrameDecoder extends LengthFieldBasedFrameDecoder {

    /** Header size in bytes. */
    public static final int HEADER_LENGTH = 4;

    private final int maxFrameLength;

    public CanalFrameDecoder(int maxFrameLength) {
        // failFast: reject as soon as the length is read, before buffering the announced body.
        super(maxFrameLength + HEADER_LENGTH, 0, HEADER_LENGTH, 0, HEADER_LENGTH, true);
        this.maxFrameLength = maxFrameLength;
    }

    public int maxFrameLength() {
        return maxFrameLength;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        try {
            return super.decode(ctx, in);
        } catch (Exception e) {
            in.skipBytes(in.readableBytes());
            ctx.close();
            throw e;
        }
    }

    /** canal writes the length as a signed Java int; a negative one is garbage, not a 4 GiB frame. */
    @Override
    protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int length, java.nio.ByteOrder order) {
        int value = buf.getInt(offset);
        if (value < 0) {
            throw new CorruptedFrameException("negative frame length " + value);
        }
        return value;
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, java.util.List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (in.isReadable()) {
            int have = in.readableBytes();
            String detail = have < HEADER_LENGTH
                    ? "only " + have + " of " + HEADER_LENGTH + " header bytes"
                    : "body of " + (in.getInt(in.readerIndex())) + " bytes announced, "
                            + (have - HEADER_LENGTH) + " received";
            in.skipBytes(have);
            throw new CorruptedFrameException("connection closed inside a frame: " + detail);
        }
    }
}
