package io.sluice.server.entry;

import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import java.util.Objects;

/**
 * One canal {@code Entry} as it travels from the sink through the store to clients: already serialized
 * (encode once; a GET reply writes these bytes as they are), with what the store and meta need to know
 * without parsing it again.
 *
 * @param bytes    the serialized {@code CanalEntry.Entry}
 * @param position the entry's own binlog position (start offset of its event), as canal reports in cursors
 * @param resume   where to restart so that everything up to and including this entry is not delivered again
 * @param kind     what sort of entry it is, for ack points and DDL isolation
 * @param schema   header schema name ("" when none), for subscribe filters applied at get time
 * @param table    header table name ("" when none)
 * @param source   which master of a merged (n:1) destination the entry came from ("" for a plain
 *                 destination); positions and resume points compare only within one source
 */
public record StoredEntry(byte[] bytes, BinlogPosition position, ResumePoint resume, Kind kind,
                          String schema, String table, String source) {

    /** The entry types that matter to the store and meta. */
    public enum Kind {
        TRANSACTION_BEGIN, ROW_DATA, TRANSACTION_END, DDL, QUERY;

        /**
         * canal moves a client's cursor only to a transaction end, a DDL, or (without GTIDs) a transaction
         * begin; Sluice's resume points make every entry safe to ack, but the canal-visible cursor follows
         * canal's rule so that canal tools reading meta see the same thing.
         */
        public boolean isCanalAckPoint() {
            return this == TRANSACTION_END || this == DDL || this == TRANSACTION_BEGIN;
        }
    }

    public StoredEntry {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(resume, "resume");
        Objects.requireNonNull(kind, "kind");
        schema = schema == null ? "" : schema;
        table = table == null ? "" : table;
        source = source == null ? "" : source;
    }

    /** An entry of a plain (single-master) destination. */
    public StoredEntry(byte[] bytes, BinlogPosition position, ResumePoint resume, Kind kind, String schema,
                       String table) {
        this(bytes, position, resume, kind, schema, table, "");
    }

    /** Size counted against the store's byte bound and MEMSIZE batches. */
    public int size() {
        return bytes.length;
    }
}
