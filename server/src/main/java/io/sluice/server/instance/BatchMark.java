package io.sluice.server.instance;

import io.sluice.server.meta.LogPosition;
import io.sluice.server.position.SourcePositions;

/**
 * An outstanding batch of one client: its id, the store sequences it covers (including entries skipped
 * for the client's filter), and what acking it records: canal's cursor (the last ack-point entry, or null
 * when the batch has none) and the resume point of its last entry per source.
 */
record BatchMark(long id, long from, long to, LogPosition ackPoint, SourcePositions resume) {

    /** The same batch grown by entries that were consumed for the client without being sent to it. */
    BatchMark extend(long newTo, LogPosition newAckPoint, SourcePositions newResume) {
        return new BatchMark(id, from, newTo, newAckPoint != null ? newAckPoint : ackPoint, resume.max(newResume));
    }
}
