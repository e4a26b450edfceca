package io.sluice.server.parser;

import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;

/**
 * A snapshot of a parser for metrics and logs.
 *
 * @param state            what the parser is doing
 * @param position         position after the last complete transaction seen (null before the first)
 * @param lastPut          where a restart would continue: the resume point of the last entry put into the sink
 * @param lastEventMillis  timestamp of the last event read (the master's clock); delay = now − this
 * @param rows             rows decoded since start
 * @param transactions     transactions (and standalone statements) completed since start
 * @param entriesPut       entries handed to the sink since start
 * @param reconnects       connections re-established after a failure
 * @param lastError        the last failure, or null
 */
public record ParserStatus(State state, BinlogPosition position, ResumePoint lastPut, long lastEventMillis, long rows,
                           long transactions, long entriesPut, long reconnects, String lastError) {

    public enum State { NEW, CONNECTING, STREAMING, RECONNECTING, STOPPED, FAILED }

    public long delayMillis(long nowMillis) {
        return lastEventMillis <= 0 ? -1 : Math.max(0, nowMillis - lastEventMillis);
    }
}
