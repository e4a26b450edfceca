package io.sluice.server.instance;

import static io.sluice.protocol.entry.CanalEntry.EventType.INSERT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.ConfigNotices;
import io.sluice.server.config.InstanceConfig;
import io.sluice.server.config.ServerConfig;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.entry.TestEntries;
import io.sluice.server.meta.ClientIdentity;
import io.sluice.server.meta.FileMetaStore;
import io.sluice.server.meta.MemoryMetaStore;
import io.sluice.server.meta.MetaStore;
import io.sluice.server.position.ResumePoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DestinationInstanceTest {

    private static final ClientIdentity C1001 = new ClientIdentity("example", (short) 1001);
    private static final ClientIdentity C1002 = new ClientIdentity("example", (short) 1002);

    @TempDir
    Path conf;

    private final ScriptedSource.Binlog binlog = new ScriptedSource.Binlog();
    private final TestEntries t = new TestEntries();
    private final List<DestinationInstance> started = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopAll() {
        started.forEach(DestinationInstance::stop);
        threads.shutdownNow();
    }

    private InstanceConfig config(String... instanceLines) throws IOException {
        Files.writeString(conf.resolve("canal.properties"), "canal.instance.memory.batch.mode=ITEMSIZE\n");
        Files.createDirectories(conf.resolve("example"));
        Files.writeString(conf.resolve("example/instance.properties"), String.join("\n", instanceLines) + "\n");
        ConfigLoader loader = new ConfigLoader(new Properties(), Map.of(), new ConfigNotices());
        ServerConfig server = loader.loadServer(conf.resolve("canal.properties"));
        return loader.loadInstance(server, "example");
    }

    private DestinationInstance instance(InstanceConfig config, MetaStore meta) {
        DestinationInstance i = new DestinationInstance(config, meta,
                (cfg, source, sink, filter) -> new ScriptedSource(binlog, sink, filter));
        started.add(i);
        return i;
    }

    private DestinationInstance startedInstance(String... lines) throws IOException {
        DestinationInstance i = instance(config(lines), new MemoryMetaStore("example"));
        i.start();
        return i;
    }

    /** Three one-row transactions: 9 entries. */
    private void writeTransactions(int n, String table) {
        for (int k = 0; k < n; k++) {
            binlog.append(t.transaction(x -> List.of(x.row("shop", table, INSERT, "id=" + x.hashCode()))));
        }
    }

    private static List<ResumePoint> resumes(Batch b) {
        return b.entries().stream().map(StoredEntry::resume).toList();
    }

    private List<ResumePoint> binlogResumes(int from, int to) {
        return binlog.entries.subList(from, to).stream().map(ParsedEntry::resume).toList();
    }

    /** Non-blocking get: tests first wait until the source has put what they wrote. */
    private Batch get(DestinationInstance i, ClientIdentity c, int size) throws InterruptedException {
        return i.getWithoutAck(c, size, -1, TimeUnit.MILLISECONDS);
    }

    private static void awaitStored(DestinationInstance i, long entries) {
        await().atMost(Duration.ofSeconds(10)).until(() -> i.store().orElseThrow().putSequence() == entries);
    }

    @Test
    void batchesAreNumberedFromOneAndRollbackRedeliversUnderNewIds() throws Exception {
        DestinationInstance i = startedInstance();
        i.subscribe(C1001, "");
        writeTransactions(3, "orders");
        awaitStored(i, 9);
        Batch b1 = get(i, C1001, 4);
        Batch b2 = get(i, C1001, 4);
        assertThat(b1.id()).isEqualTo(1);
        assertThat(b2.id()).isEqualTo(2);
        assertThat(resumes(b1)).isEqualTo(binlogResumes(0, 4));
        assertThat(resumes(b2)).isEqualTo(binlogResumes(4, 8));
        i.ack(C1001, 1);
        i.rollback(C1001, 0);
        assertThat(i.outstandingBatches(C1001)).isZero();
        Batch again = get(i, C1001, 4);
        assertThat(again.id()).isEqualTo(3);
        assertThat(resumes(again)).isEqualTo(binlogResumes(4, 8));
        Batch rest = get(i, C1001, 4);
        assertThat(resumes(rest)).isEqualTo(binlogResumes(8, 9));
        i.ack(C1001, 3);
        i.ack(C1001, 4);
        assertThat(i.getWithoutAck(C1001, 4, -1, TimeUnit.MILLISECONDS)).isEqualTo(Batch.EMPTY);
        assertThat(i.store().orElseThrow().heldEntries()).isZero();
    }

    @Test
    void aGetThatWouldWaitIsNotAnsweredAtOnceAndAFullBatchIs() throws Exception {
        DestinationInstance i = startedInstance();
        i.subscribe(C1001, "");
        writeTransactions(1, "orders");
        awaitStored(i, 3);
        assertThat(i.getIfReady(C1001, 4)).as("3 of 4 entries: a GET with a timeout would wait").isNull();
        writeTransactions(1, "orders");
        awaitStored(i, 6);
        Batch b = i.getIfReady(C1001, 4);
        assertThat(b).isNotNull();
        assertThat(b.id()).isEqualTo(1);
        assertThat(resumes(b)).isEqualTo(binlogResumes(0, 4));
        assertThat(i.getIfReady(C1001, 4)).as("2 left").isNull();
        assertThat(resumes(i.getWithoutAck(C1001, 4, 50, TimeUnit.MILLISECONDS))).isEqualTo(binlogResumes(4, 6));
    }

    @Test
    void rollbackOfTheOldestBatchRedeliversEverythingAfterTheAck() throws Exception {
        DestinationInstance i = startedInstance();
        i.subscribe(C1001, "");
        writeTransactions(2, "orders");
        awaitStored(i, 6);
        Batch b1 = get(i, C1001, 3);
        get(i, C1001, 3);
        i.rollback(C1001, b1.id());
        Batch again = get(i, C1001, 6);
        assertThat(again.id()).isEqualTo(3);
        assertThat(resumes(again)).isEqualTo(binlogResumes(0, 6));
    }

    @Test
    void batchIdErrorsCarryCanalsTexts() throws Exception {
        DestinationInstance i = startedInstance();
        assertThatThrownBy(() -> get(i, C1001, 1)).isInstanceOf(ClientRequestException.class).hasMessage(
                "ClientIdentity:ClientIdentity[destination=example,clientId=1001,filter=] should subscribe first");
        i.rollback(C1001, 0); // not subscribed: ignored, as canal does for the client's rollback-on-connect
        assertThatThrownBy(() -> i.subscribe(C1001, "shop\\.(orders")).isInstanceOf(ClientRequestException.class)
                .hasMessageContaining("'shop\\.(orders'");
        assertThat(i.isSubscribed(C1001)).isFalse();
        i.subscribe(C1001, "");
        writeTransactions(2, "orders");
        awaitStored(i, 6);
        get(i, C1001, 2);
        get(i, C1001, 2);
        assertThatThrownBy(() -> i.ack(C1001, 2)).isInstanceOf(ClientRequestException.class)
                .hasMessage("batchId:2 is not the firstly:1");
        assertThatThrownBy(() -> i.rollback(C1001, 2)).hasMessage("batchId:2 is not the firstly:1");
        i.ack(C1001, 1);
        i.ack(C1001, 2);
        assertThatThrownBy(() -> i.ack(C1001, 5)).hasMessage(
                "ack error , clientId:1001 batchId:5 is not exist , please check");
        assertThatThrownBy(() -> i.rollback(C1001, 7)).hasMessage(
                "rollback error, clientId:1001 batchId:7 is not exist , please check");
        assertThatThrownBy(() -> i.ack(C1001, 0)).isInstanceOf(ClientRequestException.class)
                .hasMessage("batchId should assign value")
                .satisfies(e -> assertThat(((ClientRequestException) e).errorCode()).isEqualTo(402));
        i.ack(C1001, -1); // the official client's ack of an empty batch: ignored
        i.stop();
        assertThatThrownBy(() -> get(i, C1001, 1)).hasMessage("destination:example should start first");
        assertThatThrownBy(() -> i.ack(C1001, 3)).hasMessage("destination:example should start first");
    }

    @Test
    void disconnectRollsBackTheClientsOutstandingBatches() throws Exception {
        DestinationInstance i = startedInstance();
        i.subscribe(C1001, "");
        writeTransactions(2, "orders");
        awaitStored(i, 6);
        Batch b1 = get(i, C1001, 2);
        get(i, C1001, 2);
        i.ack(C1001, b1.id());
        i.clientDisconnected(C1001);
        assertThat(i.outstandingBatches(C1001)).isZero();
        Batch next = get(i, C1001, 10);
        assertThat(next.id()).isEqualTo(3);
        assertThat(resumes(next)).isEqualTo(binlogResumes(2, 6));
    }

    @Test
    void subscribeFilterNarrowsWhatTheClientReceivesAndSkippedEntriesAreConsumed() throws Exception {
        DestinationInstance i = startedInstance("canal.instance.filter.regex=shop\\\\..*");
        i.subscribe(C1001, "shop\\.orders,crm\\..*");
        binlog.append(t.transaction(x -> List.of(x.row("shop", "orders", INSERT, "id=1"),
                x.row("shop", "users", INSERT, "id=2"), x.row("crm", "users", INSERT, "id=3"))));
        binlog.append(t.transaction(x -> List.of(x.row("shop", "users", INSERT, "id=4"))));
        binlog.append(List.of(t.ddl("shop", "users", CanalEntry.EventType.ALTER, "ALTER TABLE users ADD c INT")));
        await().atMost(Duration.ofSeconds(10)).until(() -> i.store().orElseThrow().heldEntries() == 8);
        // the store holds BEGIN orders users END (crm is outside the destination's filter) BEGIN users END ALTER
        Batch b = get(i, C1001, 4);
        assertThat(b.entries()).extracting(StoredEntry::table).containsExactly("", "orders", "");
        i.ack(C1001, b.id());
        // transaction frames pass a subscribe filter (as BEGIN/END pass canal's filters); their rows do not
        Batch frames = get(i, C1001, 3);
        assertThat(frames.entries()).extracting(StoredEntry::kind)
                .containsExactly(StoredEntry.Kind.TRANSACTION_BEGIN, StoredEntry.Kind.TRANSACTION_END);
        i.ack(C1001, frames.id());
        // the ALTER of shop.users is nothing for this client: consumed for it, never sent
        assertThat(i.getWithoutAck(C1001, 10, 200, TimeUnit.MILLISECONDS)).isEqualTo(Batch.EMPTY);
        assertThat(i.store().orElseThrow().heldEntries()).isZero();
    }

    @Test
    void entriesSkippedForAClientAfterAnOutstandingBatchAreAckedWithIt() throws Exception {
        DestinationInstance i = startedInstance();
        i.subscribe(C1001, "shop\\.orders");
        writeTransactions(1, "orders");
        binlog.append(List.of(t.ddl("shop", "users", CanalEntry.EventType.ALTER, "ALTER TABLE users ADD c INT")));
        await().atMost(Duration.ofSeconds(10)).until(() -> i.store().orElseThrow().heldEntries() == 4);
        Batch b = get(i, C1001, 3);
        assertThat(i.getWithoutAck(C1001, 10, -1, TimeUnit.MILLISECONDS)).isEqualTo(Batch.EMPTY);
        assertThat(i.store().orElseThrow().heldEntries()).as("held until the batch before it is acked").isEqualTo(4);
        i.ack(C1001, b.id());
        assertThat(i.store().orElseThrow().heldEntries()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> i.store().orElseThrow().heldEntries() == 0);
    }

    @Test
    void restartResumesFromTheLastAckAndNothingAckedComesTwice() throws Exception {
        InstanceConfig config = config();
        Path data = conf.resolve("data");
        DestinationInstance i = instance(config, new FileMetaStore("example", data, 60_000));
        i.start();
        i.subscribe(C1001, "");
        i.subscribe(C1002, "");
        binlog.append(t.transaction(x -> List.of(x.row("shop", "orders", INSERT, "id=1"),
                x.row("shop", "orders", INSERT, "id=2"), x.row("shop", "orders", INSERT, "id=3"))));
        writeTransactions(2, "orders");
        awaitStored(i, 11);
        // 1001 acks into the middle of the first transaction: BEGIN and two rows
        Batch b = get(i, C1001, 3);
        i.ack(C1001, b.id());
        // 1002 acks the first transaction and one more entry
        Batch b2 = get(i, C1002, 6);
        i.ack(C1002, b2.id());
        get(i, C1002, 2); // outstanding, not acked: may come again
        i.stop();

        writeTransactions(1, "orders");
        DestinationInstance again = instance(config, new FileMetaStore("example", data, 60_000));
        again.start();
        assertThat(binlog.starts.get(binlog.starts.size() - 1)).as("the earliest client cursor")
                .isEqualTo(binlog.entries.get(2).resume());
        awaitStored(again, binlog.entries.size() - 3);
        List<ResumePoint> got1 = new ArrayList<>();
        List<ResumePoint> got2 = new ArrayList<>();
        int total = binlog.entries.size();
        while (got1.size() < total - 3) {
            Batch x = get(again, C1001, 4);
            got1.addAll(resumes(x));
            again.ack(C1001, x.id());
        }
        while (got2.size() < total - 6) {
            Batch x = get(again, C1002, 4);
            got2.addAll(resumes(x));
            again.ack(C1002, x.id());
        }
        assertThat(got1).isEqualTo(binlogResumes(3, total));
        assertThat(got2).isEqualTo(binlogResumes(6, total));
        assertThat(again.getWithoutAck(C1002, 4, 100, TimeUnit.MILLISECONDS)).isEqualTo(Batch.EMPTY);
    }

    @Test
    void aRestartBeforeTheFirstAckReplaysTheFirstBatchInsteadOfSkippingIt() throws Exception {
        InstanceConfig config = config();
        Path data = conf.resolve("data");
        FileMetaStore meta = new FileMetaStore("example", data, 0);
        DestinationInstance i = instance(config, meta);
        i.start();
        i.subscribe(C1001, "");
        writeTransactions(2, "orders");
        awaitStored(i, 6);
        Batch first = get(i, C1001, 4); // received, never acked; then the server goes away
        assertThat(resumes(first)).isEqualTo(binlogResumes(0, 4));
        i.stop();

        writeTransactions(1, "orders");
        DestinationInstance again = instance(config, new FileMetaStore("example", data, 0));
        again.start();
        ResumePoint beforeFirst = new ResumePoint(binlog.entries.get(0).resume().position(), 0);
        assertThat(binlog.starts.get(binlog.starts.size() - 1)).as("restart point: just before the first batch")
                .isEqualTo(beforeFirst);
        awaitStored(again, binlog.entries.size());
        List<ResumePoint> got = new ArrayList<>();
        while (got.size() < binlog.entries.size()) {
            Batch x = get(again, C1001, 4);
            got.addAll(resumes(x));
            again.ack(C1001, x.id());
        }
        assertThat(got).isEqualTo(binlogResumes(0, binlog.entries.size()));
    }

    @Test
    void cursorRecordsCanalsAckPointAndSluicesResumePoint() throws Exception {
        MemoryMetaStore meta = new MemoryMetaStore("example");
        DestinationInstance i = instance(config(), meta);
        i.start();
        i.subscribe(C1001, "");
        binlog.append(t.transaction(x -> List.of(x.row("shop", "orders", INSERT, "id=1"),
                x.row("shop", "orders", INSERT, "id=2"))));
        awaitStored(i, 4);
        Batch b = get(i, C1001, 3); // BEGIN, row, row
        i.ack(C1001, b.id());
        var cursor = meta.cursor(C1001).orElseThrow();
        assertThat(cursor.ackPoint().position()).as("canal's cursor: the BEGIN, its last ack point")
                .isEqualTo(binlog.entries.get(0).position());
        assertThat(cursor.ackPoint().sourceHost()).isEqualTo("127.0.0.1");
        assertThat(cursor.ackPoint().sourcePort()).isEqualTo(3306);
        assertThat(cursor.resume().get("")).isEqualTo(binlog.entries.get(2).resume());
    }

    @Test
    void getWithTimeoutZeroWaitsForAFullBatch() throws Exception {
        DestinationInstance i = startedInstance();
        i.subscribe(C1001, "");
        writeTransactions(1, "orders");
        Future<Batch> get = threads.submit(() -> i.getWithoutAck(C1001, 6, 0, TimeUnit.MILLISECONDS));
        writeTransactions(1, "orders");
        assertThat(get.get(10, TimeUnit.SECONDS).entries()).hasSize(6);
    }

    @Test
    void memSizeBatchesCountKilobytes() throws Exception {
        Files.writeString(conf.resolve("canal.properties"), "canal.instance.memory.buffer.memunit=64\n");
        ConfigLoader loader = new ConfigLoader(new Properties(), Map.of(), new ConfigNotices());
        ServerConfig server = loader.loadServer(conf.resolve("canal.properties"));
        DestinationInstance i = instance(loader.loadInstance(server, "example"), new MemoryMetaStore("example"));
        i.start();
        i.subscribe(C1001, "");
        writeTransactions(5, "orders");
        await().atMost(Duration.ofSeconds(10)).until(() -> i.store().orElseThrow().heldEntries() == 15);
        Batch b = i.getWithoutAck(C1001, 2, -1, TimeUnit.MILLISECONDS); // 128 bytes
        long beforeLast = b.entries().subList(0, b.entries().size() - 1).stream().mapToLong(StoredEntry::size).sum();
        assertThat(beforeLast).isLessThanOrEqualTo(128);
        assertThat(b.entries().stream().mapToLong(StoredEntry::size).sum()).isGreaterThan(128);
    }

    @Test
    void lazyDestinationStartsOnTheFirstSubscribe() throws Exception {
        Files.writeString(conf.resolve("canal.properties"), "canal.instance.global.lazy=true\n");
        Files.createDirectories(conf.resolve("example"));
        ConfigLoader loader = new ConfigLoader(new Properties(), Map.of(), new ConfigNotices());
        ServerConfig server = loader.loadServer(conf.resolve("canal.properties"));
        DestinationInstance i = instance(loader.loadInstance(server, "example"), new MemoryMetaStore("example"));
        assertThat(i.isRunning()).isFalse();
        i.subscribe(C1001, "");
        assertThat(i.isRunning()).isTrue();
        assertThat(binlog.starts).hasSize(1);
    }

    @Test
    void unsubscribeForgetsTheClientAndItsCursor() throws Exception {
        MemoryMetaStore meta = new MemoryMetaStore("example");
        DestinationInstance i = instance(config(), meta);
        i.start();
        i.subscribe(C1001, "");
        writeTransactions(1, "orders");
        awaitStored(i, 3);
        i.ack(C1001, get(i, C1001, 3).id());
        assertThat(meta.cursor(C1001)).isPresent();
        i.unsubscribe(C1001);
        assertThat(i.isSubscribed(C1001)).isFalse();
        assertThat(meta.subscriptions()).isEmpty();
        assertThat(meta.cursor(C1001)).isEmpty();
    }

    @Test
    void theParserIsAskedOnlyForTablesTheFiltersKeep() throws Exception {
        startedInstance("canal.instance.filter.regex=shop\\\\..*", "canal.instance.filter.black.regex=shop\\\\.tmp");
        ScriptedSource s = binlog.created.get(0);
        assertThat(s.filter.accepts("shop", "orders")).isTrue();
        assertThat(s.filter.accepts("shop", "tmp")).isFalse();
        assertThat(s.filter.accepts("crm", "users")).isFalse();
    }

    @Test
    void ddlTravelsAloneWithDdlIsolation() throws Exception {
        DestinationInstance i = startedInstance("canal.instance.get.ddl.isolation=true");
        i.subscribe(C1001, "");
        writeTransactions(1, "orders");
        binlog.append(List.of(t.ddl("shop", "orders", CanalEntry.EventType.ALTER, "ALTER TABLE orders ADD c INT")));
        writeTransactions(1, "orders");
        await().atMost(Duration.ofSeconds(10)).until(() -> i.store().orElseThrow().heldEntries() == 7);
        assertThat(i.getWithoutAck(C1001, 100, -1, TimeUnit.MILLISECONDS).entries()).hasSize(3);
        assertThat(i.getWithoutAck(C1001, 100, -1, TimeUnit.MILLISECONDS).entries())
                .extracting(StoredEntry::kind).containsExactly(StoredEntry.Kind.DDL);
        assertThat(i.getWithoutAck(C1001, 100, -1, TimeUnit.MILLISECONDS).entries()).hasSize(3);
    }
}
