package io.sluice.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.sluice.protocol.packet.CanalPacket.Messages;
import io.sluice.protocol.packet.CanalPacket.Packet;
import io.sluice.protocol.packet.CanalPacket.PacketType;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.instance.Batch;
import io.sluice.server.net.testing.SampleEntries;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reply bytes against the frames measured with canal (CANAL-PROTOCOL.md §1.4). */
class RepliesTest {

    private static String hex(ByteBuf buf) {
        try {
            return ByteBufUtil.hexDump(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void handshakeIsByteIdenticalToCanals() {
        assertThat(hex(Replies.handshake(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})))
                .isEqualTo("100118012a0a120801020304050607 08".replace(" ", ""));
    }

    @Test
    void okAckIsByteIdenticalToCanals() {
        assertThat(hex(Replies.ok())).isEqualTo("10011803");
    }

    @Test
    void errorAckIsByteIdenticalToCanals() {
        assertThat(hex(Replies.error(400, "x"))).isEqualTo("100118032a0608900312 0178".replace(" ", ""));
    }

    @Test
    void emptyMessagesIsByteIdenticalToCanals() {
        assertThat(hex(Replies.messages(UnpooledByteBufAllocator.DEFAULT, Batch.EMPTY)))
                .isEqualTo("100118072a0b08ffffffffffffffffff01");
    }

    @Test
    void messagesWrapTheStoredBytesAndEqualWhatProtobufWouldEncode() {
        List<StoredEntry> entries = SampleEntries.transactions(40, 3);
        Batch batch = new Batch(300, entries);
        ByteBuf reply = Replies.messages(UnpooledByteBufAllocator.DEFAULT, batch);
        try {
            assertThat(reply).isInstanceOf(CompositeByteBuf.class);
            Messages.Builder expectedBody = Messages.newBuilder().setBatchId(300);
            entries.forEach(e -> expectedBody.addMessages(ByteString.copyFrom(e.bytes())));
            byte[] expected = Packet.newBuilder().setVersion(1).setType(PacketType.MESSAGES)
                    .setBody(expectedBody.build().toByteString()).build().toByteArray();
            assertThat(HexFormat.of().formatHex(ByteBufUtil.getBytes(reply)))
                    .isEqualTo(HexFormat.of().formatHex(expected));
            // the entry arrays are components, not copies: two components per entry plus the tail
            assertThat(((CompositeByteBuf) reply).numComponents()).isEqualTo(2 * entries.size());
            assertThat(((CompositeByteBuf) reply).component(1).array()).isSameAs(entries.get(0).bytes());
        } finally {
            reply.release();
        }
    }

    @Test
    void timeUnitOrdinalsFollowJavaAndUnknownMeansMilliseconds() {
        assertThat(SessionHandler.timeUnit(0)).isEqualTo(java.util.concurrent.TimeUnit.NANOSECONDS);
        assertThat(SessionHandler.timeUnit(3)).isEqualTo(java.util.concurrent.TimeUnit.SECONDS);
        assertThat(SessionHandler.timeUnit(6)).isEqualTo(java.util.concurrent.TimeUnit.DAYS);
        assertThat(SessionHandler.timeUnit(7)).isEqualTo(java.util.concurrent.TimeUnit.MILLISECONDS);
        assertThat(SessionHandler.timeUnit(-1)).isEqualTo(java.util.concurrent.TimeUnit.MILLISECONDS);
    }
}
