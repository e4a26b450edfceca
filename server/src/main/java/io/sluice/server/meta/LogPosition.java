package io.sluice.server.meta;

import io.sluice.server.position.BinlogPosition;
import java.util.Objects;

/**
 * canal's cursor value ({@code com.alibaba.otter.canal.protocol.position.LogPosition}): the master it came
 * from ({@code identity.sourceAddress}) and the position of the last acknowledged ack-point entry
 * ({@code postion}: journalName, position = the entry's start offset, serverId, timestamp, gtid). canal's
 * tools and a canal server taking the meta over read exactly this.
 *
 * @param sourceHost master host name (or IP literal), as configured
 * @param sourcePort master port
 * @param position   the ack-point entry's position
 */
public record LogPosition(String sourceHost, int sourcePort, BinlogPosition position) {

    public LogPosition {
        Objects.requireNonNull(sourceHost, "sourceHost");
        Objects.requireNonNull(position, "position");
    }

    @Override
    public String toString() {
        return sourceHost + ":" + sourcePort + " " + position;
    }
}
