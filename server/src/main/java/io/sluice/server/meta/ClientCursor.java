package io.sluice.server.meta;

import io.sluice.server.position.SourcePositions;
import java.util.Objects;

/**
 * What a client acknowledged: canal's cursor (the last ack-point entry, what canal tools read) and Sluice's
 * exact resume points, which also cover entries acked inside a transaction.
 *
 * @param ackPoint canal's LogPosition
 * @param resume   per source, where to resume so that nothing acked comes again
 */
public record ClientCursor(LogPosition ackPoint, SourcePositions resume) {

    public ClientCursor {
        Objects.requireNonNull(ackPoint, "ackPoint");
        Objects.requireNonNull(resume, "resume");
    }
}
