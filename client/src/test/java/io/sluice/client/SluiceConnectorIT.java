package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.meta.ClientIdentity;
import io.sluice.server.net.NetServerSettings;
import io.sluice.server.net.testing.ListDestination;
import io.sluice.server.net.testing.RawCanalClient;
import io.sluice.server.net.testing.SampleEntries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sluice's client against Sluice's network server (in process), over real sockets. */
class SluiceConnectorIT {

    private static final String DEST = "example";
    private static final ClientIdentity CLIENT = new ClientIdentity(DEST, (short) 1001);

    private InProcessServer server;
    private final List<SluiceConnector> connectors = new ArrayList<>();

    @AfterEach
    void tearDown() {
        connectors.forEach(SluiceConnector::disconnect);
        if (server != null) {
            server.close();
        }
    }

    private SluiceConnector connector(ConnectorSettings settings) {
        SluiceConnector connector = new SluiceConnector(server.address(), settings);
        connectors.add(connector);
        return connector;
    }

    private SluiceConnector connected() {
        SluiceConnector connector = connector(ConnectorSettings.of(DEST)
                .withReconnect(20, Duration.ofMillis(100)));
        connector.connect();
        connector.subscribe("compat\\..*");
        return connector;
    }

    /** Transaction numbers and row ids seen in the entries, e.g. "B1 I100,101 E1". */
    private static String describe(List<CanalEntry.Entry> entries) throws Exception {
        List<String> out = new ArrayList<>();
        for (CanalEntry.Entry entry : entries) {
            switch (entry.getEntryType()) {
                case TRANSACTIONBEGIN -> out.add("B" + CanalEntry.TransactionBegin.parseFrom(entry.getStoreValue())
                        .getThreadId());
                case TRANSACTIONEND -> out.add("E" + CanalEntry.TransactionEnd.parseFrom(entry.getStoreValue())
                        .getTransactionId());
                default -> {
                    CanalEntry.RowChange change = CanalEntry.RowChange.parseFrom(entry.getStoreValue());
                    out.add("I" + String.join(",", change.getRowDatasList().stream()
                            .map(r -> r.getAfterColumns(0).getValue()).toList()));
                }
            }
        }
        return String.join(" ", out);
    }

    @Test
    void getWithoutAckThenAckDeliversEveryEntryOnceWithItsContents() throws Exception {
        server = InProcessServer.open();
        ListDestination destination = server.add(DEST, 3, 2);
        SluiceConnector connector = connected();
        Message first = connector.getWithoutAck(4);
        assertThat(first.id()).isEqualTo(1);
        assertThat(describe(first.entries())).isEqualTo("B1 I100,101 E1 B2");
        CanalEntry.Entry insert = first.entries().get(1);
        assertThat(insert.getHeader().getLogfileName()).isEqualTo("mysql-bin.000001");
        assertThat(insert.getHeader().getLogfileOffset()).isEqualTo(1100);
        assertThat(insert.getHeader().getSchemaName()).isEqualTo("compat");
        assertThat(insert.getHeader().getTableName()).isEqualTo("t");
        CanalEntry.RowChange change = CanalEntry.RowChange.parseFrom(insert.getStoreValue());
        assertThat(change.getEventType()).isEqualTo(CanalEntry.EventType.INSERT);
        assertThat(change.getRowDatas(1).getAfterColumns(1).getValue()).isEqualTo("row-1-1");
        connector.ack(first.id());
        Message rest = connector.get(100);
        assertThat(describe(rest.entries())).isEqualTo("I200,201 E2 B3 I300,301 E3");
        Message none = connector.getWithoutAck(100);
        assertThat(none.id()).isEqualTo(-1);
        assertThat(none.isEmpty()).isTrue();
        connector.ack(none.id());
        assertThat(destination.acked(CLIENT)).isEqualTo(9);
        assertThat(destination.outstanding(CLIENT)).isEmpty();
        assertThat(destination.filter(CLIENT)).isEqualTo("compat\\..*");
    }

    @Test
    void lazyParsingKeepsRawBytesAndParsesOnDemand() throws Exception {
        server = InProcessServer.open();
        server.add(DEST, 1, 1);
        SluiceConnector connector = connector(ConnectorSettings.of(DEST).withLazyParse(true));
        connector.connect();
        connector.subscribe();
        Message message = connector.getWithoutAck(10);
        List<byte[]> expected = SampleEntries.transactions(1, 1).stream().map(e -> e.bytes()).toList();
        assertThat(message.rawEntries()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(message.rawEntries().get(i).toByteArray()).isEqualTo(expected.get(i));
        }
        assertThat(describe(message.entries())).isEqualTo("B1 I100 E1");
    }

    @Test
    void getTimeoutsFollowCanal() throws Exception {
        server = InProcessServer.open();
        ListDestination destination = server.add(DEST, 1, 1);
        SluiceConnector connector = connected();
        // > 0: wait for a full batch, then take what there is
        assertThat(connector.getWithoutAck(10, 200, TimeUnit.MILLISECONDS).size()).isEqualTo(3);
        // 0: wait until the batch is full
        CompletableFuture<Message> waiting = CompletableFuture.supplyAsync(
                () -> connector.getWithoutAck(6, 0, TimeUnit.MILLISECONDS));
        Thread.sleep(200);
        assertThat(waiting).isNotDone();
        destination.append(SampleEntries.transactions(2, 2, 1));
        assertThat(waiting.get(10, TimeUnit.SECONDS).size()).isEqualTo(6);
    }

    @Test
    void rollbackRedeliversFromTheLastAck() throws Exception {
        server = InProcessServer.open();
        server.add(DEST, 3, 1);
        SluiceConnector connector = connected();
        Message first = connector.getWithoutAck(3);
        connector.ack(first);
        Message second = connector.getWithoutAck(3);
        connector.getWithoutAck(3);
        connector.rollback();
        Message again = connector.getWithoutAck(3);
        assertThat(describe(again.entries())).isEqualTo(describe(second.entries()));
        connector.rollback(again.id());
        assertThat(describe(connector.getWithoutAck(3).entries())).isEqualTo(describe(second.entries()));
    }

    @Test
    void ackOutOfOrderIsRefusedBeforeItReachesTheServer() {
        server = InProcessServer.open();
        ListDestination destination = server.add(DEST, 2, 1);
        SluiceConnector connector = connected();
        Message first = connector.getWithoutAck(3);
        Message second = connector.getWithoutAck(3);
        assertThatThrownBy(() -> connector.ack(second.id())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("batch 2 acknowledged before batch 1");
        connector.ack(first.id());
        connector.ack(second.id());
        assertThat(connector.getWithoutAck(3).isEmpty()).isTrue();
        assertThat(destination.acked(CLIENT)).isEqualTo(6);
    }

    @Test
    void credentialsAreCheckedWithCanalsScramble() {
        server = new InProcessServer(NetServerSettings.open("127.0.0.1", 0)
                .withCredentials("canal", RawCanalClient.storedHash("canal")));
        server.start();
        server.add(DEST, 1, 1);
        SluiceConnector wrong = connector(ConnectorSettings.of(DEST).withCredentials("canal", "nope"));
        assertThatThrownBy(wrong::connect).isInstanceOf(AuthenticationFailedException.class)
                .hasMessageContaining("auth failed for user:canal");
        SluiceConnector right = connector(ConnectorSettings.of(DEST).withCredentials("canal", "canal"));
        right.connect();
        right.subscribe();
        assertThat(right.getWithoutAck(10).size()).isEqualTo(3);
    }

    @Test
    void serverErrorsCarryCanalsCodeAndText() {
        server = InProcessServer.open();
        server.add(DEST, 1, 1);
        SluiceConnector unknown = connector(ConnectorSettings.of("nope").withRollbackOnConnect(false));
        unknown.connect();
        assertThatThrownBy(unknown::subscribe).isInstanceOfSatisfying(ServerErrorException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(400);
            assertThat(e.getMessage()).contains("destination:nope should start first").doesNotContain("\tat ");
            assertThat(e.sessionReset()).isFalse();
        });
        SluiceConnector notSubscribed = connector(ConnectorSettings.of(DEST));
        notSubscribed.connect();
        assertThatThrownBy(() -> notSubscribed.getWithoutAck(10)).isInstanceOfSatisfying(ServerErrorException.class,
                e -> assertThat(e.getMessage()).contains("should subscribe first"));
    }

    @Test
    void errorOfAnAckEndsTheSessionAndTheNextCallStartsAFreshOne() throws Exception {
        server = InProcessServer.open();
        ListDestination destination = server.add(DEST, 2, 1);
        SluiceConnector connector = connected();
        Message first = connector.getWithoutAck(3);
        connector.ack(77);
        // canal answers the bad ack only with an error, read as the reply to the next request
        assertThatThrownBy(() -> connector.getWithoutAck(3)).isInstanceOfSatisfying(ServerErrorException.class, e -> {
            assertThat(e.sessionReset()).isTrue();
            assertThat(e.serverMessage()).contains("batchId:77 is not exist");
        });
        // a new session: rolled back, so batch 1's entries come again; its old id is not acked
        connector.ack(first);
        Message again = connector.getWithoutAck(3);
        assertThat(describe(again.entries())).isEqualTo(describe(first.entries()));
        connector.ack(again);
        await().atMost(Duration.ofSeconds(5)).until(() -> destination.acked(CLIENT) == 3);
    }

    @Test
    void disconnectLeavesUnackedBatchesForTheNextConsumer() throws Exception {
        server = InProcessServer.open();
        server.add(DEST, 2, 1);
        SluiceConnector first = connected();
        first.ack(first.getWithoutAck(3));
        Message unacked = first.getWithoutAck(3);
        first.disconnect();
        SluiceConnector next = connected();
        assertThat(describe(next.getWithoutAck(3).entries())).isEqualTo(describe(unacked.entries()));
    }

    @Test
    void subscribeRollsBackWhatAnotherSessionOfTheClientLeftOutstanding() throws Exception {
        server = InProcessServer.open();
        ListDestination destination = server.add(DEST, 2, 1);
        SluiceConnector stale = connected();
        Message held = stale.getWithoutAck(3);
        assertThat(destination.outstanding(CLIENT)).containsExactly(held.id());
        // the stale session is still connected, so no disconnect rolls back; the new session's subscribe does
        SluiceConnector fresh = connected();
        Message again = fresh.getWithoutAck(3);
        assertThat(describe(again.entries())).isEqualTo(describe(held.entries()));
        assertThat(destination.outstanding(CLIENT)).containsExactly(again.id());
    }

    @Test
    void serverRestartIsBridgedAndDeliveryResumesAfterTheLastAck() throws Exception {
        server = InProcessServer.open();
        ListDestination destination = server.add(DEST, 4, 1);
        SluiceConnector connector = connected();
        Message first = connector.getWithoutAck(3);
        connector.ack(first);
        Message second = connector.getWithoutAck(3);
        server.stop();
        server.start();
        // the ack of a batch from the broken session is not sent: the server rolled it back
        connector.ack(second);
        Message resumed = connector.getWithoutAck(3);
        assertThat(describe(resumed.entries())).isEqualTo(describe(second.entries()));
        connector.ack(resumed);
        // acks have no reply: wait until the server has applied it
        await().atMost(Duration.ofSeconds(5)).until(() -> destination.acked(CLIENT) == 6);
    }

    @Test
    void withoutReconnectALostConnectionIsReportedAsSuch() {
        server = InProcessServer.open();
        server.add(DEST, 1, 1);
        SluiceConnector connector = connector(ConnectorSettings.of(DEST).withReconnect(0, Duration.ZERO));
        connector.connect();
        connector.subscribe();
        server.stop();
        assertThatThrownBy(() -> connector.getWithoutAck(3)).isInstanceOf(ConnectionLostException.class);
        assertThatThrownBy(() -> connector.getWithoutAck(3)).isInstanceOf(ConnectionLostException.class)
                .hasMessageContaining("connect() first");
    }

    @Test
    void streamDeliversEverythingInOrderWithAcksAndRollsBackWhatItPrefetched() throws Exception {
        server = InProcessServer.open();
        ListDestination destination = server.add(DEST, 30, 2);
        SluiceConnector connector = connected();
        List<String> seen = new ArrayList<>();
        try (BatchStream stream = connector.stream(StreamSettings.of(7))) {
            for (int batch = 0; batch < 9; batch++) {
                Message message = stream.next();
                seen.addAll(List.of(describe(message.entries()).split(" ")));
                stream.ack(message);
            }
            assertThatThrownBy(() -> connector.getWithoutAck(1)).isInstanceOf(IllegalStateException.class);
        }
        // nine batches of seven entries: transactions 1 to 21
        assertThat(String.join(" ", seen)).isEqualTo(expected(1, 21));
        // what the stream fetched ahead was rolled back: the blocking API continues right after the last ack
        Message next = connector.getWithoutAck(3);
        assertThat(describe(next.entries())).isEqualTo("B22 I2200,2201 E22");
        assertThat(destination.acked(CLIENT)).isEqualTo(63);
    }

    @Test
    void streamCarriesOnAcrossAServerRestartWithoutLosingEntries() throws Exception {
        server = InProcessServer.open();
        ListDestination destination = server.add(DEST, 40, 1);
        SluiceConnector connector = connected();
        List<String> seen = new ArrayList<>();
        try (BatchStream stream = connector.stream(StreamSettings.of(5))) {
            boolean restarted = false;
            while (!seen.contains("E40")) {
                Message message = stream.poll(20, TimeUnit.SECONDS);
                assertThat(message).as("a batch within 20 s").isNotNull();
                seen.addAll(List.of(describe(message.entries()).split(" ")));
                if (!restarted && seen.size() > 40) {
                    server.stop();
                    server.start();
                    restarted = true;
                }
                stream.ack(message);
            }
        }
        // at least once: whatever came twice came again from the last ack on; nothing is missing
        List<String> distinctInOrder = seen.stream().distinct().toList();
        assertThat(String.join(" ", distinctInOrder)).isEqualTo(expectedSingleRows(1, 40));
        assertThat(seen.size()).isGreaterThanOrEqualTo(120);
        await().atMost(Duration.ofSeconds(5)).until(() -> destination.acked(CLIENT) == 120);
    }

    private static String expected(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add("B" + i);
            out.add("I" + (i * 100) + "," + (i * 100 + 1));
            out.add("E" + i);
        }
        return String.join(" ", out);
    }

    private static String expectedSingleRows(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add("B" + i);
            out.add("I" + (i * 100));
            out.add("E" + i);
        }
        return String.join(" ", out);
    }
}
