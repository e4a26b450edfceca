package io.sluice.server.store;

import static io.sluice.server.store.StoreEntries.entry;
import static io.sluice.server.store.StoreEntries.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.server.entry.StoredEntry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RingBufferStoreTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private static RingBufferStore store(int capacity, int memUnit, BatchMode mode) {
        return new RingBufferStore(new StoreSettings(capacity, memUnit, mode, false));
    }

    private static List<Long> ids(Slice s) {
        return s.entries().stream().map(StoreEntries::id).toList();
    }

    private static List<StoredEntry> entries(long from, long to, int size) {
        return LongStream.range(from, to).mapToObj(i -> entry(i, size)).toList();
    }

    @Test
    void itemSizeBatchesCountEntries() throws InterruptedException {
        RingBufferStore store = store(16, 1024, BatchMode.ITEMSIZE);
        RingBufferStore.Reader r = store.openReader();
        store.put(entries(0, 5, 100));
        assertThat(ids(r.get(3, -1))).containsExactly(0L, 1L, 2L);
        assertThat(ids(r.get(3, -1))).containsExactly(3L, 4L);
        assertThat(r.get(3, -1).isEmpty()).isTrue();
    }

    @Test
    void memSizeBatchesCountBytesAndOvershootByOneEntry() throws InterruptedException {
        RingBufferStore store = store(16, 100, BatchMode.MEMSIZE);
        RingBufferStore.Reader r = store.openReader();
        store.put(entries(0, 6, 60));
        // limit 100 bytes: 0 ≤ 100 add (60), 60 ≤ 100 add (120), stop
        assertThat(ids(r.get(1, -1))).containsExactly(0L, 1L);
        // limit 200: 0,60,120,180 ≤ 200 → four entries (240)
        Slice s = r.get(2, -1);
        assertThat(ids(s)).containsExactly(2L, 3L, 4L, 5L);
        r.ack(s.to());
        store.put(List.of(entry(6, 5000)));
        assertThat(ids(r.get(1, -1))).as("an entry larger than the batch still comes, alone").containsExactly(6L);
    }

    @Test
    void nonBlockingGetReturnsWhatIsThereAndEmptyWhenNothing() throws InterruptedException {
        RingBufferStore store = store(16, 1024, BatchMode.ITEMSIZE);
        RingBufferStore.Reader r = store.openReader();
        assertThat(r.get(10, -1).entries()).isEmpty();
        store.put(entries(0, 2, 10));
        assertThat(ids(r.get(10, -1))).containsExactly(0L, 1L);
    }

    @Test
    void blockingGetWaitsForAFullBatch() throws Exception {
        RingBufferStore store = store(16, 1024, BatchMode.ITEMSIZE);
        RingBufferStore.Reader r = store.openReader();
        store.put(entries(0, 2, 10));
        Future<Slice> get = threads.submit(() -> r.get(3, 0));
        store.put(entries(2, 3, 10));
        assertThat(ids(get.get(10, TimeUnit.SECONDS))).containsExactly(0L, 1L, 2L);
        // the partial batch was not handed out before the third entry arrived, whatever the timing
    }

    @Test
    void aBatchIsReadyAtOnceWhenFullOrWhenTheStoreCanTakeNoMore() throws InterruptedException {
        RingBufferStore store = store(4, 100, BatchMode.MEMSIZE);
        RingBufferStore.Reader r = store.openReader();
        assertThat(r.hasBatch(2)).as("nothing there").isFalse();
        store.put(entries(0, 2, 60));
        assertThat(r.hasBatch(2)).as("120 of 200 bytes").isFalse();
        assertThat(r.hasBatch(1)).as("120 of 100 bytes").isTrue();
        store.put(entries(2, 4, 10));
        assertThat(r.hasBatch(10)).as("140 of 1000 bytes, but the ring of 4 is full").isTrue();
        assertThat(ids(r.get(10, TimeUnit.SECONDS.toNanos(10)))).containsExactly(0L, 1L, 2L, 3L);
        assertThat(r.hasBatch(1)).as("all handed out").isFalse();
    }

    @Test
    void getWithTimeoutReturnsWhatThereIsWhenTheBatchDoesNotFill() throws InterruptedException {
        RingBufferStore store = store(16, 1024, BatchMode.ITEMSIZE);
        RingBufferStore.Reader r = store.openReader();
        store.put(entries(0, 2, 10));
        assertThat(ids(r.get(5, TimeUnit.MILLISECONDS.toNanos(50)))).containsExactly(0L, 1L);
        assertThat(r.get(5, TimeUnit.MILLISECONDS.toNanos(20)).entries()).isEmpty();
    }

    @Test
    void rollbackRedeliversTheSameEntriesFromTheAck() throws InterruptedException {
        RingBufferStore store = store(16, 1024, BatchMode.ITEMSIZE);
        RingBufferStore.Reader r = store.openReader();
        store.put(entries(0, 6, 10));
        Slice a = r.get(2, -1);
        Slice b = r.get(2, -1);
        r.ack(a.to());
        r.rollback();
        assertThat(ids(r.get(10, -1))).containsExactly(2L, 3L, 4L, 5L);
        assertThat(b.from()).isEqualTo(2);
    }

    @Test
    void ackFreesSpaceAndAFullStoreBlocksPut() throws Exception {
        RingBufferStore store = store(4, 1024, BatchMode.ITEMSIZE);
        RingBufferStore.Reader r = store.openReader();
        Future<?> put = threads.submit(() -> {
            store.put(entries(0, 6, 10));
            return null;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> store.heldEntries() == 4);
        assertThat(put.isDone()).isFalse();
        Slice s = r.get(4, -1);
        assertThat(ids(s)).containsExactly(0L, 1L, 2L, 3L);
        assertThat(store.heldEntries()).as("handed out is not freed").isEqualTo(4);
        r.ack(s.to());
        put.get(10, TimeUnit.SECONDS);
        assertThat(ids(r.get(4, -1))).containsExactly(4L, 5L);
    }

    @Test
    void entriesAreFreedOnlyWhenEveryReaderAckedThem() throws InterruptedException {
        RingBufferStore store = store(8, 1024, BatchMode.ITEMSIZE);
        RingBufferStore.Reader a = store.openReader();
        RingBufferStore.Reader b = store.openReader();
        store.put(entries(0, 4, 10));
        a.ack(a.get(4, -1).to());
        assertThat(store.heldEntries()).isEqualTo(4);
        b.ack(b.get(2, -1).to());
        assertThat(store.heldEntries()).isEqualTo(2);
        b.close();
        assertThat(store.heldEntries()).isZero();
    }

    @Test
    void ddlIsolationDeliversADdlAlone() throws InterruptedException {
        RingBufferStore store = new RingBufferStore(new StoreSettings(16, 1024, BatchMode.ITEMSIZE, true));
        RingBufferStore.Reader r = store.openReader();
        store.put(List.of(entry(0, 10), entry(1, 10), entry(2, 10, StoredEntry.Kind.DDL), entry(3, 10)));
        assertThat(ids(r.get(10, 0))).as("a DDL in view completes the batch before it").containsExactly(0L, 1L);
        assertThat(ids(r.get(10, 0))).containsExactly(2L);
        assertThat(ids(r.get(10, -1))).containsExactly(3L);
    }

    @Test
    void closeWakesWaitingGetAndPut() throws Exception {
        RingBufferStore store = store(2, 1024, BatchMode.ITEMSIZE);
        RingBufferStore.Reader r = store.openReader();
        store.put(entries(0, 2, 10));
        RingBufferStore.Reader other = store.openReader();
        r.ack(r.get(2, -1).to());
        Future<Slice> get = threads.submit(() -> r.get(5, 0));
        Future<?> put = threads.submit(() -> {
            store.put(entries(2, 3, 10));
            return null;
        });
        store.close();
        assertThat(get.get(10, TimeUnit.SECONDS).entries()).isEmpty();
        assertThatThrownBy(() -> put.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreClosedException.class);
        other.close();
    }

    @Test
    void ackOutsideTheHandedOutRangeIsRefused() throws InterruptedException {
        RingBufferStore store = store(8, 1024, BatchMode.ITEMSIZE);
        RingBufferStore.Reader r = store.openReader();
        store.put(entries(0, 4, 10));
        r.get(2, -1);
        assertThatThrownBy(() -> r.ack(3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFiftyMegabyteEntryPassesThroughASmallStore() throws Exception {
        RingBufferStore store = store(16, 1024, BatchMode.MEMSIZE); // 16 KB byte bound
        RingBufferStore.Reader r = store.openReader();
        int big = 50 * 1024 * 1024;
        Future<?> producer = threads.submit(() -> {
            store.put(List.of(entry(0, 100), entry(1, big), entry(2, 100)));
            return null;
        });
        List<Long> got = new ArrayList<>();
        long maxHeld = 0;
        while (got.size() < 3) {
            Slice s = r.get(4, TimeUnit.MILLISECONDS.toNanos(200));
            maxHeld = Math.max(maxHeld, store.heldBytes());
            if (s.isEmpty()) {
                continue;
            }
            if (s.entries().stream().anyMatch(e -> e.size() == big)) {
                assertThat(s.entries()).as("the oversized entry travels alone").hasSize(1);
            }
            got.addAll(ids(s));
            r.ack(s.to());
        }
        producer.get(10, TimeUnit.SECONDS);
        assertThat(got).containsExactly(0L, 1L, 2L);
        assertThat(maxHeld).as("the big entry was held alone").isEqualTo(big);
        assertThat(store.heldBytes()).isZero();
    }

    @Test
    void byteBoundHoldsWithEntriesOfRandomSizes() throws Exception {
        RingBufferStore store = store(1024, 64, BatchMode.MEMSIZE); // 64 KB
        long bound = store.settings().byteCapacity();
        RingBufferStore.Reader r = store.openReader();
        Random random = new Random(42);
        int n = 20_000;
        List<StoredEntry> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(entry(i, 8 + random.nextInt(random.nextInt(10) == 0 ? 20_000 : 600)));
        }
        AtomicLong maxHeld = new AtomicLong();
        Future<?> producer = threads.submit(() -> {
            for (int i = 0; i < n; i += 37) {
                store.put(all.subList(i, Math.min(n, i + 37)));
                maxHeld.accumulateAndGet(store.heldBytes(), Math::max);
            }
            return null;
        });
        long next = 0;
        while (next < n) {
            Slice s = r.get(1 + random.nextInt(40), TimeUnit.MILLISECONDS.toNanos(5));
            maxHeld.accumulateAndGet(store.heldBytes(), Math::max);
            assertThat(store.heldBytes()).isLessThanOrEqualTo(bound);
            for (StoredEntry e : s.entries()) {
                assertThat(id(e)).isEqualTo(next++);
            }
            r.ack(s.to());
        }
        producer.get(30, TimeUnit.SECONDS);
        assertThat(maxHeld.get()).isLessThanOrEqualTo(bound).isGreaterThan(bound / 2);
    }

    /**
     * A producer and two consumers with random get / ack / rollback choices (fixed seeds), each consumer
     * checked against a model of what it must receive: entries in put order from its get cursor, the get
     * cursor back at its ack cursor after a rollback, and at the end every entry acked exactly once in order.
     */
    @Test
    void concurrentRandomGetAckRollbackMatchesTheModel() throws Exception {
        for (BatchMode mode : BatchMode.values()) {
            RingBufferStore store = store(256, 128, mode); // 32 KB
            int n = 50_000;
            RingBufferStore.Reader r1 = store.openReader();
            RingBufferStore.Reader r2 = store.openReader();
            Future<?> producer = threads.submit(() -> {
                Random random = new Random(7);
                long id = 0;
                while (id < n) {
                    int count = 1 + random.nextInt(50);
                    List<StoredEntry> batch = new ArrayList<>();
                    for (int i = 0; i < count && id < n; i++) {
                        batch.add(entry(id++, 8 + random.nextInt(400)));
                    }
                    store.put(batch);
                }
                return null;
            });
            CompletableFuture<List<Long>> c1 = CompletableFuture.supplyAsync(() -> consume(store, r1, n, 11, mode), threads);
            CompletableFuture<List<Long>> c2 = CompletableFuture.supplyAsync(() -> consume(store, r2, n, 13, mode), threads);
            producer.get(60, TimeUnit.SECONDS);
            List<Long> expected = LongStream.range(0, n).boxed().toList();
            assertThat(c1.get(60, TimeUnit.SECONDS)).as(mode.name()).isEqualTo(expected);
            assertThat(c2.get(60, TimeUnit.SECONDS)).as(mode.name()).isEqualTo(expected);
            assertThat(store.heldEntries()).isZero();
        }
    }

    private static List<Long> consume(RingBufferStore store, RingBufferStore.Reader r, int n, long seed, BatchMode mode) {
        Random random = new Random(seed);
        List<Long> acked = new ArrayList<>();
        Deque<Slice> outstanding = new ArrayDeque<>();
        long modelGet = 0;
        long modelAck = 0;
        try {
            while (acked.size() < n) {
                int op = random.nextInt(100);
                if (op < 55) {
                    int fetch = 1 + random.nextInt(64);
                    long timeout = random.nextBoolean() ? -1 : TimeUnit.MICROSECONDS.toNanos(200);
                    Slice s = r.get(fetch, timeout);
                    assertThat(s.from()).isEqualTo(modelGet);
                    assertThat(s.to() - s.from()).isEqualTo(s.entries().size());
                    for (int i = 0; i < s.entries().size(); i++) {
                        assertThat(id(s.entries().get(i))).isEqualTo(modelGet + i);
                    }
                    if (!s.isEmpty()) {
                        if (mode == BatchMode.ITEMSIZE) {
                            assertThat(s.entries()).hasSizeLessThanOrEqualTo(fetch);
                        } else {
                            long beforeLast = s.entries().subList(0, s.entries().size() - 1).stream()
                                    .mapToLong(StoredEntry::size).sum();
                            assertThat(beforeLast).isLessThanOrEqualTo((long) fetch * 128);
                        }
                        outstanding.add(s);
                    }
                    modelGet = s.to();
                } else if (op < 90) {
                    Slice oldest = outstanding.poll();
                    if (oldest != null) {
                        assertThat(oldest.from()).isEqualTo(modelAck);
                        r.ack(oldest.to());
                        oldest.entries().forEach(e -> acked.add(id(e)));
                        modelAck = oldest.to();
                    }
                } else {
                    r.rollback();
                    outstanding.clear();
                    modelGet = modelAck;
                }
                assertThat(store.heldEntries()).isLessThanOrEqualTo(256);
                assertThat(store.heldBytes()).isLessThanOrEqualTo(256L * 128);
                assertThat(r.getSequence()).isEqualTo(modelGet);
                assertThat(r.ackSequence()).isEqualTo(modelAck);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return acked;
    }

    @Test
    void aFollowerSeesEntriesWhileThereIsRoomAndGivesWayWhenAPutNeedsSpace() throws Exception {
        RingBufferStore store = store(8, 1024, BatchMode.ITEMSIZE);
        RingBufferStore.Reader app = store.openReader();
        RingBufferStore.Reader peek = store.openFollower();
        store.put(entries(0, 6, 10));
        Slice first = app.get(100, -1);
        app.ack(first.to());
        assertThat(ids(peek.get(2, -1))).as("kept for the peek although the application acked them")
                .containsExactly(0L, 1L);
        assertThat(store.heldEntries()).isEqualTo(6);

        // 6 held for the peek + 6 new > 8: the put frees what the application acked instead of waiting for the peek
        threads.submit(() -> {
            store.put(entries(6, 12, 10));
            return null;
        }).get(5, TimeUnit.SECONDS);
        assertThat(store.fullForMillis(System.currentTimeMillis())).isZero();
        assertThat(ids(peek.get(100, -1))).as("the peek skips what was freed under it").containsExactly(6L, 7L, 8L, 9L,
                10L, 11L);
        assertThat(peek.lag().skippedEntries()).isEqualTo(4);
        assertThat(ids(app.get(100, -1))).containsExactly(6L, 7L, 8L, 9L, 10L, 11L);
    }

    @Test
    void followersAloneFreeNothingSoTheFirstSubscriberStillGetsEverything() throws Exception {
        RingBufferStore store = store(4, 1024, BatchMode.ITEMSIZE);
        RingBufferStore.Reader peek = store.openFollower();
        store.put(entries(0, 4, 10));
        peek.ack(peek.get(100, -1).to());
        Future<?> blocked = threads.submit(() -> {
            store.put(entries(4, 5, 10));
            return null;
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> store.fullForMillis(System.currentTimeMillis()) > 0);
        assertThat(blocked.isDone()).isFalse();

        RingBufferStore.Reader app = store.openReader();
        Slice all = app.get(100, -1);
        assertThat(ids(all)).containsExactly(0L, 1L, 2L, 3L);
        app.ack(all.to());
        blocked.get(5, TimeUnit.SECONDS);
        assertThat(store.fullForMillis(System.currentTimeMillis())).isZero();
    }

    @Test
    void lagCountsWhatEachReaderHasNotAckedAndNamesTheOneTheStoreWaitsFor() throws Exception {
        RingBufferStore store = store(16, 1024, BatchMode.ITEMSIZE);
        RingBufferStore.Reader fast = store.openReader();
        RingBufferStore.Reader slow = store.openReader();
        long before = System.currentTimeMillis();
        store.put(entries(0, 5, 100));
        fast.ack(fast.get(100, -1).to());
        slow.get(2, -1);

        RingBufferStore.Lag caughtUp = fast.lag();
        assertThat(caughtUp.entries()).isZero();
        assertThat(caughtUp.bytes()).isZero();
        assertThat(caughtUp.oldestPutMillis()).isZero();
        assertThat(caughtUp.holdsFreePosition()).isFalse();
        RingBufferStore.Lag behind = slow.lag();
        assertThat(behind.entries()).as("handed out but not acked still counts").isEqualTo(5);
        assertThat(behind.bytes()).isEqualTo(500);
        assertThat(behind.oldestPutMillis()).isBetween(before, System.currentTimeMillis());
        assertThat(behind.holdsFreePosition()).isTrue();
    }
}
