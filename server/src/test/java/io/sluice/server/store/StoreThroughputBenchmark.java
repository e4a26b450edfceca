package io.sluice.server.store;

import io.sluice.server.entry.StoredEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Store throughput: one producer putting lists of entries, one consumer getting and acking batches, as the
 * parser thread and a client do. Prints entries/s and bytes/s per configuration. Run by hand:
 * {@code java -cp <test classpath> io.sluice.server.store.StoreThroughputBenchmark [seconds]}.
 * Entries are taken from a pre-built pool so that the figure is the store's, not the allocator's.
 */
public final class StoreThroughputBenchmark {

    private StoreThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        System.out.printf("%-8s %7s %6s %6s %14s %12s %12s%n", "mode", "entry B", "put", "fetch", "entries/s",
                "MB/s", "max held MB");
        for (int size : new int[] {200, 2000}) {
            run(BatchMode.ITEMSIZE, size, 64, 1000, seconds);
            run(BatchMode.MEMSIZE, size, 64, 1000, seconds);
        }
    }

    private static void run(BatchMode mode, int entrySize, int putSize, int fetch, int seconds) throws Exception {
        RingBufferStore store = new RingBufferStore(new StoreSettings(16384, 1024, mode, false));
        List<StoredEntry> pool = new ArrayList<>();
        for (int i = 0; i < 4096; i++) {
            pool.add(StoreEntries.entry(i, entrySize));
        }
        List<List<StoredEntry>> puts = new ArrayList<>();
        for (int i = 0; i + putSize <= pool.size(); i += putSize) {
            puts.add(pool.subList(i, i + putSize));
        }
        RingBufferStore.Reader reader = store.openReader();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Thread producer = new Thread(() -> {
            int i = 0;
            try {
                while (System.nanoTime() < end) {
                    store.put(puts.get(i++ % puts.size()));
                }
            } catch (InterruptedException | StoreClosedException e) {
                // stopping
            }
        }, "bench-producer");
        producer.start();
        long entries = 0;
        long bytes = 0;
        long maxHeld = 0;
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
            Slice s = reader.get(fetch, TimeUnit.MILLISECONDS.toNanos(100));
            for (StoredEntry e : s.entries()) {
                bytes += e.size();
            }
            entries += s.entries().size();
            maxHeld = Math.max(maxHeld, store.heldBytes());
            reader.ack(s.to());
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        store.close();
        producer.join();
        System.out.printf("%-8s %7d %6d %6d %,14.0f %12.1f %12.1f%n", mode, entrySize, putSize, fetch,
                entries / elapsed, bytes / elapsed / 1e6, maxHeld / 1e6);
    }
}
