package io.sluice.server.store;

/**
 * Sizing of one destination's store.
 *
 * @param capacity     maximum entries held ({@code canal.instance.memory.buffer.size}, a power of two)
 * @param memUnit      bytes per MEMSIZE unit ({@code canal.instance.memory.buffer.memunit})
 * @param batchMode    how fetch sizes count
 * @param ddlIsolation a DDL entry always travels alone in its batch ({@code canal.instance.get.ddl.isolation})
 */
public record StoreSettings(int capacity, int memUnit, BatchMode batchMode, boolean ddlIsolation) {

    public static final StoreSettings DEFAULTS = new StoreSettings(16384, 1024, BatchMode.MEMSIZE, false);

    public StoreSettings {
        if (capacity <= 0 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("store capacity must be a power of two: " + capacity);
        }
        if (memUnit <= 0) {
            throw new IllegalArgumentException("memunit must be positive: " + memUnit);
        }
        java.util.Objects.requireNonNull(batchMode, "batchMode");
    }

    /**
     * The byte bound: capacity × memunit, which is canal's MEMSIZE bound; Sluice applies it in ITEMSIZE mode
     * too, so that a few huge rows cannot exhaust the heap whatever the batch mode.
     */
    public long byteCapacity() {
        return (long) capacity * memUnit;
    }
}
