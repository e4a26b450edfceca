package io.sluice.server.sink.lookup;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Looked-up rows by key: least recently used first out, each valid for a fixed time. Not thread-safe. */
final class LookupCache {

    record Value(String value, int sqlType, String mysqlType) {
    }

    /** A looked-up row; {@link #ABSENT} when the key has no row (cached too, so misses are not re-queried). */
    record Row(Map<String, Value> values) {
        static final Row ABSENT = new Row(Map.of());
    }

    private record Slot(Row row, long expiresAtNanos) {
    }

    private final long ttlNanos;
    private final LinkedHashMap<String, Slot> slots;

    LookupCache(int maxSize, Duration ttl) {
        this.ttlNanos = ttl.toNanos();
        this.slots = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Slot> eldest) {
                return size() > maxSize;
            }
        };
    }

    boolean contains(String key) {
        return get(key) != null;
    }

    /** The cached row, or null when not cached or expired. */
    Row get(String key) {
        Slot slot = slots.get(key);
        if (slot == null) {
            return null;
        }
        if (System.nanoTime() - slot.expiresAtNanos > 0) {
            slots.remove(key);
            return null;
        }
        return slot.row;
    }

    void put(String key, Row row) {
        slots.put(key, new Slot(row, System.nanoTime() + ttlNanos));
    }

    void invalidate(String key) {
        slots.remove(key);
    }

    void clear() {
        slots.clear();
    }

    int size() {
        return slots.size();
    }
}
