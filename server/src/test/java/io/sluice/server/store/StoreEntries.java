package io.sluice.server.store;

import io.sluice.server.entry.StoredEntry;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import java.nio.ByteBuffer;

/** Test entries whose bytes start with their id, so a consumer can check what it received. */
final class StoreEntries {

    private StoreEntries() {
    }

    static StoredEntry entry(long id, int size) {
        return entry(id, size, StoredEntry.Kind.ROW_DATA);
    }

    static StoredEntry entry(long id, int size, StoredEntry.Kind kind) {
        byte[] bytes = new byte[Math.max(8, size)];
        ByteBuffer.wrap(bytes).putLong(id);
        BinlogPosition p = BinlogPosition.of("mysql-bin.000001", 4 + id);
        return new StoredEntry(bytes, p, ResumePoint.at(p), kind, "db", "t");
    }

    static long id(StoredEntry e) {
        return ByteBuffer.wrap(e.bytes()).getLong();
    }
}
