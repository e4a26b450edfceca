package io.sluice.server.parser;

import io.sluice.server.parser.event.BinlogEventHeader;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;

/**
 * Where one binlog stream is: its current file, the boundary after the last complete unit with the GTID set
 * executed up to it, the open unit and how many entries it has numbered so far, and the GTID of the transaction
 * being read.
 *
 * <p>A <em>unit</em> is what a restart can begin at: a transaction, or a statement outside one (DDL). Every entry
 * a unit would produce is numbered from 1, whether or not its table passes the filter, so that a resume point's
 * {@code skipEntries} means the same thing however the filter changes. The unit starts at its first event (its
 * GTID event when there is one); a dump can restart there, and the GTID set before it is the boundary's.
 */
final class UnitTracker {

    private final TransactionBuffer out;
    private final ParserCounters counters;

    private String file;
    /** Position after the last complete unit, with the GTID set executed up to it: where a unit starts. */
    private BinlogPosition boundary;
    private final GtidSetText executed;
    private String currentGtid = "";
    private String currentGtidSn = "";
    private String currentGtidLct = "";

    private boolean inUnit;
    private BinlogPosition unitStart;
    /** Start of the GTID event announcing the next unit, -1 when none: the unit's first event. */
    private long gtidEventStart = -1;
    private int ordinal;

    UnitTracker(TransactionBuffer out, ParserCounters counters, BinlogPosition start) {
        this.out = out;
        this.counters = counters;
        this.file = start.file();
        this.boundary = start;
        this.executed = new GtidSetText(start.gtidSet());
    }

    /** Where the next unit starts (file, offset and the GTID set executed before it). */
    BinlogPosition boundary() {
        return boundary;
    }

    String file() {
        return file;
    }

    boolean inUnit() {
        return inUnit;
    }

    /** The GTID set executed up to the event being read (its own GTID included). */
    String executedGtidSet() {
        return executed.toString();
    }

    String currentGtid() {
        return currentGtid;
    }

    String currentGtidSn() {
        return currentGtidSn;
    }

    String currentGtidLct() {
        return currentGtidLct;
    }

    void rotate(BinlogEventHeader h, String toFile, long toPosition) {
        file = toFile;
        if (!inUnit) {
            boundary = new BinlogPosition(file, toPosition, executed.toString(), h.getServerId(),
                    boundary.timestampMillis());
        }
    }

    /** The GTID set a file starts with, taken when the stream started without one. */
    void initialGtidSet(String gtidSet) {
        if (executed.isEmpty()) {
            executed.reset(gtidSet);
            boundary = boundary.withGtidSet(executed.toString());
        }
    }

    /** An anonymous GTID event (gtid_mode off): the next unit starts at it and has no GTID. */
    void anonymousGtid(BinlogEventHeader h) {
        if (!inUnit) {
            currentGtid = "";
            gtidEventStart = h.startOffset();
        }
    }

    /** A GTID event: the next unit starts at it (when none is open) and is this transaction. */
    void gtid(BinlogEventHeader h, String gtid, String sequenceNumber, String lastCommitted) {
        if (!inUnit) {
            gtidEventStart = h.startOffset();
        }
        currentGtid = gtid;
        currentGtidSn = sequenceNumber;
        currentGtidLct = lastCommitted;
        executed.add(gtid);
    }

    void openUnit(BinlogEventHeader h) {
        inUnit = true;
        ordinal = 0;
        long offset = gtidEventStart >= 0 ? gtidEventStart : h.startOffset();
        unitStart = new BinlogPosition(file, offset, boundary.gtidSet(), h.getServerId(), h.getTimestamp());
    }

    void closeUnit(BinlogEventHeader h) throws InterruptedException {
        inUnit = false;
        counters.transactions++;
        out.endUnit();
        boundary = after(h);
        out.advance(ResumePoint.at(boundary));
        currentGtid = "";
        gtidEventStart = -1;
        counters.position = boundary;
    }

    /** Numbers the unit's next entry, put or not. */
    int nextOrdinal() {
        return ++ordinal;
    }

    /** Where the event starts, with the GTID set {@code gtidSet}. */
    BinlogPosition at(BinlogEventHeader h, String gtidSet) {
        return new BinlogPosition(file, h.startOffset(), gtidSet, h.getServerId(), h.getTimestamp());
    }

    /** Right after the event, with the GTID set executed up to it. */
    BinlogPosition after(BinlogEventHeader h) {
        return new BinlogPosition(file, h.getNextPosition(), executed.toString(), h.getServerId(), h.getTimestamp());
    }

    /**
     * Where a restart resumes for the entry numbered last: inside a unit the unit start plus its ordinal; the
     * entry that ends a unit (END, a standalone DDL) resumes after the event.
     */
    ResumePoint resume(BinlogEventHeader h, boolean endsUnit) {
        return endsUnit ? ResumePoint.at(after(h)) : new ResumePoint(unitStart, ordinal);
    }

    int ordinal() {
        return ordinal;
    }

    /** Forget an open unit before reading again from {@code start}. */
    void reset(BinlogPosition start) {
        inUnit = false;
        ordinal = 0;
        file = start.file();
        boundary = start;
        executed.reset(start.gtidSet());
        currentGtid = "";
        gtidEventStart = -1;
    }
}
