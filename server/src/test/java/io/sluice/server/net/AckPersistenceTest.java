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
import io.sluice.protocol.packet.CanalPacket.Get;
import io.sluice.protocol.packet.CanalPacket.Messages;
import io.sluice.protocol.packet.CanalPacket.Packet;
import io.sluice.protocol.packet.CanalPacket.PacketType;
import io.sluice.protocol.packet.CanalPacket.Sub;
import io.sluice.server.meta.ClientIdentity;
import io.sluice.server.meta.MetaStoreException;
import io.sluice.server.net.testing.ListDestination;
import io.sluice.server.net.testing.SampleEntries;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An ack whose persisting step completes later (a ZooKeeper write off the event loop): the event loop goes on at
 * once, the replies after the ack wait for it, and its failure is the answer to the next request.
 */
class AckPersistenceTest {

    private static final String DEST = "example";
    private static final ClientIdentity CLIENT = new ClientIdentity(DEST, (short) 1001);

    private final ListDestination destination = new ListDestination(DEST, SampleEntries.transactions(3, 2));
    private final List<CompletableFuture<Void>> persisting = new ArrayList<>();
    private EmbeddedChannel channel;

    @BeforeEach
    void connect() throws Exception {
        destination.persistAcksWith(() -> {
            CompletableFuture<Void> f = new CompletableFuture<>();
            persisting.add(f);
            return f;
        });
        channel = new EmbeddedChannel(new CanalChannelInitializer(NetServerSettings.open("", 0),
                name -> Optional.<io.sluice.server.instance.Destination>of(destination)
                        .filter(d -> d.name().equals(name)), Runnable::run,
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), Optional.empty(),
                new FailedLogins("client port", 0, java.time.Duration.ofMinutes(1))));
        send(PacketType.CLIENTAUTHENTICATION, ClientAuth.newBuilder().setUsername("").setNetReadTimeout(3_600_000)
                .setNetWriteTimeout(3_600_000).build());
        send(PacketType.SUBSCRIPTION, Sub.newBuilder().setDestination(DEST).setClientId("1001").build());
        assertThat(replies()).extracting(Packet::getType).containsExactly(PacketType.HANDSHAKE, PacketType.ACK,
                PacketType.ACK);
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private void send(PacketType type, MessageLite body) {
        byte[] packet = Packet.newBuilder().setType(type).setBody(body.toByteString()).build().toByteArray();
        channel.writeInbound(Unpooled.wrappedBuffer(ByteBuffer.allocate(4 + packet.length).putInt(packet.length)
                .put(packet).array()));
    }

    private List<Packet> replies() throws Exception {
        channel.runPendingTasks();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
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
        return packets;
    }

    private void get() {
        send(PacketType.GET, Get.newBuilder().setDestination(DEST).setClientId("1001").setFetchSize(4)
                .setTimeout(-1).setUnit(2).build());
    }

    private void ack(long batchId) {
        send(PacketType.CLIENTACK, ClientAck.newBuilder().setDestination(DEST).setClientId("1001")
                .setBatchId(batchId).build());
    }

    @Test
    void repliesAfterAnAckWaitForItsWriteWhileTheAckIsAlreadyDoneInMemory() throws Exception {
        get();
        assertThat(Messages.parseFrom(replies().get(0).getBody()).getBatchId()).isEqualTo(1);
        ack(1);
        get();
        assertThat(destination.acked(CLIENT)).as("acked in memory on the event loop").isEqualTo(4);
        assertThat(persisting).hasSize(1);
        assertThat(replies()).as("the GET after the ack waits for the ack's write").isEmpty();
        persisting.get(0).complete(null);
        List<Packet> after = replies();
        assertThat(after).extracting(Packet::getType).containsExactly(PacketType.MESSAGES);
        assertThat(Messages.parseFrom(after.get(0).getBody()).getBatchId()).isEqualTo(2);
    }

    @Test
    void aFailedWriteIsTheAnswerToTheNextRequest() throws Exception {
        get();
        replies();
        ack(1);
        get();
        persisting.get(0).completeExceptionally(new MetaStoreException("ZooKeeper connection suspended: the position"
                + " of example cannot be confirmed; reconnect (another server may serve the destination)"));
        List<Packet> after = replies();
        assertThat(after).extracting(Packet::getType).containsExactly(PacketType.ACK, PacketType.MESSAGES);
        Ack error = Ack.parseFrom(after.get(0).getBody());
        assertThat(error.getErrorCode()).isEqualTo(400);
        assertThat(error.getErrorMessage()).contains("ZooKeeper connection suspended");
    }
}
