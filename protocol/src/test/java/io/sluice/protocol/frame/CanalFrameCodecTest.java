package io.sluice.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.sluice.protocol.packet.CanalPacket;
import io.sluice.protocol.packet.CanalPacket.Packet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanalFrameCodecTest {

    private static final int MAX = 1024;

    private static EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        CanalFrames.addCodec(ch.pipeline(), MAX);
        return ch;
    }

    private static Packet packet(int n) {
        return Packet.newBuilder().setType(CanalPacket.PacketType.GET)
                .setBody(CanalPacket.Get.newBuilder().setDestination("example").setClientId("1001")
                        .setFetchSize(n).setTimeout(-1).setUnit(2).build().toByteString())
                .build();
    }

    private static byte[] frames(Packet... packets) {
        ByteBuf buf = Unpooled.buffer();
        for (Packet p : packets) {
            byte[] body = p.toByteArray();
            buf.writeInt(body.length).writeBytes(body);
        }
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }

    @Test
    void validStreamSplitAtEveryByteBoundaryDecodesTheSamePackets() {
        Packet[] sent = {packet(1), packet(200), Packet.newBuilder().setType(CanalPacket.PacketType.CLIENTACK).build(),
                packet(3)};
        byte[] bytes = frames(sent);
        for (int split = 0; split <= bytes.length; split++) {
            EmbeddedChannel ch = channel();
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, 0, split));
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, split, bytes.length - split));
            List<Object> got = new ArrayList<>();
            for (Object o; (o = ch.readInbound()) != null; ) {
                got.add(o);
            }
            assertThat(got).as("split at %d", split).containsExactly((Object[]) sent);
            assertThat(ch.isOpen()).isTrue();
            assertThat(ch.finish()).isFalse();
        }
    }

    @Test
    void byteByByteDeliveryDecodesEveryPacket() {
        byte[] bytes = frames(packet(7), packet(8));
        EmbeddedChannel ch = channel();
        for (byte b : bytes) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertThat((Packet) ch.readInbound()).isEqualTo(packet(7));
        assertThat((Packet) ch.readInbound()).isEqualTo(packet(8));
        assertThat((Object) ch.readInbound()).isNull();
    }

    @Test
    void negativeLengthIsRejectedAndTheChannelClosed() {
        EmbeddedChannel ch = channel();
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 1, 2})))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining("negative");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void lengthOverTheMaximumIsRejectedBeforeTheBodyArrives() {
        EmbeddedChannel ch = channel();
        ByteBuf header = Unpooled.buffer().writeInt(MAX + 1);
        assertThatThrownBy(() -> ch.writeInbound(header))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessageContaining(String.valueOf(MAX + 1 + CanalFrameDecoder.HEADER_LENGTH));
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void absurdLengthIsRejected() {
        EmbeddedChannel ch = channel();
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.buffer().writeInt(Integer.MAX_VALUE)))
                .isInstanceOf(TooLongFrameException.class);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void connectionClosedInsideABodyIsReportedAsTruncated() {
        EmbeddedChannel ch = channel();
        byte[] bytes = frames(packet(5));
        ch.writeInbound(Unpooled.wrappedBuffer(bytes, 0, bytes.length - 3));
        assertThat((Object) ch.readInbound()).isNull();
        assertThatThrownBy(ch::finish)
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining("closed inside a frame")
                .hasMessageContaining((bytes.length - 4 - 3) + " received");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void connectionClosedInsideAHeaderIsReportedAsTruncated() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0}));
        assertThatThrownBy(ch::finish)
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining("only 2 of 4 header bytes");
    }

    @Test
    void garbageBodyIsRejectedAndTheChannelClosed() {
        EmbeddedChannel ch = channel();
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0x7a};
        ByteBuf frame = Unpooled.buffer().writeInt(garbage.length).writeBytes(garbage);
        assertThatThrownBy(() -> ch.writeInbound(frame))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining("is not a canal packet");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void outboundBodiesGetTheirLengthHeader() {
        EmbeddedChannel ch = channel();
        byte[] body = packet(9).toByteArray();
        ch.writeOutbound(Unpooled.wrappedBuffer(body));
        ByteBuf out = Unpooled.buffer();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            out.writeBytes(b);
            b.release();
        }
        assertThat(out.readInt()).isEqualTo(body.length);
        byte[] rest = new byte[out.readableBytes()];
        out.readBytes(rest);
        assertThat(ByteString.copyFrom(rest)).isEqualTo(ByteString.copyFrom(body));
    }
}
