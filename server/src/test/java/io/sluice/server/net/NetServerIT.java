package io.sluice.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.sluice.protocol.packet.CanalPacket.Ack;
import io.sluice.protocol.packet.CanalPacket.ClientAck;
import io.sluice.protocol.packet.CanalPacket.ClientAuth;
import io.sluice.protocol.packet.CanalPacket.ClientRollback;
import io.sluice.protocol.packet.CanalPacket.Get;
import io.sluice.protocol.packet.CanalPacket.Handshake;
import io.sluice.protocol.packet.CanalPacket.Messages;
import io.sluice.protocol.packet.CanalPacket.Packet;
import io.sluice.protocol.packet.CanalPacket.PacketType;
import io.sluice.protocol.packet.CanalPacket.Sub;
import io.sluice.protocol.packet.CanalPacket.Unsub;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.instance.Destination;
import io.sluice.server.meta.ClientIdentity;
import io.sluice.server.net.testing.ListDestination;
import io.sluice.server.net.testing.RawCanalClient;
import io.sluice.server.net.testing.SampleEntries;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server on real sockets, driven frame by frame. */
class NetServerIT {

    private static final String DEST = "example";
    private static final String CLIENT_ID = "1001";
    private static final ClientIdentity CLIENT = new ClientIdentity(DEST, (short) 1001);

    private final Map<String, Destination> destinations = new ConcurrentHashMap<>();
    private NetServer server;

    private ListDestination destination(int transactions) {
        ListDestination destination = new ListDestination(DEST, SampleEntries.transactions(transactions, 2));
        destinations.put(DEST, destination);
        return destination;
    }

    private NetServer start(NetServerSettings settings) throws IOException {
        server = new NetServer(settings, name -> Optional.ofNullable(destinations.get(name)));
        server.start();
        return server;
    }

    private NetServer start() throws IOException {
        return start(NetServerSettings.open("127.0.0.1", 0));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private RawCanalClient open() throws IOException {
        return RawCanalClient.open(server.localAddress());
    }

    private static Ack subscribe(RawCanalClient client) throws IOException {
        client.send(PacketType.SUBSCRIPTION, Sub.newBuilder().setDestination(DEST).setClientId(CLIENT_ID).build());
        return client.readAck();
    }

    private static Get.Builder get(int fetchSize, long timeout) {
        return Get.newBuilder().setDestination(DEST).setClientId(CLIENT_ID).setFetchSize(fetchSize)
                .setTimeout(timeout).setUnit(2).setAutoAck(false);
    }

    private static Messages messages(Packet packet) throws IOException {
        assertThat(packet.getType()).as("reply type").isEqualTo(PacketType.MESSAGES);
        return Messages.parseFrom(packet.getBody());
    }

    private static void ack(RawCanalClient client, long batchId) throws IOException {
        client.send(PacketType.CLIENTACK, ClientAck.newBuilder().setDestination(DEST).setClientId(CLIENT_ID)
                .setBatchId(batchId).build());
    }

    private static void rollback(RawCanalClient client, long batchId) throws IOException {
        client.send(PacketType.CLIENTROLLBACK, ClientRollback.newBuilder().setDestination(DEST)
                .setClientId(CLIENT_ID).setBatchId(batchId).build());
    }

    private static List<ByteString> bytesOf(List<StoredEntry> entries) {
        return entries.stream().map(e -> ByteString.copyFrom(e.bytes())).toList();
    }

    @ParameterizedTest(name = "native transport: {0}")
    @ValueSource(booleans = {true, false})
    void subscribeGetAckServeTheStoredEntriesOnEitherTransport(boolean nativeTransport) throws Exception {
        ListDestination destination = destination(3);
        start(NetServerSettings.open("127.0.0.1", 0).withNativeTransport(nativeTransport));
        if (nativeTransport && !io.netty.channel.epoll.Epoll.isAvailable()) {
            System.out.println("epoll not available here (" + NetTransport.epollUnavailabilityCause()
                    + "): the native case ran on NIO");
        }
        assertThat(server.transportName()).isEqualTo(
                nativeTransport && io.netty.channel.epoll.Epoll.isAvailable() ? "epoll" : "nio");
        List<StoredEntry> all = SampleEntries.transactions(3, 2);
        try (RawCanalClient client = open()) {
            assertThat(subscribe(client).getErrorCode()).isZero();
            client.send(PacketType.GET, get(4, -1).build());
            Messages first = messages(client.read());
            assertThat(first.getBatchId()).isEqualTo(1);
            assertThat(first.getMessagesList()).isEqualTo(bytesOf(all.subList(0, 4)));
            ack(client, 1);
            client.send(PacketType.GET, get(100, -1).build());
            Messages second = messages(client.read());
            assertThat(second.getBatchId()).isEqualTo(2);
            assertThat(second.getMessagesList()).isEqualTo(bytesOf(all.subList(4, 9)));
            assertThat(destination.acked(CLIENT)).isEqualTo(4);
            ack(client, 2);
            client.send(PacketType.GET, get(100, -1).build());
            Messages empty = messages(client.read());
            assertThat(empty.getBatchId()).isEqualTo(-1);
            assertThat(empty.getMessagesCount()).isZero();
            ack(client, -1);
            assertThat(client.silentFor(200)).isTrue();
            assertThat(destination.acked(CLIENT)).isEqualTo(9);
        }
    }

    @Test
    void handshakeCarriesVersionOneAndFreshEightByteSeeds() throws Exception {
        start();
        try (RawCanalClient a = RawCanalClient.connect(server.localAddress());
             RawCanalClient b = RawCanalClient.connect(server.localAddress())) {
            Packet packet = a.read();
            assertThat(packet.getType()).isEqualTo(PacketType.HANDSHAKE);
            assertThat(packet.getVersion()).isEqualTo(1);
            byte[] seedA = Handshake.parseFrom(packet.getBody()).getSeeds().toByteArray();
            byte[] seedB = b.readHandshake().getSeeds().toByteArray();
            assertThat(seedA).hasSize(8);
            assertThat(seedB).hasSize(8).isNotEqualTo(seedA);
        }
    }

    @Test
    void wrongPasswordGets400AndTheConnectionStaysOpenForAnotherTry() throws Exception {
        destination(1);
        start(NetServerSettings.open("127.0.0.1", 0).withCredentials("canal", RawCanalClient.storedHash("s3cret")));
        try (RawCanalClient client = RawCanalClient.connect(server.localAddress())) {
            client.readHandshake();
            Ack refused = client.authenticate("canal", "wrong");
            assertThat(refused.getErrorCode()).isEqualTo(400);
            assertThat(refused.getErrorMessage()).isEqualTo("auth failed for user:canal");
            Ack noPassword = client.authenticate("canal", null);
            assertThat(noPassword.getErrorCode()).isEqualTo(400);
            Ack wrongUser = client.authenticate("admin", "s3cret");
            assertThat(wrongUser.getErrorMessage()).isEqualTo("auth failed for user:admin");
            assertThat(client.authenticate("canal", "s3cret").getErrorCode()).isZero();
            assertThat(subscribe(client).getErrorCode()).isZero();
        }
    }

    @Test
    void aSourceWithTooManyFailedLoginsIsRefusedAndDisconnectedEvenWithTheRightPassword() throws Exception {
        destination(1);
        server = new NetServer(NetServerSettings.open("127.0.0.1", 0).withCredentials("canal",
                RawCanalClient.storedHash("s3cret")), name -> Optional.ofNullable(destinations.get(name)),
                new FailedLogins("client port", 3, java.time.Duration.ofMinutes(1)));
        server.start();
        try (RawCanalClient client = RawCanalClient.connect(server.localAddress())) {
            client.readHandshake();
            for (int i = 0; i < 3; i++) {
                assertThat(client.authenticate("canal", "guess" + i).getErrorMessage()).isEqualTo("auth failed for user:canal");
            }
            Ack refused = client.authenticate("canal", "s3cret");
            assertThat(refused.getErrorCode()).isEqualTo(400);
            assertThat(refused.getErrorMessage()).startsWith("too many failed logins from 127.0.0.1; try again in ");
            assertThat(client.closedByServerWithin(5000)).isTrue();
        }
        // a new connection from the same address is refused as well, before any password is checked
        try (RawCanalClient client = RawCanalClient.connect(server.localAddress())) {
            client.readHandshake();
            assertThat(client.authenticate("canal", "s3cret").getErrorMessage()).startsWith("too many failed logins");
        }
    }

    @Test
    void requestsBeforeAuthenticationAreReadAsAuthenticationAttempts() throws Exception {
        destination(1);
        start(NetServerSettings.open("127.0.0.1", 0).withCredentials("canal", RawCanalClient.storedHash("pw")));
        try (RawCanalClient client = RawCanalClient.connect(server.localAddress())) {
            client.readHandshake();
            client.send(PacketType.GET, get(10, -1).build());
            Ack refused = client.readAck();
            assertThat(refused.getErrorCode()).isEqualTo(400);
            assertThat(refused.getErrorMessage()).startsWith("auth failed for user:");
        }
    }

    @Test
    void passwordThatIsNotHexClosesTheConnectionWithoutReply() throws Exception {
        start(NetServerSettings.open("127.0.0.1", 0).withCredentials("canal", RawCanalClient.storedHash("pw")));
        try (RawCanalClient client = RawCanalClient.connect(server.localAddress())) {
            client.readHandshake();
            client.send(PacketType.CLIENTAUTHENTICATION, ClientAuth.newBuilder().setUsername("canal")
                    .setPassword(ByteString.copyFromUtf8("plain text password")).build());
            assertThat(client.closedByServerWithin(5_000)).isTrue();
        }
        try (RawCanalClient other = RawCanalClient.connect(server.localAddress())) {
            other.readHandshake();
            assertThat(other.authenticate("canal", "pw").getErrorCode()).isZero();
        }
    }

    @Test
    void openServerAcceptsAnyUserAndPassword() throws Exception {
        start();
        try (RawCanalClient client = RawCanalClient.connect(server.localAddress())) {
            client.readHandshake();
            assertThat(client.authenticate("whoever", "whatever").getErrorCode()).isZero();
        }
    }

    @Test
    void authenticationNamingDestinationAndClientAlsoSubscribes() throws Exception {
        ListDestination destination = destination(1);
        start();
        try (RawCanalClient client = RawCanalClient.connect(server.localAddress())) {
            client.readHandshake();
            ClientAuth auth = client.authRequest("", null).setDestination(DEST).setClientId(CLIENT_ID)
                    .setFilter("compat\\.t").build();
            assertThat(client.authenticate(auth).getErrorCode()).isZero();
            assertThat(destination.isSubscribed(CLIENT)).isTrue();
            assertThat(destination.filter(CLIENT)).isEqualTo("compat\\.t");
        }
    }

    @Test
    void errorsCarryCanalsCodesAndTexts() throws Exception {
        destination(2);
        start();
        try (RawCanalClient client = open()) {
            client.send(PacketType.SUBSCRIPTION, Sub.newBuilder().setDestination("nope").setClientId(CLIENT_ID)
                    .build());
            Ack unknown = client.readAck();
            assertThat(unknown.getErrorCode()).isEqualTo(400);
            assertThat(unknown.getErrorMessage()).startsWith("something goes wrong with channel:")
                    .contains("destination:nope should start first")
                    .as("no stack frames of the server's code reach a client").doesNotContain("\tat ").doesNotContain("\n");

            client.send(PacketType.SUBSCRIPTION, Sub.newBuilder().setDestination(DEST).build());
            Ack noClient = client.readAck();
            assertThat(noClient.getErrorCode()).isEqualTo(401);
            assertThat(noClient.getErrorMessage()).isEqualTo("destination or clientId is null");

            client.send(PacketType.SUBSCRIPTION, Sub.newBuilder().setDestination(DEST).setClientId("x1").build());
            Ack badId = client.readAck();
            assertThat(badId.getErrorCode()).isEqualTo(400);
            assertThat(badId.getErrorMessage()).contains("NumberFormatException").doesNotContain("\tat ");

            client.send(PacketType.GET, get(10, -1).build());
            Ack notSubscribed = client.readAck();
            assertThat(notSubscribed.getErrorCode()).isEqualTo(400);
            assertThat(notSubscribed.getErrorMessage()).contains("should subscribe first");

            assertThat(subscribe(client).getErrorCode()).isZero();
            ack(client, 0);
            Ack zero = client.readAck();
            assertThat(zero.getErrorCode()).isEqualTo(402);
            assertThat(zero.getErrorMessage()).isEqualTo("batchId should assign value");

            client.send(PacketType.GET, get(2, -1).build());
            assertThat(messages(client.read()).getBatchId()).isEqualTo(1);
            client.send(PacketType.GET, get(2, -1).build());
            assertThat(messages(client.read()).getBatchId()).isEqualTo(2);
            ack(client, 2);
            // no reply of its own: the error is what the client reads next, whatever it asks (canal's desync)
            client.send(PacketType.GET, get(2, -1).build());
            Ack outOfOrder = client.readAck();
            assertThat(outOfOrder.getErrorCode()).isEqualTo(400);
            assertThat(outOfOrder.getErrorMessage()).contains("batchId:2 is not the firstly:1");
            assertThat(messages(client.read()).getBatchId()).isEqualTo(3);

            rollback(client, 3);
            Ack rollbackOutOfOrder = client.readAck();
            assertThat(rollbackOutOfOrder.getErrorMessage()).contains("batchId:3 is not the firstly:1");

            client.send(PacketType.DUMP, ClientAck.getDefaultInstance());
            assertThat(client.readAck().getErrorMessage()).isEqualTo("packet type=DUMP is NOT supported!");
            client.send(PacketType.CLIENTAUTHENTICATION, ClientAuth.getDefaultInstance());
            assertThat(client.readAck().getErrorMessage())
                    .isEqualTo("packet type=CLIENTAUTHENTICATION is NOT supported!");
            // none of that closed the connection
            assertThat(subscribe(client).getErrorCode()).isZero();
        }
    }

    @Test
    void rollbackBeforeSubscribeIsIgnoredButUnknownDestinationIsNot() throws Exception {
        destination(1);
        start();
        try (RawCanalClient client = open()) {
            rollback(client, 0);
            assertThat(client.silentFor(200)).isTrue();
            client.send(PacketType.CLIENTROLLBACK, ClientRollback.newBuilder().setDestination("nope")
                    .setClientId(CLIENT_ID).build());
            assertThat(client.readAck().getErrorMessage()).contains("destination:nope should start first");
        }
    }

    @Test
    void rollbackRedeliversTheSameEntriesUnderANewBatchId() throws Exception {
        destination(2);
        start();
        try (RawCanalClient client = open()) {
            subscribe(client);
            client.send(PacketType.GET, get(3, -1).build());
            Messages first = messages(client.read());
            client.send(PacketType.GET, get(2, -1).build());
            messages(client.read());
            rollback(client, 0);
            client.send(PacketType.GET, get(3, -1).build());
            Messages again = messages(client.read());
            assertThat(again.getBatchId()).isEqualTo(3);
            assertThat(again.getMessagesList()).isEqualTo(first.getMessagesList());
        }
    }

    @Test
    void disconnectRollsBackOutstandingBatchesForTheNextClient() throws Exception {
        ListDestination destination = destination(3);
        start();
        Messages unacked;
        try (RawCanalClient first = open()) {
            subscribe(first);
            client(first, 3);
            ack(first, 1);
            first.send(PacketType.GET, get(3, -1).build());
            unacked = messages(first.read());
            assertThat(destination.outstanding(CLIENT)).containsExactly(2L);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> destination.outstanding(CLIENT).isEmpty());
        try (RawCanalClient next = open()) {
            subscribe(next);
            next.send(PacketType.GET, get(3, -1).build());
            Messages redelivered = messages(next.read());
            assertThat(redelivered.getMessagesList()).isEqualTo(unacked.getMessagesList());
        }
    }

    private static void client(RawCanalClient client, int fetch) throws IOException {
        client.send(PacketType.GET, get(fetch, -1).build());
        messages(client.read());
    }

    @Test
    void aConsumerTakingOverGetsTheOldConnectionsBatchesBackAndTheOldCloseLaterChangesNothing() throws Exception {
        ListDestination destination = destination(3);
        start();
        try (RawCanalClient old = open(); RawCanalClient current = open()) {
            subscribe(old);
            old.send(PacketType.GET, get(2, -1).build());
            Messages lent = messages(old.read());
            // the client comes back on a new connection before its old one is seen closing: what the old one had
            // outstanding is given back at once, as its disconnect would have done, whatever the timing
            subscribe(current);
            current.send(PacketType.GET, get(2, -1).build());
            Messages batch = messages(current.read());
            assertThat(batch.getBatchId()).isEqualTo(2);
            assertThat(batch.getMessagesList()).isEqualTo(lent.getMessagesList());
            old.close();
            // the new consumer owns the client id now: its batch survives the old connection's end
            Thread.sleep(300);
            assertThat(destination.outstanding(CLIENT)).containsExactly(2L);
            ack(current, 2);
            client(current, 1);
            assertThat(destination.acked(CLIENT)).isEqualTo(2);
        }
    }

    @Test
    void getThatWaitsDoesNotHoldUpOtherClientsOnTheSameEventLoop() throws Exception {
        ListDestination destination = destination(1);
        destinations.put("other", new ListDestination("other", SampleEntries.transactions(1, 1)));
        start(NetServerSettings.open("127.0.0.1", 0).withThreads(1, 4));
        try (RawCanalClient waiting = open(); RawCanalClient other = open()) {
            subscribe(waiting);
            waiting.send(PacketType.GET, get(6, 0).build());
            other.send(PacketType.SUBSCRIPTION, Sub.newBuilder().setDestination("other").setClientId(CLIENT_ID)
                    .build());
            assertThat(other.readAck().getErrorCode()).isZero();
            other.send(PacketType.GET, Get.newBuilder().setDestination("other").setClientId(CLIENT_ID)
                    .setFetchSize(10).setTimeout(-1).setUnit(2).build());
            assertThat(messages(other.read()).getMessagesCount()).isEqualTo(3);
            // the waiting GET (a full batch of 6) completes once enough entries exist
            destination.append(SampleEntries.transactions(2, 1, 2));
            Messages full = messages(waiting.read());
            assertThat(full.getMessagesCount()).isEqualTo(6);
        }
    }

    @Test
    void subscriptionThatBlocksOnMetaDoesNotHoldUpOtherClientsOnTheSameEventLoop() throws Exception {
        ListDestination slowMeta = new ListDestination("slow", SampleEntries.transactions(1, 1));
        java.util.concurrent.CountDownLatch metaWritten = new java.util.concurrent.CountDownLatch(1);
        destinations.put("slow", new Destination() {
            @Override
            public String name() {
                return "slow";
            }

            @Override
            public void subscribe(ClientIdentity client, String filter) {
                try {
                    // as a subscription persisted to a ZooKeeper that answers slowly
                    metaWritten.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                slowMeta.subscribe(client, filter);
            }

            @Override
            public void unsubscribe(ClientIdentity client) {
                slowMeta.unsubscribe(client);
            }

            @Override
            public boolean isSubscribed(ClientIdentity client) {
                return slowMeta.isSubscribed(client);
            }

            @Override
            public io.sluice.server.instance.Batch getWithoutAck(ClientIdentity client, int fetchSize, long timeout,
                                                                 java.util.concurrent.TimeUnit unit)
                    throws InterruptedException {
                return slowMeta.getWithoutAck(client, fetchSize, timeout, unit);
            }

            @Override
            public void ack(ClientIdentity client, long batchId) {
                slowMeta.ack(client, batchId);
            }

            @Override
            public void rollback(ClientIdentity client, long batchId) {
                slowMeta.rollback(client, batchId);
            }
        });
        destination(1);
        start(NetServerSettings.open("127.0.0.1", 0).withThreads(1, 4));
        try (RawCanalClient slow = open(); RawCanalClient other = open()) {
            slow.send(PacketType.SUBSCRIPTION, Sub.newBuilder().setDestination("slow").setClientId(CLIENT_ID).build());
            // pipelined behind the subscription: must see it done
            slow.send(PacketType.GET, Get.newBuilder().setDestination("slow").setClientId(CLIENT_ID).setFetchSize(10)
                    .setTimeout(-1).setUnit(2).build());
            assertThat(subscribe(other).getErrorCode()).isZero();
            other.send(PacketType.GET, get(10, -1).build());
            assertThat(messages(other.read()).getMessagesCount()).isEqualTo(3);
            assertThat(slow.silentFor(100)).isTrue();
            metaWritten.countDown();
            assertThat(slow.readAck().getErrorCode()).isZero();
            assertThat(messages(slow.read()).getMessagesCount()).isEqualTo(3);
        }
    }

    @Test
    void ackIsServedWhileAnEarlierGetStillWaitsAndRepliesKeepRequestOrder() throws Exception {
        ListDestination destination = destination(1);
        start();
        try (RawCanalClient client = open()) {
            subscribe(client);
            client.send(PacketType.GET, get(3, -1).build());
            assertThat(messages(client.read()).getBatchId()).isEqualTo(1);
            // pipelined: a GET that must wait, then the ack of batch 1, then a bad ack
            client.send(PacketType.GET, get(6, 0).build());
            ack(client, 1);
            ack(client, 99);
            await().atMost(Duration.ofSeconds(5)).until(() -> destination.acked(CLIENT) == 3);
            assertThat(client.silentFor(200)).as("the bad ack's error waits for the GET's reply").isTrue();
            destination.append(SampleEntries.transactions(2, 2, 2));
            Messages waited = messages(client.read());
            assertThat(waited.getBatchId()).isEqualTo(2);
            assertThat(waited.getMessagesCount()).isEqualTo(6);
            assertThat(client.readAck().getErrorMessage()).contains("batchId:99 is not exist");
        }
    }

    @Test
    void thousandsOfRequestsBehindAWaitingGetAreAllAnsweredInOrder() throws Exception {
        ListDestination destination = destination(1);
        start();
        try (RawCanalClient client = open()) {
            subscribe(client);
            client.send(PacketType.GET, get(6, 0).build());
            // each bad ack earns an error reply that must wait for the GET's; past a bound the server stops reading
            int acks = 3_000;
            java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < acks; i++) {
                byte[] packet = Packet.newBuilder().setType(PacketType.CLIENTACK).setBody(ClientAck.newBuilder()
                        .setDestination(DEST).setClientId(CLIENT_ID).setBatchId(1_000 + i).build().toByteString())
                        .build().toByteArray();
                burst.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(packet.length).array());
                burst.writeBytes(packet);
            }
            client.sendRaw(burst.toByteArray());
            destination.append(SampleEntries.transactions(2, 1, 2));
            assertThat(messages(client.read()).getMessagesCount()).isEqualTo(6);
            for (int i = 0; i < acks; i++) {
                assertThat(client.readAck().getErrorMessage()).contains("batchId:" + (1_000 + i) + " is not exist");
            }
            assertThat(subscribe(client).getErrorCode()).isZero();
        }
    }

    @Test
    void pipelinedGetsGetIncreasingBatchIdsInRequestOrder() throws Exception {
        destination(4);
        start();
        try (RawCanalClient client = open()) {
            subscribe(client);
            client.send(PacketType.GET, get(2, 50).build());
            client.send(PacketType.GET, get(2, -1).build());
            client.send(PacketType.GET, get(2, 0).build());
            client.send(PacketType.GET, get(2, -1).build());
            for (long id = 1; id <= 4; id++) {
                assertThat(messages(client.read()).getBatchId()).isEqualTo(id);
            }
        }
    }

    @Test
    void getWithoutTimeoutAndUnitReturnsAtOnce() throws Exception {
        destination(1);
        start();
        try (RawCanalClient client = open()) {
            subscribe(client);
            client.send(PacketType.GET, Get.newBuilder().setDestination(DEST).setClientId(CLIENT_ID)
                    .setFetchSize(100).build());
            // absent timeout = -1 (documented default): what there is, not a wait for 100 entries
            assertThat(messages(client.read()).getMessagesCount()).isEqualTo(3);
        }
    }

    @Test
    void getWithTimeoutReturnsWhatThereIsWhenTheBatchCannotFill() throws Exception {
        destination(1);
        start();
        try (RawCanalClient client = open()) {
            subscribe(client);
            client.send(PacketType.GET, get(100, 300).build());
            assertThat(messages(client.read()).getMessagesCount()).isEqualTo(3);
            client.send(PacketType.GET, get(100, 1).setUnit(3).build());
            Messages empty = messages(client.read());
            assertThat(empty.getBatchId()).isEqualTo(-1);
        }
    }

    @Test
    void autoAckAcknowledgesTheBatchItReturns() throws Exception {
        ListDestination destination = destination(1);
        start();
        try (RawCanalClient client = open()) {
            subscribe(client);
            client.send(PacketType.GET, get(2, -1).setAutoAck(true).build());
            assertThat(messages(client.read()).getMessagesCount()).isEqualTo(2);
            assertThat(destination.acked(CLIENT)).isEqualTo(2);
            assertThat(destination.outstanding(CLIENT)).isEmpty();
        }
    }

    @Test
    void unsubscribeEndsTheSubscription() throws Exception {
        ListDestination destination = destination(1);
        start();
        try (RawCanalClient client = open()) {
            subscribe(client);
            client.send(PacketType.UNSUBSCRIPTION, Unsub.newBuilder().setDestination(DEST).setClientId(CLIENT_ID)
                    .build());
            assertThat(client.readAck().getErrorCode()).isZero();
            assertThat(destination.isSubscribed(CLIENT)).isFalse();
        }
    }

    @Test
    void malformedFramesCloseOnlyTheirConnection() throws Exception {
        destination(1);
        start();
        try (RawCanalClient good = open()) {
            subscribe(good);
            try (RawCanalClient garbage = open()) {
                garbage.sendBody(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
                assertThat(garbage.closedByServerWithin(5_000)).isTrue();
            }
            try (RawCanalClient huge = open()) {
                huge.sendRaw(new byte[] {0x7f, 0, 0, 0, 1, 2, 3});
                assertThat(huge.closedByServerWithin(5_000)).isTrue();
            }
            try (RawCanalClient badBody = open()) {
                badBody.sendBody(Packet.newBuilder().setType(PacketType.GET)
                        .setBody(ByteString.copyFrom(new byte[] {0x0a, 0x7f, 1})).build().toByteArray());
                assertThat(badBody.closedByServerWithin(5_000)).isTrue();
            }
            good.send(PacketType.GET, get(10, -1).build());
            assertThat(messages(good.read()).getMessagesCount()).isEqualTo(3);
        }
    }

    @Test
    void connectionIdleLongerThanTheClientsReadTimeoutIsClosed() throws Exception {
        start();
        try (RawCanalClient client = RawCanalClient.connect(server.localAddress())) {
            client.readHandshake();
            ClientAuth auth = client.authRequest("", null).setNetReadTimeout(300).setNetWriteTimeout(60_000).build();
            assertThat(client.authenticate(auth).getErrorCode()).isZero();
            assertThat(client.closedByServerWithin(10_000)).isTrue();
        }
    }

    @Test
    void connectionThatNeverAuthenticatesIsClosed() throws Exception {
        start(NetServerSettings.open("127.0.0.1", 0).withAuthTimeout(Duration.ofMillis(300)));
        try (RawCanalClient client = RawCanalClient.connect(server.localAddress())) {
            client.readHandshake();
            assertThat(client.closedByServerWithin(10_000)).isTrue();
        }
    }

    @Test
    void stopClosesConnectionsAndRollsTheirBatchesBack() throws Exception {
        ListDestination destination = destination(2);
        start();
        try (RawCanalClient client = open(); RawCanalClient waiting = open()) {
            subscribe(client);
            client(client, 2);
            waiting.send(PacketType.SUBSCRIPTION, Sub.newBuilder().setDestination(DEST).setClientId("7").build());
            waiting.readAck();
            waiting.send(PacketType.GET, Get.newBuilder().setDestination(DEST).setClientId("7").setFetchSize(100)
                    .setTimeout(0).build());
            assertThat(client.silentFor(100)).isTrue();
            server.stop();
            assertThat(client.closedByServerWithin(5_000)).isTrue();
            assertThat(waiting.closedByServerWithin(5_000)).isTrue();
            assertThat(server.connectionCount()).isZero();
        }
        assertThat(destination.outstanding(CLIENT)).isEmpty();
        server = null;
    }
}
