package io.sluice.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sluice.protocol.packet.CanalPacket.Ack;
import io.sluice.protocol.packet.CanalPacket.ClientAck;
import io.sluice.protocol.packet.CanalPacket.ClientAuth;
import io.sluice.protocol.packet.CanalPacket.ClientRollback;
import io.sluice.protocol.packet.CanalPacket.Get;
import io.sluice.protocol.packet.CanalPacket.Messages;
import io.sluice.protocol.packet.CanalPacket.Packet;
import io.sluice.protocol.packet.CanalPacket.PacketType;
import io.sluice.protocol.packet.CanalPacket.Sub;
import io.sluice.server.instance.Destination;
import io.sluice.server.net.testing.ListDestination;
import io.sluice.server.net.testing.SampleEntries;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The whole connection pipeline on an {@link EmbeddedChannel}: no sockets, every byte boundary. */
class CanalPipelineTest {

    private static final String DEST = "example";

    private static byte[] frame(PacketType type, MessageLite body) {
        byte[] packet = Packet.newBuilder().setType(type).setBody(body.toByteString()).build().toByteArray();
        return ByteBuffer.allocate(4 + packet.length).putInt(packet.length).put(packet).array();
    }

    /** The official client's connect: authentication, rollback on connect, subscription (which the server offloads). */
    private static byte[] login() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(frame(PacketType.CLIENTAUTHENTICATION, ClientAuth.newBuilder().setUsername("")
                .setNetReadTimeout(3_600_000).setNetWriteTimeout(3_600_000).build()));
        out.writeBytes(frame(PacketType.CLIENTROLLBACK, ClientRollback.newBuilder().setDestination(DEST)
                .setClientId("1001").build()));
        out.writeBytes(frame(PacketType.SUBSCRIPTION, Sub.newBuilder().setDestination(DEST).setClientId("1001")
                .setFilter("compat\\..*").build()));
        return out.toByteArray();
    }

    /**
     * Then gets and acks, as one burst: a GET served at once, its ack, a GET that goes through the executor, a bad
     * ack whose error must follow that GET's reply, and an unsupported packet type.
     */
    private static byte[] conversation() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(frame(PacketType.GET, Get.newBuilder().setDestination(DEST).setClientId("1001")
                .setFetchSize(4).setTimeout(-1).setUnit(2).setAutoAck(false).build()));
        out.writeBytes(frame(PacketType.CLIENTACK, ClientAck.newBuilder().setDestination(DEST).setClientId("1001")
                .setBatchId(1).build()));
        out.writeBytes(frame(PacketType.GET, Get.newBuilder().setDestination(DEST).setClientId("1001")
                .setFetchSize(100).setTimeout(1).setUnit(2).build()));
        out.writeBytes(frame(PacketType.CLIENTACK, ClientAck.newBuilder().setDestination(DEST).setClientId("1001")
                .setBatchId(7).build()));
        out.writeBytes(frame(PacketType.HEARTBEAT, ClientAck.getDefaultInstance()));
        return out.toByteArray();
    }

    private static EmbeddedChannel channel() {
        Destination destination = new ListDestination(DEST, SampleEntries.transactions(3, 2));
        CanalChannelInitializer initializer = new CanalChannelInitializer(NetServerSettings.open("", 0),
                name -> Optional.of(destination).filter(d -> d.name().equals(name)), Runnable::run,
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), Optional.empty(),
                new FailedLogins("client port", 0, java.time.Duration.ofMinutes(1)));
        return new EmbeddedChannel(initializer);
    }

    /** Everything the server wrote, as packets, the handshake (random seed) left out. */
    private static List<Packet> replies(EmbeddedChannel channel) throws Exception {
        channel.runPendingTasks();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
            bytes.writeBytes(ByteBufUtil.getBytes(buf));
            buf.release();
        }
        ByteBuffer in = ByteBuffer.wrap(bytes.toByteArray());
        List<Packet> packets = new ArrayList<>();
        while (in.hasRemaining()) {
            byte[] body = new byte[in.getInt()];
            in.get(body);
            packets.add(Packet.parseFrom(body));
        }
        assertThat(packets.get(0).getType()).isEqualTo(PacketType.HANDSHAKE);
        return packets.subList(1, packets.size());
    }

    private static List<Packet> feed(int[] loginCuts, int[] conversationCuts) throws Exception {
        EmbeddedChannel channel = channel();
        write(channel, login(), loginCuts);
        // the subscription's reply comes from the executor: let it finish before the next burst, as a client waits
        channel.runPendingTasks();
        write(channel, conversation(), conversationCuts);
        List<Packet> replies = replies(channel);
        assertThat(channel.isOpen()).isTrue();
        channel.finishAndReleaseAll();
        return replies;
    }

    private static void write(EmbeddedChannel channel, byte[] all, int[] cuts) {
        int from = 0;
        for (int cut : cuts) {
            channel.writeInbound(Unpooled.wrappedBuffer(all, from, cut - from));
            from = cut;
        }
        channel.writeInbound(Unpooled.wrappedBuffer(all, from, all.length - from));
    }

    private static List<Packet> feed() throws Exception {
        return feed(new int[0], new int[0]);
    }

    private static int[] everyByte(int length) {
        int[] cuts = new int[length - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        return cuts;
    }

    @Test
    void conversationGetsCanalsRepliesInRequestOrder() throws Exception {
        List<Packet> replies = feed();
        // auth ACK, (rollback: none), sub ACK, GET → batch 1, (ack: none), GET → batch 2, bad ack → error, HEARTBEAT → 400
        assertThat(replies).extracting(Packet::getType).containsExactly(PacketType.ACK, PacketType.ACK,
                PacketType.MESSAGES, PacketType.MESSAGES, PacketType.ACK, PacketType.ACK);
        assertThat(Ack.parseFrom(replies.get(0).getBody()).getErrorCode()).isZero();
        assertThat(replies.get(1).getBody().isEmpty()).isTrue();
        Messages first = Messages.parseFrom(replies.get(2).getBody());
        assertThat(first.getBatchId()).isEqualTo(1);
        assertThat(first.getMessagesList()).hasSize(4);
        Messages second = Messages.parseFrom(replies.get(3).getBody());
        assertThat(second.getBatchId()).isEqualTo(2);
        assertThat(second.getMessagesList()).hasSize(5);
        Ack badAck = Ack.parseFrom(replies.get(4).getBody());
        assertThat(badAck.getErrorCode()).isEqualTo(400);
        assertThat(badAck.getErrorMessage()).contains("ack error , clientId:1001 batchId:7 is not exist , please check");
        Ack heartbeat = Ack.parseFrom(replies.get(5).getBody());
        assertThat(heartbeat.getErrorCode()).isEqualTo(400);
        assertThat(heartbeat.getErrorMessage()).isEqualTo("packet type=HEARTBEAT is NOT supported!");
    }

    @Test
    void repliesAreTheSameWhereverTheRequestBytesAreSplit() throws Exception {
        List<Packet> whole = feed();
        for (int cut = 1; cut < login().length; cut++) {
            assertThat(feed(new int[] {cut}, new int[0])).as("login split at byte %d", cut).isEqualTo(whole);
        }
        for (int cut = 1; cut < conversation().length; cut++) {
            assertThat(feed(new int[0], new int[] {cut})).as("conversation split at byte %d", cut).isEqualTo(whole);
        }
    }

    @Test
    void repliesAreTheSameWhenRequestsArriveByteByByte() throws Exception {
        assertThat(feed(everyByte(login().length), everyByte(conversation().length))).isEqualTo(feed());
    }
}
