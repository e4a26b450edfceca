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
    void messagesAreWhatProtobufWouldEncodeInOneDirectBuffer() {
        List<StoredEntry> entries = SampleEntries.transactions(40, 3);
        ByteBuf reply = Replies.messages(UnpooledByteBufAllocator.DEFAULT, new Batch(300, entries));
        try {
            // direct: the transport writes it as it is, without merging heap components into a copy first
            assertThat(reply.isDirect()).isTrue();
            assertThat(reply).isNotInstanceOf(CompositeByteBuf.class);
            assertThat(ByteBufUtil.hexDump(reply)).isEqualTo(expected(300, entries));
        } finally {
            reply.release();
        }
    }

    @Test
    void aLargeBatchGoesOutInDirectPiecesOf64KiB() {
        List<StoredEntry> entries = SampleEntries.wide(100, 20);
        long total = entries.stream().mapToLong(StoredEntry::size).sum();
        assertThat(total).as("sample batch size").isGreaterThan(256L << 10);
        ByteBuf reply = Replies.messages(UnpooledByteBufAllocator.DEFAULT, new Batch(7, entries));
        try {
            assertThat(reply).isInstanceOf(CompositeByteBuf.class);
            CompositeByteBuf pieces = (CompositeByteBuf) reply;
            assertThat(pieces.numComponents()).isEqualTo((int) ((reply.readableBytes() + (64 << 10) - 1) >> 16));
            for (int i = 0; i < pieces.numComponents(); i++) {
                assertThat(pieces.component(i).isDirect()).isTrue();
                assertThat(pieces.component(i).readableBytes()).isLessThanOrEqualTo(64 << 10);
            }
            assertThat(ByteBufUtil.hexDump(reply)).isEqualTo(expected(7, entries));
        } finally {
            reply.release();
        }
    }

    private static String expected(long batchId, List<StoredEntry> entries) {
        Messages.Builder body = Messages.newBuilder().setBatchId(batchId);
        entries.forEach(e -> body.addMessages(ByteString.copyFrom(e.bytes())));
        return HexFormat.of().formatHex(Packet.newBuilder().setVersion(1).setType(PacketType.MESSAGES)
                .setBody(body.build().toByteString()).build().toByteArray());
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
