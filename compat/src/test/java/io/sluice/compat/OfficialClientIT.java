package io.sluice.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alibaba.otter.canal.client.CanalConnector;
import com.alibaba.otter.canal.client.impl.SimpleCanalConnector;
import com.alibaba.otter.canal.protocol.CanalEntry;
import com.alibaba.otter.canal.protocol.Message;
import com.alibaba.otter.canal.protocol.exception.CanalClientException;
import com.google.protobuf.ByteString;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * canal's official client ({@code canal.client} 1.1.8, unchanged, on protobuf-java 3) against Sluice's server in a
 * child JVM. The server serves fixed entries (transaction {@code i}: BEGIN, INSERT of {@code id=i*100+r},
 * {@code name=row-i-r} into {@code compat.t}, END; see the server's {@code SampleEntries}); every test uses a
 * destination of its own because the official client always is client 1001.
 */
class OfficialClientIT {

    private static final String USER = "canal";
    private static final String PASSWORD = "canal";
    /** canal.passwd for "canal" (CANAL-PROTOCOL.md §2.2). */
    private static final String PASSWORD_HASH = "E3619321C1A937C46A0D8BD1DAC39F93B27D4458";
    private static final AtomicInteger DESTINATIONS = new AtomicInteger();

    private static ServerProcess server;
    private final List<CanalConnector> connectors = new ArrayList<>();
    private String destination;

    @BeforeAll
    static void startServer() throws Exception {
        server = ServerProcess.start("official-client-server", "io.sluice.server.net.testing.FixedEntriesServer",
                List.of("-Xmx256m"), "--user", USER, "--passwd", PASSWORD_HASH, "--transactions", "10", "--rows", "2");
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void disconnect() {
        connectors.forEach(c -> {
            try {
                c.disconnect();
            } catch (CanalClientException e) {
                System.out.println("disconnect after test: " + e.getMessage());
            }
        });
    }

    private String freshDestination(TestInfo test) {
        destination = "example-" + DESTINATIONS.incrementAndGet() + "-" + test.getTestMethod().orElseThrow().getName();
        return destination;
    }

    private SimpleCanalConnector connector(String password) {
        SimpleCanalConnector connector = new SimpleCanalConnector(server.address(), USER, password, destination);
        connectors.add(connector);
        return connector;
    }

    private SimpleCanalConnector subscribed() {
        SimpleCanalConnector connector = connector(PASSWORD);
        connector.connect();
        connector.subscribe("compat\\..*");
        return connector;
    }

    /** "B1 I100,101 E1 ..." from canal's own entry classes. */
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

    private static String transactions(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add("B" + i + " I" + (i * 100) + "," + (i * 100 + 1) + " E" + i);
        }
        return String.join(" ", out);
    }

    @Test
    void connectSubscribeGetWithoutAckAckGetUnsubscribeDisconnect(TestInfo test) throws Exception {
        freshDestination(test);
        SimpleCanalConnector connector = subscribed();
        Message first = connector.getWithoutAck(4);
        assertThat(first.getId()).isEqualTo(1);
        assertThat(first.isRaw()).isFalse();
        assertThat(describe(first.getEntries())).isEqualTo("B1 I100,101 E1 B2");
        connector.ack(first.getId());
        Message second = connector.get(5);
        assertThat(second.getId()).isEqualTo(2);
        assertThat(describe(second.getEntries())).isEqualTo("I200,201 E2 B3 I300,301 E3");
        Message rest = connector.getWithoutAck(1000, -1L, TimeUnit.MILLISECONDS);
        assertThat(describe(rest.getEntries())).isEqualTo(transactions(4, 10));
        connector.ack(rest.getId());
        Message empty = connector.getWithoutAck(1000);
        assertThat(empty.getId()).isEqualTo(-1);
        assertThat(empty.getEntries()).isEmpty();
        connector.ack(empty.getId());
        connector.unsubscribe();
        connector.disconnect();
    }

    @Test
    void entriesDecodeWithCanalsClassesToExactlyTheServedValues(TestInfo test) throws Exception {
        freshDestination(test);
        SimpleCanalConnector connector = subscribed();
        List<CanalEntry.Entry> entries = connector.getWithoutAck(3).getEntries();

        CanalEntry.Entry begin = entries.get(0);
        assertThat(begin.getEntryType()).isEqualTo(CanalEntry.EntryType.TRANSACTIONBEGIN);
        CanalEntry.Header beginHeader = begin.getHeader();
        assertThat(beginHeader.getVersion()).isEqualTo(1);
        assertThat(beginHeader.getLogfileName()).isEqualTo("mysql-bin.000001");
        assertThat(beginHeader.getLogfileOffset()).isEqualTo(1000);
        assertThat(beginHeader.getServerId()).isEqualTo(1);
        assertThat(beginHeader.getServerenCode()).isEqualTo("UTF-8");
        assertThat(beginHeader.getExecuteTime()).isEqualTo(1_700_000_001_000L);
        assertThat(beginHeader.getSourceType()).isEqualTo(CanalEntry.Type.MYSQL);
        assertThat(beginHeader.getSchemaName()).isEmpty();
        assertThat(beginHeader.getEventLength()).isEqualTo(100);
        // canal leaves eventType unset on BEGIN/END; proto2 clients then read the default, UPDATE
        assertThat(beginHeader.hasEventType()).isFalse();
        assertThat(beginHeader.getEventType()).isEqualTo(CanalEntry.EventType.UPDATE);
        assertThat(CanalEntry.TransactionBegin.parseFrom(begin.getStoreValue()).getThreadId()).isEqualTo(1);

        CanalEntry.Entry insert = entries.get(1);
        assertThat(insert.getEntryType()).isEqualTo(CanalEntry.EntryType.ROWDATA);
        CanalEntry.Header header = insert.getHeader();
        assertThat(header.getLogfileOffset()).isEqualTo(1100);
        assertThat(header.getSchemaName()).isEqualTo("compat");
        assertThat(header.getTableName()).isEqualTo("t");
        assertThat(header.getEventType()).isEqualTo(CanalEntry.EventType.INSERT);
        assertThat(header.getPropsList()).singleElement().satisfies(p -> {
            assertThat(p.getKey()).isEqualTo("rowsCount");
            assertThat(p.getValue()).isEqualTo("2");
        });
        CanalEntry.RowChange change = CanalEntry.RowChange.parseFrom(insert.getStoreValue());
        assertThat(change.getTableId()).isEqualTo(42);
        assertThat(change.getEventType()).isEqualTo(CanalEntry.EventType.INSERT);
        assertThat(change.getIsDdl()).isFalse();
        assertThat(change.getRowDatasCount()).isEqualTo(2);
        CanalEntry.RowData row = change.getRowDatas(1);
        assertThat(row.getBeforeColumnsList()).isEmpty();
        CanalEntry.Column id = row.getAfterColumns(0);
        assertThat(List.of(id.getIndex(), id.getSqlType())).containsExactly(0, 4);
        assertThat(id.getName()).isEqualTo("id");
        assertThat(id.getIsKey()).isTrue();
        assertThat(id.getUpdated()).isTrue();
        assertThat(id.getIsNull()).isFalse();
        assertThat(id.getValue()).isEqualTo("101");
        assertThat(id.getMysqlType()).isEqualTo("int(11)");
        CanalEntry.Column name = row.getAfterColumns(1);
        assertThat(List.of(name.getIndex(), name.getSqlType())).containsExactly(1, 12);
        assertThat(name.getName()).isEqualTo("name");
        assertThat(name.getIsKey()).isFalse();
        assertThat(name.getValue()).isEqualTo("row-1-1");
        assertThat(name.getMysqlType()).isEqualTo("varchar(32)");

        CanalEntry.Entry end = entries.get(2);
        assertThat(end.getEntryType()).isEqualTo(CanalEntry.EntryType.TRANSACTIONEND);
        assertThat(end.getHeader().getLogfileOffset()).isEqualTo(1200);
        assertThat(CanalEntry.TransactionEnd.parseFrom(end.getStoreValue()).getTransactionId()).isEqualTo("1");
    }

    @Test
    void lazyParsingHandsOutTheRawEntryBytes(TestInfo test) throws Exception {
        freshDestination(test);
        SimpleCanalConnector connector = connector(PASSWORD);
        connector.setLazyParseEntry(true);
        connector.connect();
        connector.subscribe();
        Message message = connector.getWithoutAck(3);
        assertThat(message.isRaw()).isTrue();
        assertThat(message.getEntries()).isEmpty();
        List<CanalEntry.Entry> parsed = new ArrayList<>();
        for (ByteString raw : message.getRawEntries()) {
            parsed.add(CanalEntry.Entry.parseFrom(raw));
        }
        assertThat(describe(parsed)).isEqualTo("B1 I100,101 E1");
    }

    @Test
    void getTimeoutsBehaveAsCanalDocumentsThem(TestInfo test) throws Exception {
        freshDestination(test);
        SimpleCanalConnector connector = subscribed();
        connector.ack(connector.getWithoutAck(27).getId());
        // > 0: waits for a full batch of 10, then returns the 3 there are
        long start = System.nanoTime();
        Message partial = connector.getWithoutAck(10, 300L, TimeUnit.MILLISECONDS);
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(describe(partial.getEntries())).isEqualTo("B10 I1000,1001 E10");
        System.out.println("GET with timeout 300 ms and too few entries returned after " + waitedMillis + " ms");
        connector.ack(partial.getId());
        // nothing left: an empty message, id -1
        Message none = connector.getWithoutAck(10, 100L, TimeUnit.MILLISECONDS);
        assertThat(none.getId()).isEqualTo(-1);
        // 0 blocks for a full batch: nothing more comes, so it is still waiting while the client's own timer runs
        CompletableFuture<Message> blocked = CompletableFuture.supplyAsync(
                () -> connector.getWithoutAck(10, 0L, TimeUnit.MILLISECONDS));
        Thread.sleep(500);
        assertThat(blocked).isNotDone();
        connector.disconnect();
        assertThat(blocked).failsWithin(30, TimeUnit.SECONDS);
    }

    @Test
    void rollbackRedeliversFromTheLastAck(TestInfo test) throws Exception {
        freshDestination(test);
        SimpleCanalConnector connector = subscribed();
        connector.ack(connector.getWithoutAck(3).getId());
        Message second = connector.getWithoutAck(3);
        connector.getWithoutAck(3);
        connector.rollback();
        Message again = connector.getWithoutAck(3);
        assertThat(describe(again.getEntries())).isEqualTo(describe(second.getEntries()));
        assertThat(again.getId()).isEqualTo(4);
        connector.rollback(again.getId());
        Message third = connector.getWithoutAck(3);
        assertThat(describe(third.getEntries())).isEqualTo(describe(second.getEntries()));
    }

    @Test
    void reconnectRedeliversUnackedBatches(TestInfo test) throws Exception {
        freshDestination(test);
        SimpleCanalConnector first = subscribed();
        first.ack(first.getWithoutAck(3).getId());
        Message unacked = first.getWithoutAck(6);
        first.disconnect();
        // the shipped default: rollback on connect
        SimpleCanalConnector second = subscribed();
        Message redelivered = second.getWithoutAck(6);
        assertThat(describe(redelivered.getEntries())).isEqualTo(describe(unacked.getEntries()));
        Message unackedAgain = second.getWithoutAck(3);
        second.disconnect();
        // without rollback on connect, Sluice's own rollback on disconnect still gives them back
        SimpleCanalConnector third = connector(PASSWORD);
        third.setRollbackOnConnect(false);
        third.connect();
        third.subscribe("compat\\..*");
        Message fromThird = third.getWithoutAck(9);
        assertThat(describe(fromThird.getEntries()))
                .isEqualTo(describe(redelivered.getEntries()) + " " + describe(unackedAgain.getEntries()));
    }

    @Test
    void wrongPasswordFailsTheConnect(TestInfo test) {
        freshDestination(test);
        SimpleCanalConnector connector = connector("not-canal");
        assertThatThrownBy(connector::connect).isInstanceOf(CanalClientException.class)
                .hasStackTraceContaining("auth failed for user:canal");
    }

    @Test
    void unknownDestinationFailsTheSubscribe() {
        destination = "unknown";
        SimpleCanalConnector connector = connector(PASSWORD);
        connector.setRollbackOnConnect(false);
        connector.connect();
        assertThatThrownBy(() -> connector.subscribe()).isInstanceOf(CanalClientException.class)
                .hasMessageContaining("destination:unknown should start first");
    }

    @Test
    void unknownDestinationWithRollbackOnConnectFailsAtSubscribeAsCanalDoes() {
        destination = "unknown";
        SimpleCanalConnector connector = connector(PASSWORD);
        // the rollback sent on connect has no reply; its error is read as the subscribe's (canal issue #207)
        connector.connect();
        assertThatThrownBy(() -> connector.subscribe()).isInstanceOf(CanalClientException.class)
                .hasMessageContaining("should start first");
    }

    @Test
    void getBeforeSubscribeFails(TestInfo test) {
        freshDestination(test);
        SimpleCanalConnector connector = connector(PASSWORD);
        connector.connect();
        assertThatThrownBy(() -> connector.getWithoutAck(10)).isInstanceOf(CanalClientException.class)
                .hasMessageContaining("should subscribe first");
    }

    @Test
    void ackOutOfOrderIsReportedOnTheNextCallAsCanalDoes(TestInfo test) throws Exception {
        freshDestination(test);
        SimpleCanalConnector connector = subscribed();
        Message first = connector.getWithoutAck(3);
        Message second = connector.getWithoutAck(3);
        connector.ack(second.getId());
        assertThatThrownBy(() -> connector.getWithoutAck(3)).isInstanceOf(CanalClientException.class)
                .hasMessageContaining("batchId:2 is not the firstly:1");
        // canal's client is now one reply behind: the next call reads the previous GET's batch
        Message late = connector.getWithoutAck(3);
        assertThat(late.getId()).isEqualTo(3);
        connector.ack(first.getId());
        connector.ack(second.getId());
        connector.ack(late.getId());
    }
}
