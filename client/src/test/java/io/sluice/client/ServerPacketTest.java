package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.sluice.protocol.packet.CanalPacket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ServerPacketTest {

    @Test
    void theEntriesOfAMessagesReplyAreViewsOfTheFrameNotCopies() throws Exception {
        CanalPacket.Messages body = CanalPacket.Messages.newBuilder().setBatchId(7)
                .addMessages(ByteString.copyFromUtf8("first entry")).addMessages(ByteString.copyFromUtf8("second"))
                .build();
        byte[] frame = CanalPacket.Packet.newBuilder().setVersion(1).setType(CanalPacket.PacketType.MESSAGES)
                .setBody(body.toByteString()).build().toByteArray();

        ServerPacket.Batch batch = ServerPacket.decode(frame).messages();

        assertThat(batch.id()).isEqualTo(7);
        assertThat(batch.entries()).extracting(ByteString::toStringUtf8).containsExactly("first entry", "second");
        // a copy would not see a later change of the frame (the client never makes one; the test does, to look)
        int at = indexOf(frame, "second".getBytes());
        frame[at] = 'S';
        assertThat(batch.entries().get(1).toStringUtf8()).isEqualTo("Second");
    }

    private static int indexOf(byte[] in, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= in.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (in[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
